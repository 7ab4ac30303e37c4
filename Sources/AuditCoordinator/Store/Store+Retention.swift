import AuditCore
import Foundation

extension Store {
    /// The audit states whose records may age out: nothing of an open audit is ever deleted.
    static let finishedStates = AuditState.allCases.filter(\.isFinal).map(\.rawValue)

    /// Applies `policy` at `now` in ONE write transaction, in this order: whole finished audits older than
    /// `audits`; then the submissions of finished audits older than `submissions`; then events older than
    /// `events` that belong to no open audit. A real run appends one `retention_applied` event with the counts
    /// (so the log shows that, when and what was deleted); a dry run counts in a transaction it rolls back.
    public func applyRetention(_ policy: RetentionPolicy, now: Date, dryRun: Bool = false) async throws -> RetentionOutcome {
        let finished = Self.finishedStates.map { "'\($0)'" }.joined(separator: ", ")
        let cutoffs = (audits: policy.audits.map { now.addingTimeInterval(-Double($0.components.seconds)) },
                       submissions: policy.submissions.map { now.addingTimeInterval(-Double($0.components.seconds)) },
                       events: policy.events.map { now.addingTimeInterval(-Double($0.components.seconds)) })
        let operation = dryRun ? "counting what retention would delete" : "applying the retention policy"
        do {
            return try await write(operation) { tx in
                var outcome = RetentionOutcome(dryRun: dryRun)
                func delete(_ sql: String, _ cutoff: Date) throws -> Int {
                    try tx.execute(sql, [cutoff])
                }
                if let cutoff = cutoffs.audits {
                    let old = "SELECT id FROM audit WHERE state IN (\(finished)) AND updated_at < ?"
                    let tasks = "SELECT id FROM site_task WHERE audit_id IN (\(old))"
                    outcome.events += try delete("DELETE FROM event WHERE audit_id IN (\(old))", cutoff)
                    outcome.events += try delete("DELETE FROM event WHERE task_id IN (\(tasks))", cutoff)
                    outcome.submissions += try delete("DELETE FROM submission WHERE task_id IN (\(tasks))", cutoff)
                    outcome.tasks += try delete("DELETE FROM site_task WHERE audit_id IN (\(old))", cutoff)
                    outcome.audits += try delete("DELETE FROM audit WHERE id IN (\(old))", cutoff)
                }
                if let cutoff = cutoffs.submissions {
                    outcome.submissions += try delete("""
                        DELETE FROM submission WHERE task_id IN (
                            SELECT t.id FROM site_task t JOIN audit a ON a.id = t.audit_id
                            WHERE a.state IN (\(finished)) AND a.updated_at < ?)
                        """, cutoff)
                }
                if let cutoff = cutoffs.events {
                    outcome.events += try delete("""
                        DELETE FROM event WHERE at < ? AND (audit_id IS NULL OR audit_id IN (
                            SELECT id FROM audit WHERE state IN (\(finished))))
                        """, cutoff)
                }
                // A dry run leaves by throwing, so the transaction rolls back whatever the backend.
                if dryRun { throw DryRun(outcome: outcome) }
                try EventRecord.insert(tx, auditID: nil, taskID: nil, siteID: nil, kind: .retentionApplied,
                                       detail: outcome.summary, at: now)
                return outcome
            }
        } catch let dry as DryRun {
            return dry.outcome
        }
    }
}

/// Carries a dry run's counts out of the write transaction it rolls back.
private struct DryRun: Error {
    let outcome: RetentionOutcome
}
