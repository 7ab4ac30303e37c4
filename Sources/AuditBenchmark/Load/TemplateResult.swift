import AuditAgent
import AuditCore
import AuditSpec
import AuditWire
import Foundation
import Synchronization

/// One real site result, computed once by the agent's own code path (`TaskRunner`: policy check,
/// training, disclosure control) on a bundled site's data and policy, together with the progress
/// reports the runner emitted on the way. Every simulated agent sends a copy re-bound to its own
/// task — task, audit, round, spec digest, root seed and site, which is all the coordinator's
/// validation binds — so the coordinator validates, stores and combines N real-sized payloads.
struct TemplateResult: Sendable {
    /// The computed result (bound to a placeholder task).
    let result: TaskResult
    /// The progress reports the runner emitted, in order (bound to the placeholder task).
    let progress: [TaskProgress]
    /// The site's policy, for the agents' hellos.
    let policy: PolicySummary

    /// Runs the task runner for `spec` on the bundled site `siteFolder` (its `data.csv` and the
    /// policy of its `agent.yaml`); a refusal is an error naming its code.
    init(spec: AuditSpec, rootSeed: UInt64, siteFolder: String) async throws {
        let configuration: AgentConfiguration
        do { configuration = try AgentConfiguration.load(path: siteFolder + "/agent.yaml") } catch {
            throw BenchmarkError("the bundled site's agent.yaml cannot be read: \(error)")
        }
        let site = try SiteID(validating: configuration.site)
        let task = SiteTask(id: TaskID.generate(), audit: AuditID.generate(), spec: spec, rootSeed: rootSeed, createdAt: Date())
        let runner = TaskRunner(site: site, policy: configuration.policy, data: .csv(path: siteFolder + "/data.csv"))
        let reports = Mutex<[TaskProgress]>([])
        switch await runner.run(task, report: { report in reports.withLock { $0.append(report) } }) {
        case .refusal(let refusal):
            throw BenchmarkError("the bundled site \(site) refused the benchmark's task: \(refusal.code)")
        case .result(let result):
            self.result = result
        }
        progress = reports.withLock { $0 }
        let policy = configuration.policy
        self.policy = PolicySummary(allowedModelClasses: policy.allowedModels, allowedMetrics: policy.allowedMetrics,
                                    minCell: policy.minCell, maxGroups: policy.maxGroups, manualApproval: policy.manualApproval)
    }

    /// The result re-bound to `task` of `site`: the exact JSON an agent would send.
    func json(for task: SiteTask, site: SiteID) throws -> Data {
        var copy = result
        copy.task = task.id
        copy.audit = task.audit
        copy.round = task.round
        copy.specSHA256 = task.specSHA256
        copy.rootSeed = task.rootSeed
        copy.site = site
        for i in copy.techniques.indices { copy.techniques[i].statistics.site = site.rawValue }
        return try PayloadCodec.encodeJSON(copy)
    }

    /// The runner's progress reports re-bound to `task` of `site`, as JSON.
    func progressJSON(for task: SiteTask, site: SiteID) throws -> [Data] {
        try progress.map { report in
            var copy = report
            copy.task = task.id
            copy.site = site
            return try PayloadCodec.encodeJSON(copy)
        }
    }
}
