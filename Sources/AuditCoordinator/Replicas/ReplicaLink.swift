import Logging
import ServiceLifecycle

/// How a coordinator reaches the other replicas that share its store.
public struct ReplicaLink: Sendable {
    let make: @Sendable (_ signals: TaskSignals, _ logger: Logger) -> (any WakeUpBroadcast, any SweepLock, (any Service)?)

    /// The only coordinator on its store (or replicas sharing one SQLite file on one machine, which
    /// learn of new tasks at their long-polls' timeouts): wake-ups stay in this process and every
    /// sweep runs.
    public static let local = ReplicaLink { signals, _ in (LocalWakeUps(signals: signals), LocalSweepLock(), nil) }

    func make(signals: TaskSignals, logger: Logger) -> (any WakeUpBroadcast, any SweepLock, (any Service)?) {
        make(signals, logger)
    }
}
