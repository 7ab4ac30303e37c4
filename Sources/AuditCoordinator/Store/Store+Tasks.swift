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
            var records: [TaskID: SiteTaskRecord] = [:]
            for (marks, chunk) in inListChunks(Array(Set(taskIDs))) {
                for record in try SiteTaskRecord.fetchAll(tx, "SELECT * FROM site_task WHERE id IN (\(marks))", chunk) {
                    records[record.id] = record
                }
            }
            var results = [Result<AppliedTransition, StoreError>?](repeating: nil, count: taskIDs.count)
            var audits: [AuditID] = [], byAudit: [AuditID: [(index: Int, site: SiteID)]] = [:]
            for (index, id) in taskIDs.enumerated() {
                guard let task = records[id] else {
                    results[index] = .failure(StoreError.notFound("task \(id) not found"))
                    continue
                }
                if byAudit[task.auditID] == nil { audits.append(task.auditID) }
                byAudit[task.auditID, default: []].append((index, task.siteID))
            }
            for auditID in audits {
                let items = byAudit[auditID] ?? []
                let outcomes = try AuditLifecycle.apply(items.map { .taskDelivered(site: $0.site, at: time) }, auditID: auditID,
                                                        at: time, in: tx)
                for (item, outcome) in zip(items, outcomes) { results[item.index] = outcome }
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
        try await write("recording a submission for task \(taskID)") { tx in
            guard let task = try SiteTaskRecord.fetch(tx, id: taskID) else {
                throw StoreError.notFound("task \(taskID) not found")
            }
            // Lock the audit first, so a concurrent upload of the same task (another replica) waits here
            // and then finds this one's submission.
            try AuditLifecycle.lock(task.auditID, in: tx)
            if let existing = try tx.fetchOne("SELECT * FROM submission WHERE task_id = ?", [taskID]).map(SubmissionRecord.init(row:)) {
                return existing.bodySHA256 == bodySHA256 ? .duplicate(receivedAt: existing.receivedAt) : .conflict
            }
            let applied = try AuditLifecycle.apply(.resultSubmitted(site: task.siteID), auditID: task.auditID,
                                                   at: time, in: tx)
            try tx.execute("""
                INSERT INTO submission (task_id, idempotency_key, body_sha256, payload, received_at)
                VALUES (?, ?, ?, ?, ?)
                """, [taskID, idempotencyKey, bodySHA256, payload, time])
            return .stored(applied)
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
