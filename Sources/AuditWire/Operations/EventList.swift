import AuditCore
import Foundation

/// One row of the coordinator's event log (`GET /v1/events`): an audit or task transition, or a
/// site's registration or revocation. `detail` names ids and counts only.
public struct EventEntry: Sendable, Codable, Equatable {
    /// The row's sequence number (increasing).
    public var id: Int64
    /// When it happened.
    public var at: Date
    /// What happened, e.g. `task_submitted`, `site_revoked`.
    public var kind: String
    /// The audit concerned, if any.
    public var audit: AuditID?
    /// The task concerned, if any.
    public var task: TaskID?
    /// The site concerned, if any.
    public var site: SiteID?
    /// Plain words naming ids and counts.
    public var detail: String

    /// Creates an entry.
    public init(id: Int64, at: Date, kind: String, audit: AuditID? = nil, task: TaskID? = nil, site: SiteID? = nil, detail: String) {
        self.id = id
        self.at = at
        self.kind = kind
        self.audit = audit
        self.task = task
        self.site = site
        self.detail = detail
    }
}

/// `GET /v1/events`: the newest matching events, oldest first.
public struct EventList: Sendable, Codable, Equatable {
    /// The events.
    public var events: [EventEntry]

    /// Creates a list.
    public init(events: [EventEntry]) { self.events = events }
}
