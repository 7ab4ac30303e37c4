import AuditWire
import Foundation

/// One line of the egress ledger (``EgressLedger``), as JSON with sorted keys.
///
/// Every message that leaves is an `attempt` holding its exact bytes, written and flushed before
/// the send; the send's outcome follows as an `ack` (the coordinator's answer, with the ledger head
/// it recorded) or a `failed` entry (the reason, and whether resending can help). `hash` chains the
/// entries and is keyed (HMAC-SHA256 with the ledger key), so the chain cannot be recomputed after
/// an edit without the key.
public struct LedgerEntry: Sendable, Codable, Equatable {
    /// The three kinds of entry.
    public enum Kind: String, Sendable, Codable {
        /// A message about to be sent; `payload` is its exact JSON.
        case attempt
        /// The coordinator acknowledged the attempt `answers`; `payload` is its answer.
        case ack
        /// The attempt `answers` was not acknowledged; `payload` is the reason.
        case failed
    }

    /// What an attempt sends.
    public enum Message: String, Sendable, Codable {
        case hello, result, refusal, progress
    }

    /// 1-based position in the ledger, equal to the line number.
    public var sequence: Int
    /// When the entry was written (UTC, ISO 8601 with milliseconds).
    public var recordedAt: String
    /// attempt, ack or failed.
    public var kind: Kind
    /// For an attempt, what it sends.
    public var message: Message?
    /// For an ack or failure, the sequence of the attempt it answers.
    public var answers: Int?
    /// The audit concerned, when any.
    public var audit: String?
    /// The task concerned, when any.
    public var task: String?
    /// The coordinator's URL.
    public var destination: String
    /// SHA-256 (hex) of `payload`'s UTF-8 bytes.
    public var payloadSHA256: String
    /// An attempt's exact JSON; an ack's answer from the coordinator; a failure's reason.
    public var payload: String
    /// For an ack, the ledger head the coordinator says it holds for the site (`sequence:hash`).
    public var coordinatorHead: String?
    /// For a failure, whether resending the same bytes can help (a transport failure, not a refusal).
    public var retry: Bool?
    /// `hash` of the previous entry (64 zeros for the first).
    public var previousHash: String
    /// HMAC-SHA256, keyed with the ledger key, over every field above (see ``EgressLedger/keyedHash``).
    public var hash: String

    /// This entry as a ledger head (what an attempt's request carries).
    public var head: LedgerHead { LedgerHead(sequence: sequence, hash: hash) }

    /// The payload's bytes.
    public var payloadData: Data { Data(payload.utf8) }
}
