import AuditCore
import Foundation

/// A position in a site's egress ledger: the sequence number of an `attempt` entry and that
/// entry's keyed hash (`Protocol/protocol.md` §10). The agent sends the head of the attempt each
/// request belongs to in the `Fairuse-Ledger-Head` header (`<sequence>:<hash>`); the coordinator
/// keeps, per site, the highest head it received and returns it in receipts, so a ledger that was
/// later truncated or rewritten no longer contains what the coordinator recorded.
///
/// On the wire, in the header and in JSON alike, it is the string `"12:9f86…"`: a decimal
/// sequence of 1 … 15 digits, a colon, and 64 lowercase hex digits.
public struct LedgerHead: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 1-based sequence number of the entry.
    public var sequence: Int
    /// The entry's hash (64 lowercase hex digits).
    public var hash: String

    /// Creates a head.
    public init(sequence: Int, hash: String) {
        self.sequence = sequence
        self.hash = hash
    }

    /// Parses `"<sequence>:<hash>"`; nil unless the sequence is 1 … 15 decimal digits (≥ 1) and the
    /// hash 64 lowercase hex digits.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...15).contains(parts[0].utf8.count),
              parts[0].utf8.allSatisfy({ (48...57).contains($0) }), let sequence = Int(parts[0]), sequence >= 1,
              WireDigest.isSHA256Hex(String(parts[1])) else { return nil }
        self.init(sequence: sequence, hash: String(parts[1]))
    }

    /// Reads the `Fairuse-Ledger-Head` header: absent is nil, malformed is `malformed_payload` naming it.
    public static func header(_ value: String?) throws(WireError) -> LedgerHead? {
        guard let value else { return nil }
        guard let head = LedgerHead(value.trimmingSpaces()) else {
            throw WireError(code: .malformedPayload,
                            message: "expected \(WireHeader.ledgerHead) to be <sequence>:<64 lowercase hex digits>",
                            field: WireHeader.ledgerHead)
        }
        return head
    }

    /// `sequence:hash`.
    public var description: String { "\(sequence):\(hash)" }

    /// Decodes `"sequence:hash"`.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let head = LedgerHead(text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "expected a ledger head <sequence>:<sha256 hex>",
                underlyingError: WireError(code: .malformedPayload, message: "expected a ledger head <sequence>:<64 hex digits>")))
        }
        self = head
    }

    /// Encodes `"sequence:hash"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// The coordinator's record of a site's ledger (`GET /v1/agent/ledger-head`): the highest head it
/// received from the site and when, or none when the site's agent never sent one.
public struct SiteLedgerHead: Sendable, Codable, Equatable {
    /// The site.
    public var site: SiteID
    /// The highest head received, or nil.
    public var head: LedgerHead?
    /// When it was received.
    public var receivedAt: Date?

    /// Creates a record.
    public init(site: SiteID, head: LedgerHead?, receivedAt: Date?) {
        self.site = site
        self.head = head
        self.receivedAt = receivedAt
    }
}
