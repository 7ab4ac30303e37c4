import AuditCore
import Foundation
import GRDB

// Row decoding and the few statements shared by the store's extensions. Columns are read by name;
// every stored enum is checked, so a corrupt value is a `database` error naming the row, not a crash.

extension SiteRecord {
    init(row: Row) throws {
        let id: SiteID = try row.identifier("id", of: "a site row")
        guard let status = SiteStatus(rawValue: row["status"]) else {
            throw StoreError.corrupt("site \(id) has an unknown status")
        }
        self.init(id: id, fingerprint: row["fingerprint"], status: status, addedAt: row["added_at"],
                  revokedAt: row["revoked_at"], lastContactAt: row["last_contact_at"],
                  agentVersion: row["agent_version"], policyJSON: row["policy_json"])
    }

    static func fetchAll(_ db: Database, _ sql: String, _ arguments: StatementArguments = []) throws -> [SiteRecord] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map(SiteRecord.init(row:))
    }
}

extension AuditRecord {
    init(row: Row) throws {
        let id: AuditID = try row.identifier("id", of: "an audit row")
        guard let state = AuditState(rawValue: row["state"]) else {
            throw StoreError.corrupt("audit \(id) has an unknown state")
        }
        let requiredJSON: String = row["required_sites_json"]
        guard let required = try? JSONDecoder().decode([SiteID].self, from: Data(requiredJSON.utf8)) else {
            throw StoreError.corrupt("audit \(id) has unreadable required_sites_json")
        }
        let seed: Int64 = row["root_seed"]
        self.init(id: id, name: row["name"], specYAML: row["spec_yaml"], specSHA256: row["spec_sha256"], specJSON: row["spec_json"],
                  state: state, minSites: row["min_sites"], requiredSites: required, deadline: row["deadline"],
                  createdAt: row["created_at"], updatedAt: row["updated_at"], rootSeed: UInt64(bitPattern: seed),
                  resultJSON: row["result_json"], failure: row["failure"])
    }

    static func fetchAll(_ db: Database, _ sql: String, _ arguments: StatementArguments = []) throws -> [AuditRecord] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map(AuditRecord.init(row:))
    }

    static func fetch(_ db: Database, id: AuditID) throws -> AuditRecord? {
        try fetchAll(db, "SELECT * FROM audit WHERE id = ?", [id]).first
    }

    static func requiredSitesJSON(_ sites: [SiteID]) -> String {
        // Encoding an array of strings cannot fail.
        let data = (try? JSONEncoder().encode(sites)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

extension SiteTaskRecord {
    init(row: Row) throws {
        let id: TaskID = try row.identifier("id", of: "a task row")
        guard let state = TaskState(rawValue: row["state"]) else {
            throw StoreError.corrupt("task \(id) has an unknown state")
        }
        self.init(id: id, auditID: try row.identifier("audit_id", of: "task \(id)"),
                  siteID: try row.identifier("site_id", of: "task \(id)"), round: row["round"], state: state,
                  updatedAt: row["updated_at"], detail: row["detail"], progress: row["progress"])
    }

    static func fetchAll(_ db: Database, _ sql: String,
                         _ arguments: StatementArguments = []) throws -> [SiteTaskRecord] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map(SiteTaskRecord.init(row:))
    }

    static func fetch(_ db: Database, id: TaskID) throws -> SiteTaskRecord? {
        try fetchAll(db, "SELECT * FROM site_task WHERE id = ?", [id]).first
    }

    /// The tasks of the audit's latest round, in launch order.
    static func currentRound(_ db: Database, auditID: AuditID) throws -> [SiteTaskRecord] {
        try fetchAll(db, """
            SELECT * FROM site_task
            WHERE audit_id = ? AND round = (SELECT MAX(round) FROM site_task WHERE audit_id = ?)
            ORDER BY rowid
            """, [auditID, auditID])
    }
}

extension SubmissionRecord {
    init(row: Row) throws {
        self.init(taskID: try row.identifier("task_id", of: "a submission row"), idempotencyKey: row["idempotency_key"], bodySHA256: row["body_sha256"],
                  payload: row["payload"], receivedAt: row["received_at"])
    }
}

extension EventRecord {
    init(row: Row) throws {
        self.init(id: row["id"], auditID: try row.optionalIdentifier("audit_id", of: "an event row"),
                  taskID: try row.optionalIdentifier("task_id", of: "an event row"),
                  siteID: try row.optionalIdentifier("site_id", of: "an event row"),
                  kind: EventKind(rawValue: row["kind"]), detail: row["detail"], at: row["at"])
    }

    /// Appends one row to the event log.
    static func insert(_ db: Database, auditID: AuditID?, taskID: TaskID?, siteID: SiteID?, kind: EventKind,
                       detail: String, at: Date) throws {
        try db.execute(sql: """
            INSERT INTO event (audit_id, task_id, site_id, kind, detail, at) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [auditID, taskID, siteID, kind.rawValue, detail, at])
    }
}
