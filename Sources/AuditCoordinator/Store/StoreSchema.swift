/// The store's schema, as ordered, named migrations with one text per dialect; each runs once per
/// database, in its own transaction (see ``StoreMigrator``). Names never change once released: a
/// database records the names it has applied, and a binary refuses a database that has applied a
/// name it does not know (a newer schema).
///
/// The PostgreSQL text differs only in types — `timestamptz` for SQLite's `DATETIME`, `bigint` for
/// `INTEGER`, `bytea` for `BLOB`, identity columns for `AUTOINCREMENT`, ids in the `"C"` collation so
/// they sort byte-wise as in SQLite — and in one addition: `site_task.rowid`, an identity column that
/// stands for SQLite's implicit `rowid`, so queries ordering tasks by launch order read the same.
enum StoreSchema {
    /// Every migration, oldest first.
    static let migrations: [StoreMigration] = [
        StoreMigration(name: "v1", sqlite: v1(.sqlite), postgres: v1(.postgres)),
        // The agent's last reported stage of a task ("statistics (onehot) 7/9"); display only.
        StoreMigration(name: "v2-task-progress", both: ["ALTER TABLE site_task ADD COLUMN progress TEXT"]),
        // The spec as parsed and validated at launch (wire JSON of `AuditSpec`), so polls and the
        // combiner decode it instead of parsing and validating the YAML again. NULL for audits
        // launched before v3; those fall back to the YAML (see `AuditRecord.spec()`).
        StoreMigration(name: "v3-spec-json", both: ["ALTER TABLE audit ADD COLUMN spec_json TEXT"]),
        // Every certificate fingerprint ever revoked, so that a site re-registered after revocation
        // (a new certificate, the same id) can never be reached with the old one, and no other site
        // can register it.
        StoreMigration(name: "v4-revoked-certificates", sqlite: v4(.sqlite), postgres: v4(.postgres)),
        // Every operator certificate the coordinator has authenticated, and every one revoked (by
        // name or fingerprint, seen or not): operators are not registered like sites, so this is
        // what lets one operator's certificate be revoked without touching the others.
        StoreMigration(name: "v5-operator-certificates", sqlite: v5Operators(.sqlite), postgres: v5Operators(.postgres)),
        // A site's previous certificate during a rotation: accepted until `until` or until the new
        // certificate is first used, whichever comes first, then revoked (`Store.rotateSite`).
        StoreMigration(name: "v5-site-rotation", sqlite: v5Rotation(.sqlite), postgres: v5Rotation(.postgres)),
        // Per site, the highest egress-ledger head its agent sent (`Fairuse-Ledger-Head`), so
        // `fairuse agent ledger verify` can detect a ledger truncated or rewritten after the fact.
        StoreMigration(name: "v6-ledger-heads", sqlite: v6(.sqlite), postgres: v6(.postgres)),
        // Who is combining an audit and until when (`Store.claimCombine`): replicas sharing the store
        // combine an audit once, and when the combining replica dies its lease lapses and the sweep
        // of a live replica takes the combine over (Deploy/REPLICAS.md).
        StoreMigration(name: "v7-combine-claims", sqlite: v7(.sqlite), postgres: v7(.postgres)),
    ]

    /// The names of ``migrations``, oldest first.
    static var names: [String] { migrations.map(\.name) }

    /// The column types of one dialect.
    private struct Types {
        let id, time, integer, blob, serial: String
        init(_ dialect: StoreDialect) {
            switch dialect {
            case .sqlite:
                (id, time, integer, blob, serial) = ("TEXT", "DATETIME", "INTEGER", "BLOB", "INTEGER PRIMARY KEY AUTOINCREMENT")
            case .postgres:
                (id, time, integer, blob, serial) = ("TEXT COLLATE \"C\"", "TIMESTAMPTZ", "BIGINT", "BYTEA",
                                                     "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY")
            }
        }
    }

    /// v1: sites, audits, one task per site and round, at most one submission per task, and the event log.
    private static func v1(_ dialect: StoreDialect) -> [String] {
        let t = Types(dialect)
        let taskRowID = dialect == .postgres ? "rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,\n" : ""
        return [
            """
            CREATE TABLE site (
                id \(t.id) PRIMARY KEY NOT NULL,
                fingerprint TEXT NOT NULL UNIQUE,
                status TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
                added_at \(t.time) NOT NULL,
                revoked_at \(t.time),
                last_contact_at \(t.time),
                agent_version TEXT,
                policy_json TEXT
            )
            """,
            """
            CREATE TABLE audit (
                id \(t.id) PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                spec_yaml TEXT NOT NULL,
                spec_sha256 TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('created', 'dispatched', 'collecting', 'combining',
                                                     'complete', 'partial', 'failed', 'cancelled')),
                min_sites \(t.integer) NOT NULL CHECK (min_sites >= 1),
                required_sites_json TEXT NOT NULL DEFAULT '[]',
                deadline \(t.time) NOT NULL,
                created_at \(t.time) NOT NULL,
                updated_at \(t.time) NOT NULL,
                root_seed \(t.integer) NOT NULL,
                result_json TEXT,
                failure TEXT
            )
            """,
            "CREATE INDEX audit_state ON audit (state)",
            """
            CREATE TABLE site_task (
                \(taskRowID)id \(t.id) PRIMARY KEY NOT NULL,
                audit_id \(t.id) NOT NULL REFERENCES audit (id),
                site_id \(t.id) NOT NULL REFERENCES site (id),
                round \(t.integer) NOT NULL DEFAULT 1 CHECK (round >= 1),
                state TEXT NOT NULL CHECK (state IN ('queued', 'delivered', 'accepted', 'submitted',
                                                     'refused', 'failed', 'expired', 'cancelled')),
                updated_at \(t.time) NOT NULL,
                detail TEXT,
                UNIQUE (audit_id, site_id, round)
            )
            """,
            "CREATE INDEX site_task_site_state ON site_task (site_id, state)",
            """
            CREATE TABLE submission (
                task_id \(t.id) PRIMARY KEY NOT NULL REFERENCES site_task (id),
                idempotency_key TEXT NOT NULL,
                body_sha256 TEXT NOT NULL,
                payload \(t.blob) NOT NULL,
                received_at \(t.time) NOT NULL
            )
            """,
            """
            CREATE TABLE event (
                id \(t.serial),
                audit_id \(t.id) REFERENCES audit (id),
                task_id \(t.id) REFERENCES site_task (id),
                site_id \(t.id) REFERENCES site (id),
                kind TEXT NOT NULL,
                detail TEXT NOT NULL DEFAULT '',
                at \(t.time) NOT NULL
            )
            """,
            "CREATE INDEX event_audit ON event (audit_id, id)",
            "CREATE INDEX event_site ON event (site_id, id)",
        ]
    }

    private static func v4(_ dialect: StoreDialect) -> [String] {
        let t = Types(dialect)
        return [
            """
            CREATE TABLE revoked_certificate (
                fingerprint TEXT PRIMARY KEY NOT NULL,
                site_id \(t.id) NOT NULL REFERENCES site (id),
                revoked_at \(t.time) NOT NULL
            )
            """,
            """
            INSERT INTO revoked_certificate (fingerprint, site_id, revoked_at)
                SELECT fingerprint, id, revoked_at FROM site WHERE status = 'revoked'
            """,
        ]
    }

    private static func v5Operators(_ dialect: StoreDialect) -> [String] {
        let t = Types(dialect)
        return [
            """
            CREATE TABLE operator_certificate (
                fingerprint \(t.id) PRIMARY KEY NOT NULL,
                name \(t.id) NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
                first_seen_at \(t.time),
                last_seen_at \(t.time),
                revoked_at \(t.time)
            )
            """,
            "CREATE INDEX operator_certificate_name ON operator_certificate (name)",
        ]
    }

    private static func v5Rotation(_ dialect: StoreDialect) -> [String] {
        let t = Types(dialect)
        return [
            """
            CREATE TABLE site_previous_certificate (
                fingerprint TEXT PRIMARY KEY NOT NULL,
                site_id \(t.id) NOT NULL REFERENCES site (id),
                until \(t.time) NOT NULL
            )
            """,
        ]
    }

    private static func v6(_ dialect: StoreDialect) -> [String] {
        let t = Types(dialect)
        return [
            """
            CREATE TABLE ledger_head (
                site_id \(t.id) PRIMARY KEY NOT NULL REFERENCES site (id),
                sequence \(t.integer) NOT NULL CHECK (sequence >= 1),
                hash TEXT NOT NULL,
                received_at \(t.time) NOT NULL
            )
            """,
        ]
    }

    private static func v7(_ dialect: StoreDialect) -> [String] {
        let t = Types(dialect)
        return [
            """
            CREATE TABLE combine_claim (
                audit_id \(t.id) PRIMARY KEY NOT NULL REFERENCES audit (id) ON DELETE CASCADE,
                holder TEXT NOT NULL,
                claimed_at \(t.time) NOT NULL,
                lease_until \(t.time) NOT NULL,
                attempts \(t.integer) NOT NULL CHECK (attempts >= 1)
            )
            """,
        ]
    }
}
