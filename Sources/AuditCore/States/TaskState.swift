/// The state of one site's task within an audit (`ARCHITECTURE.md` §6), one type for the state
/// machine, the store and the wire: `queued → delivered → accepted → submitted | refused | failed |
/// expired | cancelled`. A new state is a major protocol change (`Protocol/protocol.md` §3).
public enum TaskState: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// Created at launch; the site's agent has not fetched it yet.
    case queued
    /// Handed to the site's agent by a poll.
    case delivered
    /// The site's agent accepted it under its policy and is running it.
    case accepted
    /// The site's aggregate result was received and stored.
    case submitted
    /// The site refused the task (policy), with a code and a reason.
    case refused
    /// The site (or the coordinator on its behalf) reported that the task failed.
    case failed
    /// The audit's deadline passed before the site answered.
    case expired
    /// The audit was cancelled or can no longer succeed, so the task was withdrawn (protocol 2.1).
    case cancelled

    /// `true` for `queued`, `delivered` and `accepted`: the site still owes an answer.
    public var isOpen: Bool {
        switch self {
        case .queued, .delivered, .accepted: true
        case .submitted, .refused, .failed, .expired, .cancelled: false
        }
    }

    /// Whether the task accepts no further result or refusal (`task_closed`): the negation of ``isOpen``.
    public var isTerminal: Bool { !isOpen }

    /// The wire name.
    public var description: String { rawValue }
}
