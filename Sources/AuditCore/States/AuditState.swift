/// The state of an audit as a whole (`ARCHITECTURE.md` §6), one type for the state machine, the
/// store, the wire and the reports: `created → dispatched → collecting → combining → complete |
/// partial | failed | cancelled`. A new state is a major protocol change (`Protocol/protocol.md` §3).
public enum AuditState: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// Built but not yet launched; it has no tasks.
    case created
    /// Launched: one queued task per site, none delivered yet.
    case dispatched
    /// At least one site has picked up or answered its task.
    case collecting
    /// Enough sites have answered; the combiner is running.
    case combining
    /// Every site submitted and the combiner succeeded.
    case complete
    /// The deadline passed with `min_sites` and `required_sites` met; the report names the missing.
    case partial
    /// The completion rule cannot hold, or the combiner failed.
    case failed
    /// The operator cancelled the audit before it finished.
    case cancelled

    /// `true` for `complete`, `partial`, `failed` and `cancelled`: no event changes the audit any more.
    public var isFinal: Bool {
        switch self {
        case .complete, .partial, .failed, .cancelled: true
        case .created, .dispatched, .collecting, .combining: false
        }
    }

    /// The wire name.
    public var description: String { rawValue }
}
