import AuditCore
import AuditSpec
import Foundation

/// A registered site: a row of the `site` table.
public struct SiteRecord: Sendable, Hashable {
    /// The site's id (the `urn:fairuse:site:<id>` of its certificate).
    public var id: SiteID
    /// The client certificate's fingerprint, compared exactly.
    public var fingerprint: String
    /// Active or revoked.
    public var status: SiteStatus
    /// When the site was registered.
    public var addedAt: Date
    /// When the site was revoked, if it was.
    public var revokedAt: Date?
    /// When the site's agent last called in, if ever.
    public var lastContactAt: Date?
    /// The agent build it last reported.
    public var agentVersion: String?
    /// The policy summary it last reported, as JSON text.
    public var policyJSON: String?

    /// Creates a record.
    public init(id: SiteID, fingerprint: String, status: SiteStatus, addedAt: Date, revokedAt: Date? = nil,
                lastContactAt: Date? = nil, agentVersion: String? = nil, policyJSON: String? = nil) {
        self.id = id
        self.fingerprint = fingerprint
        self.status = status
        self.addedAt = addedAt
        self.revokedAt = revokedAt
        self.lastContactAt = lastContactAt
        self.agentVersion = agentVersion
        self.policyJSON = policyJSON
    }
}

/// An audit: a row of the `audit` table.
public struct AuditRecord: Sendable, Hashable {
    /// The audit's id.
    public var id: AuditID
    /// A name for people.
    public var name: String
    /// The audit spec as launched (YAML text).
    public var specYAML: String
    /// The hex SHA-256 of ``specYAML``, as the agents see it.
    public var specSHA256: String
    /// The spec as parsed at launch (wire JSON); nil for audits stored before schema v3.
    public var specJSON: String? = nil
    /// The audit's state.
    public var state: AuditState
    /// The fewest submitted sites for which the audit can complete.
    public var minSites: Int
    /// Sites that must all submit.
    public var requiredSites: [SiteID]
    /// When open tasks expire.
    public var deadline: Date
    /// When the audit was launched.
    public var createdAt: Date
    /// When the audit or one of its tasks last changed.
    public var updatedAt: Date
    /// The root seed of the audit's bootstrap streams (stored as its 64-bit pattern).
    public var rootSeed: UInt64
    /// The combined result (JSON text) once complete or partial.
    public var resultJSON: String?
    /// Why the audit failed, naming sites and counts.
    public var failure: String?
}

/// One site's task in one round of an audit: a row of the `site_task` table.
public struct SiteTaskRecord: Sendable, Hashable {
    /// The task's id (used in `/v1/agent/tasks/{id}/…`).
    public var id: TaskID
    /// The audit it belongs to.
    public var auditID: AuditID
    /// The site it is for.
    public var siteID: SiteID
    /// The round (1 today).
    public var round: Int
    /// The task's state.
    public var state: TaskState
    /// When the task last changed.
    public var updatedAt: Date
    /// Refusal code and reason, failure reason, or why it was cancelled/expired.
    public var detail: String?
    /// The agent's last reported progress, for display.
    public var progress: String? = nil
}

/// A stored site result: a row of the `submission` table.
public struct SubmissionRecord: Sendable, Hashable {
    /// The task it answers.
    public var taskID: TaskID
    /// The agent's idempotency key.
    public var idempotencyKey: String
    /// The hex SHA-256 of the request body, used to tell a duplicate from a conflict.
    public var bodySHA256: String
    /// The uncompressed JSON payload.
    public var payload: Data
    /// When it was first received.
    public var receivedAt: Date
}

/// A row of the append-only `event` table.
public struct EventRecord: Sendable, Hashable {
    /// The row's sequence number (increasing).
    public var id: Int64
    /// The audit concerned, if any.
    public var auditID: AuditID?
    /// The task concerned, if any.
    public var taskID: TaskID?
    /// The site concerned, if any.
    public var siteID: SiteID?
    /// What happened.
    public var kind: EventKind
    /// Plain words naming ids and counts.
    public var detail: String
    /// When it happened.
    public var at: Date
}

/// What the operator launches: an audit and the sites it goes to.
public struct NewAudit: Sendable, Hashable {
    /// The audit's id (must be new).
    public var id: AuditID
    /// A name for people.
    public var name: String
    /// The spec (YAML text).
    public var specYAML: String
    /// The spec as parsed and validated at launch, stored beside its YAML so it is never parsed again.
    public var spec: AuditSpec?
    /// The hex SHA-256 of the spec.
    public var specSHA256: String
    /// The sites, in order; each must be registered and active.
    public var sites: [SiteID]
    /// The fewest submitted sites for which the audit can complete (1…`sites.count`).
    public var minSites: Int
    /// Sites that must all submit (a subset of ``sites``).
    public var requiredSites: [SiteID]
    /// When open tasks expire (after the launch time).
    public var deadline: Date
    /// The root seed of the bootstrap streams.
    public var rootSeed: UInt64
    /// Task ids by site; a site without one gets a new random id.
    public var taskIDs: [SiteID: TaskID]

    /// Creates a launch request.
    public init(id: AuditID, name: String, specYAML: String, specSHA256: String, sites: [SiteID], minSites: Int,
                requiredSites: [SiteID] = [], deadline: Date, rootSeed: UInt64 = 0, taskIDs: [SiteID: TaskID] = [:],
                spec: AuditSpec? = nil) {
        self.id = id
        self.name = name
        self.specYAML = specYAML
        self.spec = spec
        self.specSHA256 = specSHA256
        self.sites = sites
        self.minSites = minSites
        self.requiredSites = requiredSites
        self.deadline = deadline
        self.rootSeed = rootSeed
        self.taskIDs = taskIDs
    }
}

/// An open task with its audit, as a long-poll hands it to a site's agent.
public struct OpenTask: Sendable, Hashable {
    /// The task (queued, delivered or accepted).
    public var task: SiteTaskRecord
    /// Its audit (dispatched or collecting).
    public var audit: AuditRecord
}

/// A result upload to store (``Store/recordSubmissions(_:at:)``).
public struct NewSubmission: Sendable, Hashable {
    /// The task the result answers.
    public var task: TaskID
    /// The upload's `Idempotency-Key`, and the SHA-256 of its uncompressed body.
    public var idempotencyKey: String, bodySHA256: String
    /// The uncompressed JSON.
    public var payload: Data
    /// When it arrived (the receipt's time).
    public var receivedAt: Date

    /// Creates an upload.
    public init(task: TaskID, idempotencyKey: String, bodySHA256: String, payload: Data, receivedAt: Date) {
        self.task = task
        self.idempotencyKey = idempotencyKey
        self.bodySHA256 = bodySHA256
        self.payload = payload
        self.receivedAt = receivedAt
    }
}

/// What became of a result upload; expected outcomes are values, not errors.
public enum SubmissionOutcome: Sendable, Hashable {
    /// First upload for the task: stored, the task is `submitted`, and the audit may have moved on.
    case stored(AppliedTransition)
    /// The same body (same SHA-256) was stored before, at `receivedAt`; nothing was written (answer 200).
    case duplicate(receivedAt: Date)
    /// A different body was stored before for this task; nothing was written (answer 409).
    case conflict
}
