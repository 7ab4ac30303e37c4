import AuditCore
import Foundation

/// What operations reads from the store: counts by state for `/metrics`, a write probe for
/// `/readyz`, and the event log filtered for `fairuse coordinator events`.
extension Store {
    /// How many audits, site tasks and sites are in each state; every state is present (zero when none).
    public struct StateCounts: Sendable, Equatable {
        /// Audits by state.
        public var audits: [AuditState: Int]
        /// Site tasks by state.
        public var tasks: [TaskState: Int]
        /// Registered sites by status.
        public var sites: [SiteStatus: Int]
    }

    /// Counts audits, tasks and sites by state in one read snapshot.
    public func stateCounts() async throws -> StateCounts {
        try await read("counting audits, tasks and sites by state") { tx in
            func counts<S: RawRepresentable & CaseIterable & Hashable>(_ table: String, _ column: String, _ type: S.Type) throws
                -> [S: Int] where S.RawValue == String {
                var out = Dictionary(uniqueKeysWithValues: S.allCases.map { ($0, 0) })
                for row in try tx.fetchAll("SELECT \(column) AS s, COUNT(*) AS n FROM \(table) GROUP BY \(column)", []) {
                    if let state = S(rawValue: try row.get("s")) { out[state] = try row.get("n", as: Int.self) }
                }
                return out
            }
            return StateCounts(audits: try counts("audit", "state", AuditState.self),
                               tasks: try counts("site_task", "state", TaskState.self),
                               sites: try counts("site", "status", SiteStatus.self))
        }
    }

    /// Commits a write that changes nothing a reader sees (the header's `user_version`, set to
    /// itself), so a read-only file, a lost lock or a full disk fails here and `/readyz` says so.
    public func probeWrite() async throws {
        try await write("probing that the store is writable") { tx in
            switch tx.dialect {
            case .sqlite:
                let version = try tx.fetchColumn("PRAGMA user_version", as: Int.self).first ?? 0
                try tx.execute("PRAGMA user_version = \(version)")
            case .postgres:
                // Assigning a transaction id is a write: it fails on a read-only server or standby.
                try tx.execute("SELECT txid_current()")
            }
        }
    }

    /// Which events `fairuse coordinator events` asks for; nil fields do not filter.
    public struct EventFilter: Sendable, Equatable {
        /// Only this audit's events.
        public var audit: AuditID?
        /// Only this site's events (its registration, revocation and tasks).
        public var site: SiteID?
        /// Only events at or after this time.
        public var since: Date?
        /// At most this many, the newest ones (returned oldest first).
        public var limit: Int

        /// Creates a filter.
        public init(audit: AuditID? = nil, site: SiteID? = nil, since: Date? = nil, limit: Int = 100) {
            self.audit = audit
            self.site = site
            self.since = since
            self.limit = limit
        }
    }

    /// The newest `filter.limit` events matching `filter`, oldest first.
    public func events(matching filter: EventFilter) async throws -> [EventRecord] {
        try await read("listing events") { tx in
            var clauses: [String] = [], arguments: StoreArguments = []
            if let audit = filter.audit { clauses.append("audit_id = ?"); arguments += [audit] }
            if let site = filter.site { clauses.append("site_id = ?"); arguments += [site] }
            if let since = filter.since { clauses.append("at >= ?"); arguments += [since] }
            let condition = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            arguments += [filter.limit]
            return Array(try tx.fetchAll("SELECT * FROM event \(condition) ORDER BY id DESC LIMIT ?", arguments)
                .map(EventRecord.init(row:)).reversed())
        }
    }
}
