import AuditCore
import Foundation

/// The coordinator's acknowledgement of a result or refusal; an identical resend gets the same
/// `idempotency_key` and `received_at`. `ledger_head` is the highest egress-ledger head the
/// coordinator holds for the site after this request, which the agent records in its ledger's
/// `ack` entry (protocol §13).
public struct TaskReceipt: Sendable, Codable, Equatable {
    /// The task.
    public var task: TaskID
    /// The site.
    public var site: SiteID
    /// The task's round.
    public var round: Int
    /// The accepted body's `Idempotency-Key` (SHA-256 of the uncompressed JSON).
    public var idempotencyKey: String
    /// When the coordinator first stored the body.
    public var receivedAt: Date
    /// The highest ledger head the coordinator holds for the site; nil when the site never sent one.
    public var ledgerHead: LedgerHead?

    /// Creates a receipt.
    public init(task: TaskID, site: SiteID, round: Int, idempotencyKey: String, receivedAt: Date,
                ledgerHead: LedgerHead? = nil) {
        self.task = task
        self.site = site
        self.round = round
        self.idempotencyKey = idempotencyKey
        self.receivedAt = receivedAt
        self.ledgerHead = ledgerHead
    }
}
