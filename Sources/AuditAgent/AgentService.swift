import AuditClient
import AuditCore
import AuditPKI
import AuditWire
import Foundation
import Logging
import ServiceLifecycle

/// The site agent's long-running job (`fairuse agent run`): say hello, then long-poll for tasks
/// and run each one — policy check, optional human approval, local computation, ledger entry,
/// submission — remembering completed tasks so a restart re-syncs without redoing them.
/// Network failures are retried with exponential back-off and jitter; a refused identity
/// (unknown, revoked or mismatched certificate) stops the agent with a clear error instead.
public struct AgentService: Service {
    let configuration: AgentConfiguration
    let logger: Logger
    let onProgress: @Sendable (String) -> Void
    let clock: AuditClock

    /// Creates the service; `clock` timestamps the ledger and judges the coordinator's clock skew.
    public init(configuration: AgentConfiguration, logger: Logger, clock: AuditClock = .system,
                onProgress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.configuration = configuration
        self.logger = logger
        self.clock = clock
        self.onProgress = onProgress
    }

    /// Runs until graceful shutdown, or throws when the coordinator refuses the site's identity.
    public func run() async throws {
        // A ledger or state folder the agent cannot write would otherwise fail every task after
        // the hello and look like "coordinator unavailable"; stop here with the path instead.
        try WritableLocation.requireAll(for: configuration)
        // The coordinator's certificate is checked against the federation CA's revocation list on every connection.
        let revocation = try CoordinatorRevocationCheck(
            ca: PKIStore.loadCertificate(path: configuration.caPath), path: configuration.revocationListPath,
            whenStale: configuration.revocationListWhenStale, now: clock.now)
        let client = try CoordinatorClient(baseURL: configuration.coordinatorURL, certificatePath: configuration.certificatePath,
                                           keyPath: configuration.keyPath, caPath: configuration.caPath, revocation: revocation)
        do {
            try await loop(client)
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// How often the agent fetches the coordinator's revocation list (`GET /v1/crl`): at start, then every 10 minutes.
    static let revocationRefreshSeconds: TimeInterval = 600

    func loop(_ client: CoordinatorClient) async throws {
        let state = AgentState(directory: configuration.stateDirectory)
        let ledger = EgressLedger(path: configuration.ledgerPath, clock: clock)
        let site = try SiteID(validating: configuration.site)
        var backoff = Backoff()
        var greeted = false
        var revocationCheckedAt = Date.distantPast
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                if !greeted {
                    let hello = AgentHello(agentVersion: AuditAgentModule.version, site: site, policy: configuration.policy.summary)
                    let json = try PayloadCodec.encodeJSON(hello)
                    try ledger.append(kind: "hello", audit: nil, task: nil, destination: configuration.coordinatorURL, payload: json)
                    let reply = try await client.hello(hello)
                    let skew = abs(reply.serverTime.timeIntervalSince(clock.now()))
                    if skew > 300 { logger.warning("clock skew with the coordinator", metadata: ["seconds": "\(Int(skew))"]) }
                    greeted = true
                    onProgress("connected to \(configuration.coordinatorURL) as \(site)")
                }
                if clock.now().timeIntervalSince(revocationCheckedAt) >= Self.revocationRefreshSeconds {
                    try await client.refreshRevocationList()
                    revocationCheckedAt = clock.now()
                    if let warning = client.revocation?.staleWarning() { logger.warning("\(warning)") }
                }
                let tasks = try await cancelWhenGracefulShutdown {
                    try await client.tasks(wait: configuration.pollSeconds)
                }
                for task in tasks where !state.isCompleted(task.id.rawValue) {
                    try await handle(task, client: client, ledger: ledger, state: state, site: site)
                }
                backoff.reset()
            } catch let error as AgentError where error.code == .identityRefused {
                logger.error("the coordinator refused this site's identity", metadata: ["error": "\(error)"])
                throw error
            } catch is CancellationError {
                return
            } catch {
                let delay = backoff.next()
                logger.warning("coordinator unavailable; retrying", metadata: ["in_seconds": "\(Int(delay))", "error": "\(error)"])
                greeted = greeted && !(error is AgentError)
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(delay)) }
            }
        }
    }

    func handle(_ task: SiteTask, client: CoordinatorClient, ledger: EgressLedger, state: AgentState, site: SiteID) async throws {
        if configuration.policy.manualApproval {
            switch state.approval(task: task.id.rawValue, specSHA256: task.specSHA256) {
            case .none:
                if state.noteAwaitingApproval(task) {
                    onProgress("task \(task.id) (\(task.spec.name)) awaits approval: fairuse agent approve \(task.id)")
                }
                return
            case .some(false):
                let refusal = TaskRefusal(task: task.id, site: site, code: RefusalCode.approvalDenied, reason: "the site declined this audit")
                try await send(refusal: refusal, task: task, client: client, ledger: ledger, state: state)
                return
            case .some(true):
                break
            }
        }
        onProgress("running task \(task.id) of audit \(task.audit) (\(task.spec.name))")
        let runner = TaskRunner(site: site, policy: configuration.policy, data: configuration.data)
        let progress = onProgress
        // Progress goes to the coordinator from a second task while the computation runs; each
        // report is written to the egress ledger first, like every payload, and is best effort.
        let (reports, reporter) = AsyncStream.makeStream(of: TaskProgress.self, bufferingPolicy: .bufferingNewest(32))
        let destination = configuration.coordinatorURL, logger = logger
        let poster = Task {
            for await report in reports {
                do {
                    let json = try PayloadCodec.encodeJSON(report)
                    try ledger.append(kind: "progress", audit: task.audit.rawValue, task: task.id.rawValue,
                                      destination: destination, payload: json)
                    try await client.progress(task: task.id, json: json)
                } catch {
                    logger.debug("progress not delivered", metadata: ["task": "\(task.id)", "error": "\(error)"])
                }
            }
        }
        let outcome = runner.run(task, progress: { progress("  " + $0) }, report: { reporter.yield($0) })
        reporter.finish()
        await poster.value
        switch outcome {
        case .refusal(let refusal):
            try await send(refusal: refusal, task: task, client: client, ledger: ledger, state: state)
        case .result(let result):
            let json = try PayloadCodec.encodeJSON(result)
            try ledger.append(kind: "result", audit: task.audit.rawValue, task: task.id.rawValue,
                              destination: configuration.coordinatorURL, payload: json)
            do {
                let receipt = try await client.submit(task: task.id, json: json)
                state.markCompleted(task.id.rawValue)
                onProgress("submitted task \(task.id): \(json.count) bytes of aggregates, receipt \(receipt.idempotencyKey.prefix(12))…")
            } catch let error as AgentError where error.code == .rejected {
                // The coordinator refused the payload itself (validation, conflict): resending the
                // same deterministic result cannot help, so the task is reported as failed.
                logger.error("the coordinator rejected the result", metadata: ["task": "\(task.id)", "error": "\(error)"])
                let refusal = TaskRefusal(task: task.id, site: site, code: RefusalCode.failed,
                                          reason: "the coordinator rejected the site's result: \(error.wireCode?.name ?? "rejected")")
                try await send(refusal: refusal, task: task, client: client, ledger: ledger, state: state)
            }
        }
    }

    func send(refusal: TaskRefusal, task: SiteTask, client: CoordinatorClient, ledger: EgressLedger, state: AgentState) async throws {
        let json = try PayloadCodec.encodeJSON(refusal)
        try ledger.append(kind: "refusal", audit: task.audit.rawValue, task: task.id.rawValue,
                          destination: configuration.coordinatorURL, payload: json)
        try await client.refuse(task: task.id, json: json)
        state.markCompleted(task.id.rawValue)
        onProgress("refused task \(task.id): \(refusal.code) — \(refusal.reason)")
    }
}

/// Exponential back-off with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
/// 1 s, 2 s, 4 s … capped at 60 s, each delay drawn uniformly below the cap.
struct Backoff {
    private var attempt = 0
    mutating func next() -> Double {
        let cap = min(60, pow(2, Double(attempt)))
        attempt += 1
        return Double.random(in: 0.5...max(0.5, cap))
    }
    mutating func reset() { attempt = 0 }
}

extension SitePolicy {
    /// What the site tells the coordinator about its policy (no secrets, no data).
    var summary: PolicySummary {
        PolicySummary(allowedModelClasses: allowedModels, allowedMetrics: allowedMetrics, minCell: minCell,
                      maxGroups: maxGroups, manualApproval: manualApproval)
    }
}
