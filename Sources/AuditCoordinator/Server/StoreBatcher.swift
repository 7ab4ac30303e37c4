import AuditCore
import AuditWire
import Synchronization

/// Gathers the store calls of this process's requests that arrive together into one store call
/// (group commit for writes, one shared snapshot for reads).
///
/// A launch wakes every parked long poll of its sites at once. Each poll used to read its own open
/// tasks and write its own `delivered` transition; those 2 × 200 transactions queued for one writer
/// (SQLite) or one audit row lock and the connection pool (PostgreSQL), and were most of the time to
/// hand the tasks over (`fairuse benchmark load`). Here a call that arrives while a batch is running
/// waits for the next batch, which takes every call waiting by then, so each call is served by a
/// store call that *started after it was made*: a read sees everything committed before the call,
/// exactly as its own transaction would. Each call gets its own outcome. One process only; other
/// replicas batch their own requests (Deploy/REPLICAS.md).
final class StoreBatcher<Input: Sendable, Output: Sendable>: Sendable {
    /// Serves a batch: one outcome per input, in input order.
    typealias Run = @Sendable ([Input]) async throws -> [Result<Output, any Error>]

    private struct Waiting {
        var pending: [(input: Input, continuation: CheckedContinuation<Output, any Error>)] = []
        var running = false
    }

    private let run: Run
    private let state = Mutex(Waiting())

    init(_ run: @escaping Run) {
        self.run = run
    }

    /// `input`'s outcome, from the next batch; throws what its own store call would have thrown,
    /// or, when the batch's store call fails as a whole, that failure.
    func call(_ input: Input) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            let starts = state.withLock { waiting in
                waiting.pending.append((input, continuation))
                guard !waiting.running else { return false }
                waiting.running = true
                return true
            }
            if starts { Task { await self.drain() } }
        }
    }

    /// Runs batches until none is waiting.
    private func drain() async {
        while true {
            let batch = state.withLock { waiting in
                defer { waiting.pending = [] }
                if waiting.pending.isEmpty { waiting.running = false }
                return waiting.pending
            }
            guard !batch.isEmpty else { return }
            do {
                let outcomes = try await run(batch.map(\.input))
                precondition(outcomes.count == batch.count, "a batch must give one outcome per call")
                for (waiter, outcome) in zip(batch, outcomes) { waiter.continuation.resume(with: outcome) }
            } catch {
                for waiter in batch { waiter.continuation.resume(throwing: error) }
            }
        }
    }
}

extension StoreBatcher where Input == TaskID, Output == AppliedTransition {
    /// Marks tasks `delivered` for the long polls (``Store/markDelivered(tasks:at:)``): the same
    /// events, applied in arrival order, each task's outcome its own.
    static func deliveries(store: Store, clock: AuditClock) -> StoreBatcher {
        StoreBatcher { tasks in
            try await store.markDelivered(tasks: tasks, at: clock.now()).map { $0.mapError { $0 as any Error } }
        }
    }
}

extension StoreBatcher where Input == NewSubmission, Output == SubmissionOutcome {
    /// Stores the agents' results (``Store/recordSubmissions(_:at:)``): each audit locked once per
    /// batch, each upload's outcome its own.
    static func submissions(store: Store, clock: AuditClock) -> StoreBatcher {
        StoreBatcher { submissions in
            try await store.recordSubmissions(submissions, at: clock.now()).map { $0.mapError { $0 as any Error } }
        }
    }
}

extension StoreBatcher where Input == SiteID, Output == [OpenTask] {
    /// The long polls' reads of their sites' open tasks (``Store/openTasks(for:)``), in one
    /// snapshot per batch (``Store/openTasks(forSites:)``), each audit read once. Each audit's
    /// spec is put in wire form here, once, before the polls of the batch all ask for it.
    static func openTasks(store: Store, specs: LaunchedSpecs) -> StoreBatcher {
        StoreBatcher { sites in
            let lists = try await store.openTasks(forSites: sites)
            var seen: Set<AuditID> = []
            for open in lists.joined() where seen.insert(open.audit.id).inserted { _ = specs.spec(of: open.audit) }
            return lists.map { .success($0) }
        }
    }
}
