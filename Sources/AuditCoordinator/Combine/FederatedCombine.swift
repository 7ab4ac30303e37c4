import AuditCore
import AuditSpec
import AuditWire
import Foundation

/// The coordinator's combine of one audit without a store: exactly what `CombinerService` does
/// between reading an audit's submissions and storing its report — decode every payload, pool the
/// sites (``AuditCombiner/combine(audit:outcome:tasks:submissions:limits:)``) and encode the report
/// JSON. Public so `fairuse benchmark combine` times the server's own code path in process, on
/// synthetic site results, instead of a copy of it.
public enum FederatedCombine {
    /// One site's stored answer: the uncompressed `TaskResult` JSON, as the store keeps it.
    public struct Submission: Sendable {
        /// The answering site.
        public var site: SiteID
        /// The task it answered.
        public var task: TaskID
        /// The uncompressed JSON payload.
        public let payload: Data
        /// The payload's idempotency key (its SHA-256), as the store keeps it beside the payload:
        /// computed once here, when the submission is made, not in each combine.
        public let idempotencyKey: String
        /// Creates a submission.
        public init(site: SiteID, task: TaskID, payload: Data) {
            self.site = site
            self.task = task
            self.payload = payload
            idempotencyKey = PayloadCodec.idempotencyKey(of: payload)
        }
    }

    /// Combines a complete audit of `spec` whose sites all submitted, and returns the report's
    /// JSON (the text the coordinator stores as the audit's `result_json`).
    public static func reportJSON(spec: AuditSpec, audit: AuditID, rootSeed: UInt64, submissions: [Submission],
                                  limits: PayloadLimits = PayloadLimits(), at now: Date = Date()) throws -> Data {
        var phases = CombinePhases()
        return try reportJSON(spec: spec, audit: audit, rootSeed: rootSeed, submissions: submissions, limits: limits, at: now,
                              phases: &phases)
    }

    /// The same, adding the time of each phase of this run to `phases` (``CombinePhases``); the
    /// phases of one call add up to its duration, the remainder under ``CombinePhases/other``.
    public static func reportJSON(spec: AuditSpec, audit: AuditID, rootSeed: UInt64, submissions: [Submission],
                                  limits: PayloadLimits = PayloadLimits(), at now: Date = Date(),
                                  phases: inout CombinePhases) throws -> Data {
        let start = ContinuousClock.now, before = phases.seconds.values.reduce(0, +)
        defer {
            let measured = phases.seconds.values.reduce(0, +) - before
            phases.add(CombinePhases.other, (ContinuousClock.now - start).phaseSeconds - measured)
        }
        let (record, tasks, stored) = try phases.time(CombinePhases.records) {
            try records(spec: spec, audit: audit, rootSeed: rootSeed, submissions: submissions, at: now)
        }
        let report = try AuditCombiner.combine(audit: record, outcome: .complete, tasks: tasks, submissions: stored, limits: limits,
                                               phases: &phases)
        return try phases.time(CombinePhases.encode) { try report.jsonData() }
    }

    /// The records the combiner service reads from the store for a complete audit of `submissions`.
    static func records(spec: AuditSpec, audit: AuditID, rootSeed: UInt64, submissions: [Submission],
                        at now: Date) throws -> (AuditRecord, [SiteTaskRecord], [SubmissionRecord]) {
        let yaml = spec.yaml()
        let record = AuditRecord(id: audit, name: spec.name, specYAML: yaml, specSHA256: SiteTask.specDigest(spec),
                                 specJSON: try AuditRecord.specJSON(spec), state: .combining, minSites: submissions.count,
                                 requiredSites: [], deadline: now, createdAt: now, updatedAt: now, rootSeed: rootSeed,
                                 resultJSON: nil, failure: nil)
        let tasks = submissions.map {
            SiteTaskRecord(id: $0.task, auditID: audit, siteID: $0.site, round: 1, state: .submitted, updatedAt: now, detail: nil)
        }
        let stored = submissions.map {
            SubmissionRecord(taskID: $0.task, idempotencyKey: $0.idempotencyKey, bodySHA256: $0.idempotencyKey,
                             payload: $0.payload, receivedAt: now)
        }
        return (record, tasks, stored)
    }
}
