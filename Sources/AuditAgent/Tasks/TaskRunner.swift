import AuditCore
import AuditModels
import AuditSpec
import AuditStats
import AuditWire
import Foundation
import Synchronization

/// Runs one audit task on the site's data: checks it against the site policy (before any data is
/// read), trains the generic and personalized models locally, computes each technique's
/// sufficient statistics keyed by this site and the coordinator's root seed, and applies the
/// disclosure policy. The outcome is either a result or a refusal, never a crash.
public struct TaskRunner: Sendable {
    /// What to send for a task.
    public enum Outcome: Sendable {
        /// The aggregates to submit.
        case result(TaskResult)
        /// A refusal with a code and plain words.
        case refusal(TaskRefusal)
    }

    /// The site id (bootstrap strata are keyed by it).
    public let site: SiteID
    /// The site's policy.
    public let policy: SitePolicy
    /// Where the data comes from.
    public let data: AgentConfiguration.DataSource
    /// The site's release register: every earlier release the cross-audit check weighs a new
    /// one against. Without one (a preview tool, a test) each task is judged on its own.
    public let register: ReleaseRegister?

    /// Creates a runner.
    public init(site: SiteID, policy: SitePolicy, data: AgentConfiguration.DataSource, register: ReleaseRegister? = nil) {
        self.site = site
        self.policy = policy
        self.data = data
        self.register = register
    }

    /// Runs the task; `progress` gets plain messages (counts only) for the local log, `report` the
    /// structured progress that may be sent to the coordinator (stage, technique, step count only).
    /// Both outcome types share this skeleton: policy and digest checks before any data is read,
    /// the data source (``SiteData``: a CSV file, or a query streamed into the table), the group-count policy, the
    /// extraction settings keyed by the coordinator's root seed, and the released row counts.
    /// `draft` gets the register record of a result (the agent records it when it hands the
    /// result to the sender; nothing is recorded here).
    public func run(_ task: SiteTask, progress: @escaping @Sendable (String) -> Void = { _ in },
                    report: @escaping @Sendable (TaskProgress) -> Void = { _ in },
                    draft: (ReleaseRecord) -> Void = { _ in }) async -> Outcome {
        if let refusal = policy.check(task.spec) { return refuse(task, refusal.code, refusal.reason) }
        guard task.specSHA256 == SiteTask.specDigest(task.spec) else {
            return refuse(task, RefusalCode.specMismatch, "the task's spec does not match its SHA-256")
        }
        // load, split, h0, a fit and statistics per technique, disclosure; a fixed model: load, predict, statistics, disclosure.
        let steps = StepCounter(total: task.spec.model.fixed == nil ? 4 + 2 * task.spec.techniques.count : 4)
        let techniques = task.spec.techniques.map(\.rawValue)
        let reportStage: @Sendable (String, String?) -> Void = { stage, technique in
            report(TaskProgress(task: task.id, site: site, stage: stage, technique: technique,
                                step: steps.next(), total: steps.total))
        }
        let pipelineProgress: @Sendable (LocalAudit.Stage, String) -> Void = { stageName, message in
            progress(message)
            reportStage(stageName.rawValue, techniques.first { message.hasPrefix($0 + " ") || message.hasPrefix($0 + ":") })
        }
        do {
            var extraction = LocalAudit.extractionSettings(task.spec, site: site.rawValue)
            extraction.rootSeed = task.rootSeed
            // The data streams into the table (a query's rows are never written to a file); a
            // source that cannot be read is the data's problem (data_invalid), not the register's.
            let siteData = SiteData(data)
            let loaded = try await siteData.load(spec: task.spec, digest: register != nil)
            let context: CrossAuditContext?
            do {
                context = try await crossAuditContext(siteData, loaded: loaded, task: task)
            } catch {
                // Fail closed: without the register no release can be checked against the earlier ones.
                progress("the release register could not be used: \(error)")
                return refuse(task, RefusalCode.failed, "the site's release register could not be read; "
                              + "nothing is released until the site repairs it")
            }
            let release = task.spec.outcome.type == .continuous
                ? try releaseRegression(task, dataset: loaded.dataset, label: siteData.label, extraction: extraction,
                                        context: context, progress: pipelineProgress)
                : try releaseBinary(task, dataset: loaded.dataset, label: siteData.label, extraction: extraction,
                                    context: context, progress: pipelineProgress)
            if let refusal = release.refusal { return refuse(task, refusal.code, refusal.reason) }
            reportStage("disclosure", nil)
            // Row counts cover only the released groups: the site's full counts minus the released
            // ones would reveal a withheld group's size (complementary disclosure).
            let released = release.groups.filter { !release.withheld.contains($0.key) }
            let train = released.reduce(0) { $0 + $1.trainCount }, test = released.reduce(0) { $0 + $1.testCount }
            let result = TaskResult(
                task: task.id, audit: task.audit, site: site, round: task.round, specSHA256: task.specSHA256,
                rootSeed: task.rootSeed, agentVersion: AuditAgentModule.version, techniques: release.techniques, suppressed: release.suppressed,
                rowCounts: RowCounts(total: train + test, train: train, test: test),
                regressionTechniques: release.regressionTechniques)
            if let context {
                draft(ReleaseRecord(result: result, spec: task.spec, released: Set(released.map(\.key)), dataset: context.digest,
                                    cohort: DatasetDigest.cohort(data), minCell: policy.minCell))
            }
            return .result(result)
        } catch {
            progress("the task failed: \(error)")
            return refuse(task, RefusalCode.dataInvalid, RefusalReason.dataInvalid(error))
        }
    }

    /// What one outcome type's path releases, or the policy refusal it met after training.
    struct Release {
        var groups: [LocalAudit.GroupSize] = []
        var withheld: Set<String> = []
        var suppressed: [Suppression] = []
        var techniques: [TechniqueStatistics] = []
        var regressionTechniques: [RegressionTechniqueStatistics]? = nil
        var refusal: (code: String, reason: String)? = nil
    }

    /// A binary outcome: withholds rows of rare group levels, trains, checks the release against
    /// the earlier ones (cross-audit), then releases each technique's statistics through
    /// disclosure control.
    func releaseBinary(_ task: SiteTask, dataset: AuditDataset, label: String, extraction: ExtractionSettings,
                       context: CrossAuditContext?, progress: @Sendable (LocalAudit.Stage, String) -> Void) throws -> Release {
        let rare = RareLevels.find(dataset, minCell: policy.minCell)
        let trained = try LocalAudit.train(spec: task.spec, dataPath: label,
                                           dataset: rare.attributes.isEmpty ? dataset : dataset.keepingRows(rare.kept),
                                           progress: progress)
        if let refusal = policy.check(groupCount: trained.result.groups.count) {
            return Release(refusal: (refusal.code, refusal.reason))
        }
        let inputs = trained.techniques.map {
            (technique: $0.technique.rawValue, predictions: Self.asSite($0.predictions.predictions, site: site.rawValue))
        }
        let withinAudit = inputs.first.map { first in
            Set(Disclosure.suppressedGroups(first.predictions, minCell: policy.minCell).map { first.predictions.keys[$0] })
        } ?? []
        let cross = crossAudit(context, dataset: dataset, binary: true,
                               released: Set(trained.result.groups.map(\.key)).subtracting(withinAudit), task: task)
        if let reason = cross.refusal { return Release(refusal: (RefusalCode.disclosureRisk, reason)) }
        let release = Disclosure.release(inputs, site: site.rawValue, settings: extraction, minCell: policy.minCell,
                                         alsoWithholding: cross.withheld) { technique in
            progress(.statistics, "\(technique): sufficient statistics")
        }
        return Release(groups: trained.result.groups, withheld: release.withheldGroups,
                       suppressed: RareLevels.findings(rare.attributes, minCell: policy.minCell)
                           + release.findings.map(\.suppression) + cross.findings,
                       techniques: release.techniques)
    }

    func refuse(_ task: SiteTask, _ code: String, _ reason: String) -> Outcome {
        .refusal(TaskRefusal(task: task.id, site: site, code: code, reason: reason))
    }

    /// The predictions with every row attributed to this site (the bootstrap stratum key).
    static func asSite(_ predictions: Predictions, site: String) -> Predictions {
        var p = predictions
        p.sites = Array(repeating: site, count: p.count)
        return p
    }
}

/// Counts a task's steps across the closures that report them.
final class StepCounter: Sendable {
    let total: Int
    private let step = Mutex(0)

    init(total: Int) { self.total = total }

    /// The next step, capped at the total.
    func next() -> Int {
        step.withLock { step in
            step = min(step + 1, total)
            return step
        }
    }
}
