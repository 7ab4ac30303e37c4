import AuditAgent
import AuditClient
import AuditCore
import AuditPKI
import AuditSpec
import AuditWire
import Foundation
import ServiceLifecycle

extension FederationHarness {
    /// Issues a site certificate and registers it (unless `register` is false).
    @discardableResult
    public func addSite(_ id: String, register: Bool = true) async throws -> IssuedCertificate {
        let issued = try ca.issueSite(try SiteID(certificateName: id), validity: Self.leafValidity(clock))
        try pki.save(issued, overwrite: true)
        if register {
            _ = try await withOperator { try await $0.register(site: try SiteID(validating: id), fingerprint: issued.fingerprint.hex) }
        }
        return issued
    }

    /// An agent configuration for a registered site over `dataPath`.
    public func agentConfiguration(site: String, dataPath: String, minCell: Int = 1,
                                   models: String = "logistic_regression", metrics: String = "error, auc, ece") throws -> AgentConfiguration {
        let role = CertificateRole.site(try SiteID(certificateName: site))
        let yaml = """
            site: \(site)
            coordinator: \(url)
            tls: { certificate: \(pki.certificatePath(for: role)), key: \(pki.keyPath(for: role)), ca: \(pki.caCertificatePath) }
            data: { csv: \(dataPath) }
            policy: { allowed_models: [\(models)], allowed_metrics: [\(metrics)], allowed_techniques: [onehot, intersectional, decoupled], min_cell: \(minCell) }
            ledger: \(root)/\(site)-ledger.jsonl
            state_dir: \(root)/\(site)-state
            poll_seconds: 1
            """
        let path = root + "/\(site).yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try AgentConfiguration.load(path: path)
    }

    /// The configurations of bundled sites (each over its own share of the data), registering them first.
    public func bundledAgents(_ names: [String] = BundledSites.names, minCell: Int = 1,
                              models: (String) -> String = { _ in "logistic_regression" }) async throws -> [AgentConfiguration] {
        var configurations: [AgentConfiguration] = []
        for name in names {
            try await addSite(name)
            configurations.append(try agentConfiguration(site: name, dataPath: BundledSites.data(name), minCell: minCell,
                                                         models: models(name)))
        }
        return configurations
    }

    /// How scoped agents end: a graceful shutdown (a task under way finishes), or cancellation
    /// (the agent stops where it is, as when its process is killed).
    public enum AgentStop: Sendable { case gracefully, cancelled }

    /// Runs `body` while agents with `configurations` run (one service group, on the harness's
    /// clock); afterwards they are stopped and awaited, whether `body` returns or throws.
    public func withAgents<T>(_ configurations: [AgentConfiguration], stop: AgentStop = .gracefully,
                              _ body: () async throws -> T) async throws -> T {
        let services = configurations.map { AgentService(configuration: $0, logger: Self.logger, clock: clock) }
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, logger: Self.logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let outcome: Result<T, any Error>
            do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
            switch stop {
            case .gracefully: await group.triggerGracefulShutdown()
            case .cancelled: tasks.cancelAll()
            }
            while let next = await tasks.nextResult() { _ = next }   // an agent's own error is not the test's outcome
            return try outcome.get()
        }
    }

    /// Launches an audit of `spec` over `sites`, waits for its end and returns the final summary
    /// with the JSON report (agents must be running, e.g. inside ``withAgents(_:stop:_:)``).
    public func runAudit(_ spec: AuditSpec, sites: [String], minSites: Int? = nil,
                         rootSeed: UInt64? = nil) async throws -> (summary: AuditSummary, report: String, launched: AuditSummary) {
        let request = LaunchAuditRequest(specYAML: spec.yaml(), sites: try sites.map { try SiteID(validating: $0) },
                                         minSites: minSites, rootSeed: rootSeed)
        let launched = try await withOperator { try await $0.launch(request) }
        let summary = try await waitForEnd(launched.id)
        let report = try await withOperator { try await $0.report(launched.id, format: "json") }
        return (summary, report, launched)
    }

    /// Polls the audit every 50 ms until `done` holds and returns that summary; `timeout` is
    /// generous, for a loaded machine.
    public func waitForAudit(_ audit: AuditID, timeout: Duration = .seconds(300),
                             until done: (AuditSummary) -> Bool) async throws -> AuditSummary {
        try await withOperator { client in
            let end = ContinuousClock.now + timeout
            while true {
                let summary = try await client.audit(audit)
                if done(summary) { return summary }
                guard ContinuousClock.now < end else { throw WaitTimeout(audit: audit.rawValue, lastState: summary.state.rawValue) }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// Waits until the audit reaches a final state.
    public func waitForEnd(_ audit: AuditID, timeout: Duration = .seconds(300)) async throws -> AuditSummary {
        try await waitForAudit(audit, timeout: timeout) { $0.state.isFinal }
    }

    /// A wait for an audit state that did not come in time.
    public struct WaitTimeout: Error, CustomStringConvertible {
        /// The audit waited on.
        public var audit: String
        /// Its state when the wait gave up.
        public var lastState: String
        /// "audit … still <state>".
        public var description: String { "audit \(audit) still \(lastState) when the wait timed out" }
    }
}
