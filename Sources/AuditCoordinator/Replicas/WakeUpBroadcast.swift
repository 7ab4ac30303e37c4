import AuditCore

/// How a transition's "work appeared (or went) for these sites" reaches the long-polls waiting for
/// it: on this process only (one coordinator) or on every replica sharing the store (PostgreSQL
/// `NOTIFY`, see ``PostgresReplicaChannel``).
///
/// A wake-up is a hint, never the record: a long-poll that misses one still ends at its timeout and
/// re-reads the store, so a lost notification delays a task by at most one poll and strands nothing.
protocol WakeUpBroadcast: Sendable {
    /// Wakes the long-polls of `sites` on every replica, this one included. Called after the
    /// transaction that made the change has committed, so a woken poll reads it.
    func wake(_ sites: [SiteID]) async
}

/// One coordinator process: wakes this process's waiters and nobody else.
struct LocalWakeUps: WakeUpBroadcast {
    let signals: TaskSignals

    func wake(_ sites: [SiteID]) async { await signals.notify(sites) }
}
