import AuditCore
import Foundation
import ServiceLifecycle

/// The periodic sweep: closes audits at their deadline (open tasks expire, and the audit completes
/// as partial or fails), and queues combines that no replica holds a live claim on.
///
/// Of several replicas, the one holding the ``SweepLock`` sweeps (a PostgreSQL advisory lock); the
/// rest skip that round. A combine left behind by a replica that died mid-combine (its lease lapsed)
/// or before it claimed (it committed the last submission and died) is queued here and claimed by
/// this replica's ``CombinerService``.
struct DeadlineService: Service {
    let coordinator: Coordinator
    var interval: Duration = .seconds(1)

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await sweep()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// Sweeps once if this replica holds the sweep lock; returns whether it swept.
    @discardableResult
    func sweep() async -> Bool {
        await coordinator.sweepLock.runExclusively { await sweepUnlocked() }
    }

    /// Applies `deadlinePassed` to every open audit whose deadline is not after the clock's now, and
    /// queues every combine without a live claim.
    func sweepUnlocked() async {
        let now = coordinator.clock.now()
        for audit in (try? await coordinator.store.openAudits()) ?? [] where audit.deadline <= now && audit.state != .combining {
            if let applied = try? await coordinator.lifecycle.apply(.deadlinePassed(at: now), to: audit.id, at: now) {
                await coordinator.dispatch(applied)
            }
        }
        for auditID in (try? await coordinator.store.unclaimedCombines(at: now)) ?? [] {
            coordinator.requestCombine(auditID)
        }
    }
}
