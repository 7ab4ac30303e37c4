import AuditCore
import Foundation

extension Store {
    /// Records that a poll handed the task to its site's agent (`taskDelivered`); a re-delivery writes nothing.
    @discardableResult
    public func markDelivered(task taskID: TaskID, at time: Date) async throws -> AppliedTransition {
        try await applyToTask(taskID, at: time, "marking task \(taskID) delivered") { site in
            .taskDelivered(site: site, at: time)
        }
    }

    /// ``markDelivered(task:at:)`` for several tasks in ONE write transaction, each task's outcome its
    /// own and in the order given: every audit is loaded (and on PostgreSQL locked) once and its events
    /// applied in order. A launch wakes every parked poll at once; one transaction per delivery,
    /// serialised on the audit's row, was most of the time to hand 200 sites their tasks
    /// (`fairuse benchmark load`). See ``StoreBatcher``.
    public func markDelivered(tasks taskIDs: [TaskID], at time: Date) async throws -> [Result<AppliedTransition, StoreError>] {
        try await write("marking \(taskIDs.count) tasks delivered") { tx in
            let batch = try TasksByAudit(tx, taskIDs: taskIDs)
            var results = batch.missing(as: AppliedTransition.self)
            for (auditID, indices) in batch.audits {
                let outcomes = try AuditLifecycle.apply(indices.map { .taskDelivered(site: batch.task(at: $0).siteID, at: time) },
                                                        auditID: auditID, at: time, in: tx)
                for (index, outcome) in zip(indices, outcomes) { results[index] = outcome }
            }
            return results.map { $0 ?? .failure(StoreError.notFound("a task was not found")) }
        }
    }

    /// Records that the site's agent accepted the task (`taskAccepted`); accepting twice writes nothing.
    @discardableResult
    public func markAccepted(task taskID: TaskID, at time: Date) async throws -> AppliedTransition {
        try await applyToTask(taskID, at: time, "marking task \(taskID) accepted") { site in .taskAccepted(site: site) }
    }

    /// Stores a site's result, idempotently, in ONE write transaction with the task's `submitted` transition and
    /// its event rows.
    ///
    /// - First upload for the task: `.stored`, with the audit's transition (maybe `startCombining`).
    /// - A body with the same `bodySHA256` as the stored one (whatever the idempotency key): `.duplicate`, nothing
    ///   written — even if the audit has moved on since.
    /// - A different body for a task that already has one: `.conflict`, nothing written.
    /// Throws `notFound` for an unknown task and `illegalTransition` (nothing written) when the task can no longer
    /// take a result (refused, failed, expired, cancelled, or its audit is combining or final).
    public func recordSubmission(task taskID: TaskID, idempotencyKey: String, bodySHA256: String, payload: Data,
                                 at time: Date) async throws -> SubmissionOutcome {
        let submission = NewSubmission(task: taskID, idempotencyKey: idempotencyKey, bodySHA256: bodySHA256, payload: payload,
                                       receivedAt: time)
        return try await recordSubmissions([submission], at: time)[0].get()
    }

    /// ``recordSubmission(task:idempotencyKey:bodySHA256:payload:at:)`` for several uploads in ONE
    /// write transaction, each with its own outcome, in the order given, exactly as if each had run
    /// alone one after the other: each audit is locked (PostgreSQL) before its tasks' stored
    /// submissions are looked at, an upload repeated within the batch finds the earlier one, and the
    /// audit's events are applied in order and written once. Each stored submission keeps its own
    /// `receivedAt`; the events and task changes carry `time`. The results of an audit's sites arrive
    /// together, and one transaction each, serialised on the audit's row, was the slowest request
    /// under load on PostgreSQL (`fairuse benchmark load`). See ``StoreBatcher``.
    public func recordSubmissions(_ submissions: [NewSubmission], at time: Date) async throws -> [Result<SubmissionOutcome, StoreError>] {
        try await write("recording \(submissions.count == 1 ? "a submission for task \(submissions[0].task)" : "\(submissions.count) submissions")") { tx in
            let batch = try TasksByAudit(tx, taskIDs: submissions.map(\.task))
            var results = batch.missing(as: SubmissionOutcome.self)
            var inserts: [StoreArguments] = []
            for (auditID, indices) in batch.audits {
                // Lock the audit first, so a concurrent upload of the same task (another replica) waits
                // here and then finds this one's submission.
                try AuditLifecycle.lock(auditID, in: tx)
                var stored: [TaskID: (bodySHA256: String, receivedAt: Date)] = [:]
                for (marks, chunk) in inListChunks(Array(Set(indices.map { submissions[$0].task }))) {
                    for row in try tx.fetchAll("SELECT * FROM submission WHERE task_id IN (\(marks))", chunk) {
                        let record = try SubmissionRecord(row: row)
                        stored[record.taskID] = (record.bodySHA256, record.receivedAt)
                    }
                }
                // Uploads of tasks with a stored (or earlier in this batch) body answer from it; the others are events.
                var fresh: [Int] = []
                for index in indices {
                    let submission = submissions[index]
                    if let existing = stored[submission.task] {
                        results[index] = .success(existing.bodySHA256 == submission.bodySHA256
                            ? .duplicate(receivedAt: existing.receivedAt) : .conflict)
                    } else {
                        fresh.append(index)
                        stored[submission.task] = (submission.bodySHA256, submission.receivedAt)
                    }
                }
                guard !fresh.isEmpty else { continue }
                let outcomes = try AuditLifecycle.apply(fresh.map { .resultSubmitted(site: batch.task(at: $0).siteID) },
                                                        auditID: auditID, at: time, in: tx)
                for (index, outcome) in zip(fresh, outcomes) {
                    switch outcome {
                    case .success(let applied):
                        results[index] = .success(.stored(applied))
                        let s = submissions[index]
                        inserts.append([s.task, s.idempotencyKey, s.bodySHA256, s.payload, s.receivedAt])
                    case .failure(let error):
                        results[index] = .failure(error)
                    }
                }
            }
            try tx.insert(into: "submission", columns: ["task_id", "idempotency_key", "body_sha256", "payload", "received_at"],
                          rows: inserts, rowsPerStatement: 16)
            return results.map { $0 ?? .failure(StoreError.notFound("a task was not found")) }
        }
    }

    /// Records the site's refusal (`taskRefused`); resending the same code and reason writes nothing.
    @discardableResult
    public func recordRefusal(task taskID: TaskID, code: String, reason: String, at time: Date) async throws
        -> AppliedTransition {
        try await write("recording a refusal for task \(taskID)") { tx in
            guard let task = try SiteTaskRecord.fetch(tx, id: taskID) else {
                throw StoreError.notFound("task \(taskID) not found")
            }
            if task.state == .refused && task.detail == "\(code): \(reason)" {
                let machine = try AuditLifecycle.load(task.auditID, lock: true, in: tx).machine
                return AppliedTransition(auditID: task.auditID, machine: machine, actions: [])
            }
            return try AuditLifecycle.apply(.taskRefused(site: task.siteID, code: code, reason: reason),
                                            auditID: task.auditID, at: time, in: tx)
        }
    }

    /// Records that the task failed at the site (`taskFailed`); `reason` names counts and ids only.
    @discardableResult
    public func recordFailure(task taskID: TaskID, reason: String, at time: Date) async throws -> AppliedTransition {
        try await applyToTask(taskID, at: time, "recording a failure for task \(taskID)") { site in
            .taskFailed(site: site, reason: reason)
        }
    }

    /// Applies the event built from the task's site to the task's audit, in one write transaction.
    /// Records a task's progress as reported by its agent; only while the task is open (delivered
    /// or accepted), so a late report cannot touch a finished task. Returns whether it was recorded.
    @discardableResult
    public func recordProgress(task taskID: TaskID, text: String, at time: Date) async throws -> Bool {
        try await writeStatement("recording progress of task \(taskID)") { tx in
            try tx.execute("UPDATE site_task SET progress = ? WHERE id = ? AND state IN ('delivered', 'accepted')",
                           [text, taskID]) > 0
        }
    }

    private func applyToTask(
        _ taskID: TaskID, at time: Date, _ operation: String,
        _ event: @escaping @Sendable (SiteID) -> AuditStateMachine.Event
    ) async throws -> AppliedTransition {
        try await write(operation) { tx in
            guard let task = try SiteTaskRecord.fetch(tx, id: taskID) else {
                throw StoreError.notFound("task \(taskID) not found")
            }
            return try AuditLifecycle.apply(event(task.siteID), auditID: task.auditID, at: time, in: tx)
        }
    }
}

/// The tasks a batch names (``Store/markDelivered(tasks:at:)``, ``Store/recordSubmissions(_:at:)``),
/// read in `IN` chunks, with the batch's positions grouped by audit in order of first mention, so
/// each audit is locked and loaded once and its events applied in the batch's order.
struct TasksByAudit {
    private let ids: [TaskID]
    private let records: [TaskID: SiteTaskRecord]
    /// Each audit with the positions of the batch naming its tasks, in order.
    let audits: [(id: AuditID, indices: [Int])]

    init(_ tx: any StoreTransaction, taskIDs: [TaskID]) throws {
        var records: [TaskID: SiteTaskRecord] = [:]
        for (marks, chunk) in inListChunks(Array(Set(taskIDs))) {
            for record in try SiteTaskRecord.fetchAll(tx, "SELECT * FROM site_task WHERE id IN (\(marks))", chunk) {
                records[record.id] = record
            }
        }
        var order: [AuditID] = [], byAudit: [AuditID: [Int]] = [:]
        for (index, id) in taskIDs.enumerated() {
            guard let task = records[id] else { continue }
            if byAudit[task.auditID] == nil { order.append(task.auditID) }
            byAudit[task.auditID, default: []].append(index)
        }
        self.ids = taskIDs
        self.records = records
        self.audits = order.map { ($0, byAudit[$0] ?? []) }
    }

    /// The task at a position that ``audits`` names.
    func task(at index: Int) -> SiteTaskRecord { records[ids[index]]! }

    /// One outcome slot per position: `notFound` where the task does not exist, nil (to fill) elsewhere.
    func missing<T>(as _: T.Type) -> [Result<T, StoreError>?] {
        ids.map { records[$0] == nil ? .failure(StoreError.notFound("task \($0) not found")) : nil }
    }
}
