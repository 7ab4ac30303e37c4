import AuditCore
import AuditWire
import Synchronization

/// Marks tasks delivered for the long polls of this process, gathering the polls that deliver at
/// the same time into one store transaction (group commit).
///
/// A launch wakes every parked poll of its sites at once. Each used to write its own `delivered`
/// transition, and those writes queue for one writer (SQLite) or one audit row lock (PostgreSQL):
/// at 200 sites that queue was most of the time to hand the tasks over (`fairuse benchmark load`).
/// Here a delivery that arrives while a batch is being written waits for the next batch, which takes
/// every delivery waiting by then. A batch is ``Store/markDelivered(tasks:at:)``: the same events,
/// applied in arrival order, each task's outcome its own — so a poll sees exactly what its own
/// transaction would have given it. One process only; other replicas batch their own polls.
final class DeliveryBatcher: Sendable {
    private struct Waiting {
        var pending: [(task: TaskID, continuation: CheckedContinuation<AppliedTransition, any Error>)] = []
        var writing = false
    }

    private let store: Store
    private let clock: AuditClock
    private let state = Mutex(Waiting())

    init(store: Store, clock: AuditClock) {
        self.store = store
        self.clock = clock
    }

    /// Marks `task` delivered, in the next batch; throws what its own transaction would have thrown.
    func markDelivered(_ task: TaskID) async throws -> AppliedTransition {
        try await withCheckedThrowingContinuation { continuation in
            let starts = state.withLock { waiting in
                waiting.pending.append((task, continuation))
                guard !waiting.writing else { return false }
                waiting.writing = true
                return true
            }
            if starts { Task { await self.drain() } }
        }
    }

    /// Writes batches until none is waiting.
    private func drain() async {
        while true {
            let batch = state.withLock { waiting in
                defer { waiting.pending = [] }
                if waiting.pending.isEmpty { waiting.writing = false }
                return waiting.pending
            }
            guard !batch.isEmpty else { return }
            do {
                let outcomes = try await store.markDelivered(tasks: batch.map(\.task), at: clock.now())
                for (waiter, outcome) in zip(batch, outcomes) { waiter.continuation.resume(with: outcome.mapError { $0 as any Error }) }
            } catch {
                for waiter in batch { waiter.continuation.resume(throwing: error) }
            }
        }
    }
}
