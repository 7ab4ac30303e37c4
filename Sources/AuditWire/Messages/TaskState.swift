/// The state of one site's task (`ARCHITECTURE.md` §6): `queued → delivered → accepted →
/// submitted | refused | failed | expired`. A state this build does not know decodes as is.
public struct TaskState: Hashable, Sendable, Codable, CustomStringConvertible, RawRepresentable {
    /// The wire name.
    public let rawValue: String
    /// Creates a state from its wire name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Created, not yet fetched by the site.
    public static let queued = TaskState(rawValue: "queued")
    /// Returned by a task poll.
    public static let delivered = TaskState(rawValue: "delivered")
    /// The site accepted the task and is computing (reserved; a site may go straight to a result).
    public static let accepted = TaskState(rawValue: "accepted")
    /// A valid result was stored.
    public static let submitted = TaskState(rawValue: "submitted")
    /// The site refused the task.
    public static let refused = TaskState(rawValue: "refused")
    /// The site reported a computation failure (refusal code `failed`) or the coordinator gave up on the task.
    public static let failed = TaskState(rawValue: "failed")
    /// The deadline passed or the audit was cancelled before an answer.
    public static let expired = TaskState(rawValue: "expired")
    /// Every state of protocol 1.0.
    public static let all: [TaskState] = [.queued, .delivered, .accepted, .submitted, .refused, .failed, .expired]

    /// Whether the task accepts no further result or refusal (`task_closed`).
    public var isTerminal: Bool { [.submitted, .refused, .failed, .expired].contains(self) }
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
