import AuditCore
import Foundation

/// An audit and its sites' progress (`GET /v1/audits/{id}`, and the answer to launch and cancel).
public struct AuditSummary: Sendable, Codable, Equatable {
    /// The audit.
    public var id: AuditID
    /// The spec's name.
    public var name: String
    /// The audit's state.
    public var state: AuditState
    /// When the audit was launched.
    public var createdAt: Date
    /// The deadline, if any.
    public var deadline: Date?
    /// One entry per site asked, in site order.
    public var sites: [SiteTaskStatus]
    /// The root seed of the audit's bootstrap streams, given at launch or drawn by the
    /// coordinator (protocol 1.x; optional): relaunching with it reproduces the report.
    public var rootSeed: UInt64?

    /// Creates a summary.
    public init(id: AuditID, name: String, state: AuditState, createdAt: Date, deadline: Date?,
                sites: [SiteTaskStatus], rootSeed: UInt64? = nil) {
        self.id = id
        self.name = name
        self.state = state
        self.createdAt = createdAt
        self.deadline = deadline
        self.sites = sites
        self.rootSeed = rootSeed
    }
}

/// One site's task within an audit.
public struct SiteTaskStatus: Sendable, Codable, Equatable {
    /// The site.
    public var site: SiteID
    /// Its task.
    public var task: TaskID
    /// The task's state.
    public var state: TaskState
    /// When the state last changed.
    public var updatedAt: Date
    /// A refusal code and reason, or why a result was rejected; nil otherwise.
    public var detail: String?
    /// The site's last reported progress (``TaskProgress/text``), if any (protocol 1.x; optional).
    public var progress: String?

    /// Creates a status.
    public init(site: SiteID, task: TaskID, state: TaskState, updatedAt: Date, detail: String? = nil, progress: String? = nil) {
        self.site = site
        self.task = task
        self.state = state
        self.updatedAt = updatedAt
        self.detail = detail
        self.progress = progress
    }
}

/// `GET /v1/audits`: audits, newest first.
public struct AuditList: Sendable, Codable, Equatable {
    /// The audits.
    public var audits: [AuditSummary]

    /// Creates a list.
    public init(audits: [AuditSummary]) { self.audits = audits }
}
