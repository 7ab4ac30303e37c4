/// The state of an audit (`ARCHITECTURE.md` §6): `created → dispatched → collecting → combining →
/// complete | partial | failed | cancelled`. A state this build does not know decodes as is.
public struct AuditState: Hashable, Sendable, Codable, CustomStringConvertible, RawRepresentable {
    /// The wire name.
    public let rawValue: String
    /// Creates a state from its wire name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Stored, tasks not yet created.
    public static let created = AuditState(rawValue: "created")
    /// Tasks created, none delivered yet.
    public static let dispatched = AuditState(rawValue: "dispatched")
    /// Waiting for sites' results of the current round.
    public static let collecting = AuditState(rawValue: "collecting")
    /// Results in; the coordinator is pooling and testing.
    public static let combining = AuditState(rawValue: "combining")
    /// Every site answered and the report is ready.
    public static let complete = AuditState(rawValue: "complete")
    /// The deadline passed with `min_sites` and `required_sites` met; the report names the missing.
    public static let partial = AuditState(rawValue: "partial")
    /// The audit could not produce a report (e.g. too few sites by the deadline).
    public static let failed = AuditState(rawValue: "failed")
    /// The operator cancelled the audit.
    public static let cancelled = AuditState(rawValue: "cancelled")
    /// Every state of protocol 1.0.
    public static let all: [AuditState] = [.created, .dispatched, .collecting, .combining, .complete, .partial,
                                           .failed, .cancelled]

    /// Whether no further transition happens.
    public var isTerminal: Bool { [.complete, .partial, .failed, .cancelled].contains(self) }
    /// The wire name.
    public var description: String { rawValue }

    /// Decodes the wire name.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes the wire name.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
