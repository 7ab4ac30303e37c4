import Foundation

/// The wall clock the coordinator and the agents read: deadlines, receipts, ledger timestamps,
/// certificate validity. Injected (never `Date()` in place) so a test can set the time and step
/// it past a deadline in microseconds instead of waiting for it.
public struct AuditClock: Sendable {
    /// The current time.
    public var now: @Sendable () -> Date

    /// A clock reading `now`.
    public init(now: @escaping @Sendable () -> Date) { self.now = now }

    /// The system's wall clock.
    public static let system = AuditClock { Date() }
}
