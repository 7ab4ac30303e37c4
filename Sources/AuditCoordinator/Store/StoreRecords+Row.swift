import AuditCore
import Foundation

// Row decoding and the few statements shared by the store's extensions. Columns are read by name;
// every stored enum is checked, so a corrupt value is a `database` error naming the row, not a crash.

extension SiteRecord {
    init(row: StoreRow) throws {
        let id: SiteID = try row.identifier("id", of: "a site row")
        guard let status = SiteStatus(rawValue: try row.get("status")) else {
            throw StoreError.corrupt("site \(id) has an unknown status")
        }
        self.init(id: id, fingerprint: try row.get("fingerprint"), status: status, addedAt: try row.get("added_at"),
                  revokedAt: try row.get("revoked_at"), lastContactAt: try row.get("last_contact_at"),
                  agentVersion: try row.get("agent_version"), policyJSON: try row.get("policy_json"))
    }

    static func fetchAll(_ tx: any StoreTransaction, _ sql: String, _ arguments: StoreArguments = []) throws -> [SiteRecord] {
        try tx.fetchAll(sql, arguments).map(SiteRecord.init(row:))
    }
}

extension AuditRecord {
    init(row: StoreRow) throws {
        let id: AuditID = try row.identifier("id", of: "an audit row")
        guard let state = AuditState(rawValue: try row.get("state")) else {
            throw StoreError.corrupt("audit \(id) has an unknown state")
        }
        let requiredJSON: String = try row.get("required_sites_json")
        guard let required = try? JSONDecoder().decode([SiteID].self, from: Data(requiredJSON.utf8)) else {
            throw StoreError.corrupt("audit \(id) has unreadable required_sites_json")
        }
        let seed: Int64 = try row.get("root_seed")
        self.init(id: id, name: try row.get("name"), specYAML: try row.get("spec_yaml"), specSHA256: try row.get("spec_sha256"),
                  specJSON: try row.get("spec_json"), state: state, minSites: try row.get("min_sites"), requiredSites: required,
                  deadline: try row.get("deadline"), createdAt: try row.get("created_at"), updatedAt: try row.get("updated_at"),
                  rootSeed: UInt64(bitPattern: seed), resultJSON: try row.get("result_json"), failure: try row.get("failure"))
    }

    static func fetchAll(_ tx: any StoreTransaction, _ sql: String, _ arguments: StoreArguments = []) throws -> [AuditRecord] {
        try tx.fetchAll(sql, arguments).map(AuditRecord.init(row:))
    }

    /// The audit `id`; with `lock`, its row is locked until the transaction ends (PostgreSQL), so
    /// concurrent writers of the same audit (coordinator replicas) take turns.
    static func fetch(_ tx: any StoreTransaction, id: AuditID, lock: Bool = false) throws -> AuditRecord? {
        try fetchAll(tx, "SELECT * FROM audit WHERE id = ?" + (lock ? tx.forUpdate : ""), [id]).first
    }

    static func requiredSitesJSON(_ sites: [SiteID]) -> String {
        // Encoding an array of strings cannot fail.
        let data = (try? JSONEncoder().encode(sites)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

extension SiteTaskRecord {
    init(row: StoreRow) throws {
        let id: TaskID = try row.identifier("id", of: "a task row")
        guard let state = TaskState(rawValue: try row.get("state")) else {
            throw StoreError.corrupt("task \(id) has an unknown state")
        }
        self.init(id: id, auditID: try row.identifier("audit_id", of: "task \(id)"),
                  siteID: try row.identifier("site_id", of: "task \(id)"), round: try row.get("round"), state: state,
                  updatedAt: try row.get("updated_at"), detail: try row.get("detail"), progress: try row.get("progress"))
    }

    static func fetchAll(_ tx: any StoreTransaction, _ sql: String,
                         _ arguments: StoreArguments = []) throws -> [SiteTaskRecord] {
        try tx.fetchAll(sql, arguments).map(SiteTaskRecord.init(row:))
    }

    static func fetch(_ tx: any StoreTransaction, id: TaskID) throws -> SiteTaskRecord? {
        try fetchAll(tx, "SELECT * FROM site_task WHERE id = ?", [id]).first
    }
}

extension SubmissionRecord {
    init(row: StoreRow) throws {
        self.init(taskID: try row.identifier("task_id", of: "a submission row"), idempotencyKey: try row.get("idempotency_key"),
                  bodySHA256: try row.get("body_sha256"), payload: try row.get("payload"), receivedAt: try row.get("received_at"))
    }
}

extension EventRecord {
    init(row: StoreRow) throws {
        self.init(id: try row.get("id"), auditID: try row.optionalIdentifier("audit_id", of: "an event row"),
                  taskID: try row.optionalIdentifier("task_id", of: "an event row"),
                  siteID: try row.optionalIdentifier("site_id", of: "an event row"),
                  kind: EventKind(rawValue: try row.get("kind")), detail: try row.get("detail"), at: try row.get("at"))
    }

    /// Appends one row to the event log.
    static func insert(_ tx: any StoreTransaction, auditID: AuditID?, taskID: TaskID?, siteID: SiteID?, kind: EventKind,
                       detail: String, at: Date) throws {
        try tx.execute("""
            INSERT INTO event (audit_id, task_id, site_id, kind, detail, at) VALUES (?, ?, ?, ?, ?, ?)
            """, [auditID, taskID, siteID, kind.rawValue, detail, at])
    }
}
