import AuditCore
import AuditPKI
import AuditSpec
import AuditWire
import Foundation
import Logging

/// The coordinator's shared state: the store, the audit lifecycle, the long-poll signals and the
/// queue of audits to combine. Request handlers and background services act through it, and every
/// lifecycle action is dispatched here, in one place.
public final class Coordinator: Sendable {
    /// Durable state.
    public let store: Store
    /// The audit lifecycle over the store.
    public let lifecycle: AuditLifecycle
    let signals = TaskSignals()
    let combineQueue: AsyncStream<AuditID>
    let combineRequests: AsyncStream<AuditID>.Continuation
    let configuration: CoordinatorConfiguration
    let logger: Logger
    /// The wall clock of every timestamp and deadline decision.
    let clock: AuditClock
    /// This coordinator's Prometheus registry (`/metrics` on the observability listener).
    public let metrics = CoordinatorMetrics()
    /// What `/readyz` reports.
    let readiness = Readiness()

    /// Creates the coordinator over an open store.
    public init(configuration: CoordinatorConfiguration, store: Store, logger: Logger, clock: AuditClock = .system) {
        self.configuration = configuration
        self.clock = clock
        self.store = store
        self.lifecycle = AuditLifecycle(store: store)
        self.logger = logger
        (combineQueue, combineRequests) = AsyncStream.makeStream(of: AuditID.self)
    }

    /// Carries out what a transition asks for: combining is queued, long-polls are woken.
    func dispatch(_ applied: AppliedTransition) async {
        for action in applied.actions {
            switch action {
            case .startCombining:
                combineRequests.yield(applied.auditID)
            case .notify(.tasksAvailable(let sites)), .notify(.tasksWithdrawn(let sites)):
                await signals.notify(sites)
            case .notify(.auditFinished(let state)):
                logger.info("audit finished", metadata: ["audit": "\(applied.auditID)", "state": "\(state.rawValue)"])
            case .recordEvent, .expireTasks, .cancelTasks:
                break  // persisted by the lifecycle
            }
        }
    }

    /// The wire form of a stored task, or nil when its spec no longer parses (never expected).
    func siteTask(_ open: OpenTask) -> SiteTask? {
        guard let spec = try? open.audit.spec() else { return nil }
        return SiteTask(id: open.task.id, audit: open.audit.id, round: open.task.round, spec: spec, rootSeed: open.audit.rootSeed,
                        createdAt: open.audit.createdAt, deadline: open.audit.deadline)
    }
}
