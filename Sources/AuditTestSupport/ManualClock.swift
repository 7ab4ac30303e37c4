import AuditCore
import AuditWire
import Foundation
import Synchronization

/// A wall clock that moves only when the test says so: hand its ``clock`` to a coordinator or an
/// agent, then ``advance(by:)`` past a deadline instead of waiting for it.
public final class ManualClock: Sendable {
    private let current: Mutex<Date>

    /// A clock reading `start` (by default, the moment it is made).
    public init(start: Date = Date()) { current = Mutex(start) }

    /// The time it reads.
    public var now: Date { current.withLock { $0 } }

    /// The ``AuditClock`` that reads this clock.
    public var clock: AuditClock { AuditClock { self.now } }

    /// Moves the clock forward by `interval` seconds.
    public func advance(by interval: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(interval) }
    }
}
