import AuditCore
import AuditPKI
import AuditSpec
import AuditWire
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The coordinator's shared state: the store, the audit lifecycle, the long-poll signals and the
/// queue of audits to combine. Request handlers and background services act through it, and every
/// lifecycle action is dispatched here, in one place.
///
/// Nothing here is state another replica needs (Deploy/REPLICAS.md): the audits, tasks, submissions,
/// events and combine claims are in the store; the long-poll waiters, the local combine queue, the
/// metrics and the readiness flags belong to this process, and wake-ups reach the other replicas
/// through ``WakeUpBroadcast``.
public final class Coordinator: Sendable {
    /// Durable state.
    public let store: Store
    /// The audit lifecycle over the store.
    public let lifecycle: AuditLifecycle
    /// This process among the replicas sharing the store (the holder of its combine claims).
    public let replica: ReplicaID
    /// This process's long-polls, woken by ``wakeUps``.
    let signals: TaskSignals
    /// Wakes the long-polls of every replica.
    let wakeUps: any WakeUpBroadcast
    /// Lets one replica at a time sweep.
    let sweepLock: any SweepLock
    /// The link to the other replicas when it is a service of its own (the PostgreSQL `LISTEN` session).
    let replicaService: (any Service)?
    /// How long a combine claim holds without a heartbeat.
    let combineLease: Duration
    let combineQueue: AsyncStream<AuditID>
    let combineRequests: AsyncStream<AuditID>.Continuation
    /// Audits queued for this process's combiner and not yet taken: a sweep does not queue them twice.
    private let queuedCombines = Mutex<Set<AuditID>>([])
    let configuration: CoordinatorConfiguration
    let logger: Logger
    /// The wall clock of every timestamp and deadline decision.
    let clock: AuditClock
    /// This coordinator's Prometheus registry (`/metrics` on the observability listener).
    public let metrics = CoordinatorMetrics()
    /// What `/readyz` reports.
    let readiness = Readiness()
    /// Launched audits' specs in wire form, so a request does not decode and digest the spec again.
    let specs: LaunchedSpecs
    /// The long polls' `delivered` transitions, written in batches.
    let deliveries: StoreBatcher<TaskID, AppliedTransition>
    /// The long polls' reads of their open tasks, in batches.
    let openTasks: StoreBatcher<SiteID, [OpenTask]>
    /// The agents' results, stored in batches.
    let submissions: StoreBatcher<NewSubmission, SubmissionOutcome>

    /// Creates the coordinator over an open store; `link` is how it reaches the other replicas
    /// (``ReplicaLink/local`` when it is the only one).
    public init(configuration: CoordinatorConfiguration, store: Store, logger: Logger, clock: AuditClock = .system,
                replica: ReplicaID = .generate(), link: ReplicaLink = .local) {
        self.configuration = configuration
        self.clock = clock
        self.store = store
        self.lifecycle = AuditLifecycle(store: store)
        self.deliveries = .deliveries(store: store, clock: clock)
        self.submissions = .submissions(store: store, clock: clock)
        let specs = LaunchedSpecs()
        self.specs = specs
        self.openTasks = .openTasks(store: store, specs: specs)
        self.replica = replica
        var logger = logger
        logger[metadataKey: "replica"] = "\(replica)"
        self.logger = logger
        self.combineLease = .seconds(configuration.combineLeaseSeconds)
        let signals = TaskSignals()
        self.signals = signals
        (wakeUps, sweepLock, replicaService) = link.make(signals: signals, logger: logger)
        (combineQueue, combineRequests) = AsyncStream.makeStream(of: AuditID.self)
    }

    /// Queues `auditID` for this process's combiner unless it is queued already; the combiner
    /// claims it in the store before it combines (``Store/claimCombine(_:holder:at:lease:)``).
    func requestCombine(_ auditID: AuditID) {
        if queuedCombines.withLock({ $0.insert(auditID).inserted }) { combineRequests.yield(auditID) }
    }

    /// The combiner took `auditID` off the queue.
    func dequeuedCombine(_ auditID: AuditID) {
        _ = queuedCombines.withLock { $0.remove(auditID) }
    }

    /// Carries out what a transition asks for: combining is queued, long-polls are woken.
    func dispatch(_ applied: AppliedTransition) async {
        for action in applied.actions {
            switch action {
            case .startCombining:
                requestCombine(applied.auditID)
            case .notify(.tasksAvailable(let sites)), .notify(.tasksWithdrawn(let sites)):
                await wakeUps.wake(sites)
            case .notify(.auditFinished(let state)):
                logger.info("audit finished", metadata: ["audit": "\(applied.auditID)", "state": "\(state.rawValue)"])
            case .recordEvent, .expireTasks, .cancelTasks:
                break  // persisted by the lifecycle
            }
        }
    }

    /// The wire form of a stored task, or nil when its spec no longer parses (never expected).
    func siteTask(_ open: OpenTask) -> SiteTask? {
        wireTask(open)?.task
    }

    /// The wire form of a stored task with its spec's canonical JSON (for ``TaskList/canonicalJSON(_:)``).
    func wireTask(_ open: OpenTask) -> (task: SiteTask, specJSON: Data)? {
        guard let launched = specs.spec(of: open.audit) else { return nil }
        return (SiteTask(id: open.task.id, audit: open.audit.id, round: open.task.round, spec: launched.spec,
                         specSHA256: launched.digest, rootSeed: open.audit.rootSeed, createdAt: open.audit.createdAt,
                         deadline: open.audit.deadline), launched.json)
    }
}
