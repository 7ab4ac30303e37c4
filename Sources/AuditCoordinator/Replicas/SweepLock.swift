/// Decides which replica runs the periodic sweep (deadlines, and combines whose claim lapsed), so
/// that of several coordinators sharing one store only one sweeps at a time.
///
/// The sweep stays correct without it (every transition re-reads its audit inside its transaction
/// and a combine is claimed before it runs), so the lock saves duplicate work and duplicate log
/// lines; it is not what keeps the audit consistent.
protocol SweepLock: Sendable {
    /// Runs `body` if this replica holds the sweep now, and returns whether it ran.
    func runExclusively(_ body: @Sendable () async -> Void) async -> Bool
}

/// One coordinator process (or replicas sharing a SQLite file, whose writes SQLite serialises):
/// every sweep runs.
struct LocalSweepLock: SweepLock {
    func runExclusively(_ body: @Sendable () async -> Void) async -> Bool {
        await body()
        return true
    }
}
