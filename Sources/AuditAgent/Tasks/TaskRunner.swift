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

    /// Creates a runner.
    public init(site: SiteID, policy: SitePolicy, data: AgentConfiguration.DataSource) {
        self.site = site
        self.policy = policy
        self.data = data
    }

    /// Runs the task; `progress` gets plain messages (counts only) for the local log, `report` the
    /// structured progress that may be sent to the coordinator (stage, technique, step count only).
    public func run(_ task: SiteTask, progress: @Sendable (String) -> Void = { _ in },
                    report: @Sendable (TaskProgress) -> Void = { _ in }) -> Outcome {
        // load, split, h0, a fit and statistics per technique, disclosure; a fixed model: load, predict, statistics, disclosure.
        let steps = StepCounter(total: task.spec.model.fixed == nil ? 4 + 2 * task.spec.techniques.count : 4)
        let techniques = task.spec.techniques.map(\.rawValue)
        @Sendable func reportStage(_ stage: String, _ technique: String?) {
            report(TaskProgress(task: task.id, site: site, stage: stage, technique: technique,
                                step: steps.next(), total: steps.total))
        }
        if let refusal = policy.check(task.spec) { return refuse(task, refusal.code, refusal.reason) }
        guard task.specSHA256 == SiteTask.specDigest(task.spec) else {
            return refuse(task, RefusalCode.specMismatch, "the task's spec does not match its SHA-256")
        }
        if task.spec.outcome.type == .continuous { return runRegression(task, progress: progress) }
        do {
            let path = try DataSourceLoader.csvPath(for: data)
            // A SQLite query's rows are a temporary CSV of patient data: removed when the task ends.
            defer { if DataSourceLoader.isTemporary(data) { try? FileManager.default.removeItem(atPath: path) } }
            let trained = try LocalAudit.train(spec: task.spec, dataPath: path) { stage, message in
                progress(message)
                reportStage(stage.rawValue, techniques.first { message.hasPrefix($0 + " ") || message.hasPrefix($0 + ":") })
            }
            if let refusal = policy.check(groupCount: trained.result.groups.count) {
                return refuse(task, refusal.code, refusal.reason)
            }
            var extraction = LocalAudit.extractionSettings(task.spec, site: site.rawValue)
            extraction.rootSeed = task.rootSeed
            let inputs = trained.techniques.map {
                (technique: $0.technique.rawValue, predictions: Self.asSite($0.predictions.predictions, site: site.rawValue))
            }
            let release = Disclosure.release(inputs, site: site.rawValue, settings: extraction,
                                             minCell: policy.minCell) { technique in
                progress("\(technique): sufficient statistics")
                reportStage("statistics", technique)
            }
            let withheldKeys = release.withheldGroups
            let suppressed = release.findings.map { Suppression(group: $0.group, scope: $0.scope, reason: $0.reason) }
            reportStage("disclosure", nil)
            // Row counts cover only the released groups: the site's full counts minus the released
            // ones would reveal a withheld group's size (complementary disclosure).
            let released = trained.result.groups.filter { !withheldKeys.contains($0.key) }
            let train = released.reduce(0) { $0 + $1.trainCount }, test = released.reduce(0) { $0 + $1.testCount }
            return .result(TaskResult(
                task: task.id, audit: task.audit, site: site, round: task.round, specSHA256: task.specSHA256,
                agentVersion: AuditAgentModule.version, techniques: release.techniques, suppressed: suppressed,
                rowCounts: RowCounts(total: train + test, train: train, test: test)))
        } catch {
            progress("the task failed: \(error)")
            return refuse(task, RefusalCode.dataInvalid, RefusalReason.dataInvalid(error))
        }
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

/// Reads the configured data source into a CSV file the audit pipeline can read (a SQLite query's
/// result becomes a private temporary file; ``isTemporary(_:)`` says whether to remove it).
public enum DataSourceLoader {
    /// Whether ``csvPath(for:)`` of this source makes a temporary file.
    public static func isTemporary(_ source: AgentConfiguration.DataSource) -> Bool {
        if case .sqlite = source { return true }
        return false
    }

    /// The CSV path of the source.
    public static func csvPath(for source: AgentConfiguration.DataSource) throws -> String {
        switch source {
        case .csv(let path): return path
        case .sqlite(let path, let query): return try SQLiteSource.export(database: path, query: query)
        }
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
