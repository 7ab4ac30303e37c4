import AuditClient
import AuditCore
import AuditWire
import Foundation

/// The only way the agent sends anything: each message is written to the ``EgressLedger`` as an
/// `attempt` first, sent with that attempt's head in `Fairuse-Ledger-Head`, and followed by an
/// `ack` holding the coordinator's answer or a `failed` entry holding the reason. A resend of a
/// ledgered attempt sends the ledgered bytes, never a recomputation.
public struct LedgeredClient: Sendable {
    /// The coordinator's client.
    public let client: CoordinatorClient
    /// The site's ledger.
    public let ledger: EgressLedger
    /// The coordinator's URL, as recorded in each entry.
    public let destination: String

    /// Creates a sender.
    public init(client: CoordinatorClient, ledger: EgressLedger, destination: String) {
        self.client = client
        self.ledger = ledger
        self.destination = destination
    }

    /// Ledgers and sends a hello.
    public func hello(_ hello: AgentHello) async throws -> CoordinatorHello {
        let attempt = try ledger.attempt(.hello, audit: nil, task: nil, destination: destination,
                                         payload: try PayloadCodec.encodeJSON(hello))
        return try await outcome(of: attempt) {
            let reply = try await client.hello(json: attempt.payloadData, ledgerHead: attempt.head)
            return (reply, try PayloadCodec.encodeJSON(reply), reply.ledgerHead)
        }
    }

    /// Polls for tasks, carrying the head of the last attempt.
    public func tasks(wait: Int) async throws -> [SiteTask] {
        try await client.tasks(wait: wait, ledgerHead: ledger.lastAttemptHead)
    }

    /// Ledgers and sends a result.
    public func submit(_ result: TaskResult) async throws -> TaskReceipt {
        let attempt = try ledger.attempt(.result, audit: result.audit.rawValue, task: result.task.rawValue,
                                         destination: destination, payload: try PayloadCodec.encodeJSON(result))
        return try await deliver(attempt)
    }

    /// Ledgers and sends a refusal.
    public func refuse(_ refusal: TaskRefusal, audit: AuditID) async throws -> TaskReceipt {
        let attempt = try ledger.attempt(.refusal, audit: audit.rawValue, task: refusal.task.rawValue,
                                         destination: destination, payload: try PayloadCodec.encodeJSON(refusal))
        return try await deliver(attempt)
    }

    /// Sends a ledgered result or refusal again, byte for byte: a new attempt of the same payload
    /// (an earlier attempt keeps its own outcome, or none if the agent stopped mid-send).
    public func resend(_ earlier: LedgerEntry) async throws -> TaskReceipt {
        try await deliver(try ledger.attempt(earlier.message ?? .result, audit: earlier.audit, task: earlier.task,
                                             destination: destination, payload: earlier.payloadData))
    }

    private func deliver(_ attempt: LedgerEntry) async throws -> TaskReceipt {
        guard let task = attempt.task.flatMap(TaskID.init(rawValue:)) else {
            throw LedgerError(file: ledger.path, message: "line \(attempt.sequence): an attempt without a valid task cannot be sent")
        }
        return try await outcome(of: attempt) {
            let receipt = attempt.message == .refusal
                ? try await client.refuse(task: task, json: attempt.payloadData, ledgerHead: attempt.head)
                : try await client.submit(task: task, json: attempt.payloadData, ledgerHead: attempt.head)
            return (receipt, try PayloadCodec.encodeJSON(receipt), receipt.ledgerHead)
        }
    }

    /// Ledgers and sends a progress report (best effort: the caller ignores failures).
    public func progress(_ report: TaskProgress, audit: AuditID) async throws {
        let attempt = try ledger.attempt(.progress, audit: audit.rawValue, task: report.task.rawValue,
                                         destination: destination, payload: try PayloadCodec.encodeJSON(report))
        _ = try await outcome(of: attempt) {
            let head = try await client.progress(task: report.task, json: attempt.payloadData, ledgerHead: attempt.head)
            return ((), Data(), head)
        }
    }

    /// Runs the send and ledgers its outcome: `ack` with the answer, or `failed` with the reason
    /// (resending helps after a transport failure, not after the coordinator refused the message).
    private func outcome<T>(of attempt: LedgerEntry,
                            _ send: () async throws -> (T, Data, LedgerHead?)) async throws -> T {
        do {
            let (value, answer, head) = try await send()
            try ledger.acknowledge(attempt, answer: answer, coordinatorHead: head)
            return value
        } catch let error as LedgerError {
            throw error
        } catch {
            try ledger.fail(attempt, reason: "\(error)", retry: (error as? AgentError)?.code != .rejected)
            throw error
        }
    }
}
