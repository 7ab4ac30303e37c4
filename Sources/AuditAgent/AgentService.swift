import AuditClient
import AuditCore
import AuditPKI
import AuditWire
import Foundation
import Logging
import ServiceLifecycle

/// The site agent's long-running job (`fairuse agent run`): say hello, then long-poll for tasks
/// and run each one — policy check, optional human approval, local computation, ledgered
/// submission — remembering completed tasks so a restart re-syncs without redoing them, and
/// resending a ledgered but unacknowledged answer from the ledger instead of recomputing it.
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

    /// Runs until graceful shutdown, or throws when the coordinator refuses the site's identity or
    /// another agent holds the ledger (one writer per ledger, for the agent's lifetime).
    public func run() async throws {
        // A ledger or state folder the agent cannot write would otherwise fail every task after
        // the hello and look like "coordinator unavailable"; stop here with the path instead.
        try WritableLocation.requireAll(for: configuration)
        let ledger = try EgressLedger(path: configuration.ledgerPath, stateDirectory: configuration.stateDirectory, clock: clock)
        defer { ledger.close() }
        // The coordinator's certificate is checked against the federation CA's revocation list on every connection.
        let revocation = try CoordinatorRevocationCheck(
            ca: PKIStore.loadCertificate(path: configuration.caPath), path: configuration.revocationListPath,
            whenStale: configuration.revocationListWhenStale, now: clock.now)
        let client = try CoordinatorClient(baseURL: configuration.coordinatorURL, certificatePath: configuration.certificatePath,
                                           keyPath: configuration.keyPath, caPath: configuration.caPath, revocation: revocation)
        do {
            try await loop(LedgeredClient(client: client, ledger: ledger, destination: configuration.coordinatorURL))
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// How often the agent fetches the coordinator's revocation list (`GET /v1/crl`): at start, then every 10 minutes.
    static let revocationRefreshSeconds: TimeInterval = 600

    func loop(_ sender: LedgeredClient) async throws {
        let client = sender.client
        let state = AgentState(directory: configuration.stateDirectory)
        let site = try SiteID(validating: configuration.site)
        var backoff = Backoff()
        var greeted = false
        var revocationCheckedAt = Date.distantPast
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                if !greeted {
                    let hello = AgentHello(agentVersion: AuditAgentModule.version, site: site, policy: configuration.policy.summary)
                    let reply = try await sender.hello(hello)
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
                    try await sender.tasks(wait: configuration.pollSeconds)
                }
                for task in tasks where !state.isCompleted(task.id.rawValue) {
                    try await handle(task, sender: sender, state: state, site: site)
                }
                backoff.reset()
            } catch let error as AgentError where error.code == .identityRefused {
                logger.error("the coordinator refused this site's identity", metadata: ["error": "\(error)"])
                throw error
            } catch let error as LedgerError {
                logger.error("the egress ledger cannot be written; nothing is sent without it", metadata: ["error": "\(error)"])
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

    func handle(_ task: SiteTask, sender: LedgeredClient, state: AgentState, site: SiteID) async throws {
        // A result or refusal already in the ledger is delivered from the ledger, byte for byte:
        // a retry never recomputes (the statistics would be the same, but the proof of what left
        // is the ledgered payload).
        switch try sender.ledger.delivery(of: task.id.rawValue) {
        case .acknowledged, .rejected:
            state.markCompleted(task.id.rawValue)
            return
        case .unacknowledged(let attempt):
            onProgress("resending the ledgered \(attempt.message?.rawValue ?? "answer") of task \(task.id) (ledger line \(attempt.sequence))")
            try await deliver(task, state: state) { try await sender.resend(attempt) }
            return
        case .none:
            break
        }
        if configuration.policy.manualApproval {
            switch state.approval(task: task.id.rawValue, specSHA256: task.specSHA256) {
            case .none:
                if state.noteAwaitingApproval(task) {
                    onProgress("task \(task.id) (\(task.spec.name)) awaits approval: fairuse agent approve \(task.id)")
                }
                return
            case .some(false):
                let refusal = TaskRefusal(task: task.id, site: site, code: RefusalCode.approvalDenied, reason: "the site declined this audit")
                try await deliver(task, state: state) { try await sender.refuse(refusal, audit: task.audit) }
                onProgress("refused task \(task.id): \(refusal.code) — \(refusal.reason)")
                return
            case .some(true):
                break
            }
        }
        onProgress("running task \(task.id) of audit \(task.audit) (\(task.spec.name))")
        let register = ReleaseRegister(stateDirectory: configuration.stateDirectory)
        let runner = TaskRunner(site: site, policy: configuration.policy, data: configuration.data, register: register)
        let progress = onProgress
        // Progress goes to the coordinator from a second task while the computation runs; each
        // report is ledgered like every payload, and is best effort.
        let (reports, reporter) = AsyncStream.makeStream(of: TaskProgress.self, bufferingPolicy: .bufferingNewest(32))
        let logger = logger
        let poster = Task {
            for await report in reports {
                do {
                    try await sender.progress(report, audit: task.audit)
                } catch {
                    logger.debug("progress not delivered", metadata: ["task": "\(task.id)", "error": "\(error)"])
                }
            }
        }
        var draft: ReleaseRecord?
        let outcome = await runner.run(task, progress: { progress("  " + $0) }, report: { reporter.yield($0) }, draft: { draft = $0 })
        reporter.finish()
        await poster.value
        switch outcome {
        case .refusal(let refusal):
            try await deliver(task, state: state) { try await sender.refuse(refusal, audit: task.audit) }
            onProgress("refused task \(task.id): \(refusal.code) — \(refusal.reason)")
        case .result(let result):
            // Registered as it is handed to the sender: a result that may have left is always in the
            // register (a resend after a failed send is of the same task, whose record stays).
            if let draft { try register.record(draft, releasedAt: clock.now()) }
            if let receipt = try await deliver(task, state: state, { try await sender.submit(result) }) {
                onProgress("submitted task \(task.id): receipt \(receipt.idempotencyKey.prefix(12))…")
            }
        }
    }

    /// Sends a task's answer and marks the task done when the coordinator acknowledged it, or
    /// refused it (the coordinator then failed the task with the reason: resending the same
    /// payload cannot help, and the ledger's `failed` entry says why). A transport failure is
    /// rethrown: the loop backs off, and the next poll resends the ledgered bytes.
    @discardableResult
    func deliver(_ task: SiteTask, state: AgentState, _ send: () async throws -> TaskReceipt) async throws -> TaskReceipt? {
        do {
            let receipt = try await send()
            state.markCompleted(task.id.rawValue)
            return receipt
        } catch let error as AgentError where error.code == .rejected {
            logger.error("the coordinator rejected the task's answer", metadata: ["task": "\(task.id)", "error": "\(error)"])
            onProgress("the coordinator rejected the answer to task \(task.id): \(error)")
            state.markCompleted(task.id.rawValue)
            return nil
        }
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
