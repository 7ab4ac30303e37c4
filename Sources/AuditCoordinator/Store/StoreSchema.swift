import GRDB

/// The store's schema, as ordered migrations; each runs once per database (GRDB records applied ones).
enum StoreSchema {
    /// The migrator for the current schema. Running it again on a migrated database does nothing.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: v1)
        migrator.registerMigration("v2-task-progress") { db in
            // The agent's last reported stage of a task ("statistics (onehot) 7/9"); display only.
            try db.execute(sql: "ALTER TABLE site_task ADD COLUMN progress TEXT")
        }
        migrator.registerMigration("v3-spec-json") { db in
            // The spec as parsed and validated at launch (wire JSON of `AuditSpec`), so polls and the
            // combiner decode it instead of parsing and validating the YAML again. NULL for audits
            // launched before v3; those fall back to the YAML (see `AuditRecord.spec()`).
            try db.execute(sql: "ALTER TABLE audit ADD COLUMN spec_json TEXT")
        }
        migrator.registerMigration("v4-revoked-certificates") { db in
            // Every certificate fingerprint ever revoked, so that a site re-registered after
            // revocation (a new certificate, the same id) can never be reached with the old one, and
            // no other site can register it.
            try db.execute(sql: """
                CREATE TABLE revoked_certificate (
                    fingerprint TEXT PRIMARY KEY NOT NULL,
                    site_id TEXT NOT NULL REFERENCES site (id),
                    revoked_at DATETIME NOT NULL
                );
                INSERT INTO revoked_certificate (fingerprint, site_id, revoked_at)
                    SELECT fingerprint, id, revoked_at FROM site WHERE status = 'revoked';
                """)
        }
        migrator.registerMigration("v5-operator-certificates") { db in
            // Every operator certificate the coordinator has authenticated, and every one revoked (by
            // name or fingerprint, seen or not): operators are not registered like sites, so this is
            // what lets one operator's certificate be revoked without touching the others.
            try db.execute(sql: """
                CREATE TABLE operator_certificate (
                    fingerprint TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
                    first_seen_at DATETIME,
                    last_seen_at DATETIME,
                    revoked_at DATETIME
                );
                CREATE INDEX operator_certificate_name ON operator_certificate (name);
                """)
        }
        migrator.registerMigration("v5-site-rotation") { db in
            // A site's previous certificate during a rotation: accepted until `until` or until the new
            // certificate is first used, whichever comes first, then revoked (`Store.rotateSite`).
            try db.execute(sql: """
                CREATE TABLE site_previous_certificate (
                    fingerprint TEXT PRIMARY KEY NOT NULL,
                    site_id TEXT NOT NULL REFERENCES site (id),
                    until DATETIME NOT NULL
                );
                """)
        }
        migrator.registerMigration("v6-ledger-heads") { db in
            // Per site, the highest egress-ledger head its agent sent (`Fairuse-Ledger-Head`), so
            // `fairuse agent ledger verify` can detect a ledger truncated or rewritten after the fact.
            try db.execute(sql: """
                CREATE TABLE ledger_head (
                    site_id TEXT PRIMARY KEY NOT NULL REFERENCES site (id),
                    sequence INTEGER NOT NULL CHECK (sequence >= 1),
                    hash TEXT NOT NULL,
                    received_at DATETIME NOT NULL
                )
                """)
        }
        migrator.registerMigration("v7-combine-claims") { db in
            // Who is combining an audit and until when (`Store.claimCombine`): replicas sharing the store
            // combine an audit once, and when the combining replica dies its lease lapses and the sweep
            // of a live replica takes the combine over (Deploy/REPLICAS.md).
            try db.execute(sql: """
                CREATE TABLE combine_claim (
                    audit_id TEXT PRIMARY KEY NOT NULL REFERENCES audit (id) ON DELETE CASCADE,
                    holder TEXT NOT NULL,
                    claimed_at DATETIME NOT NULL,
                    lease_until DATETIME NOT NULL,
                    attempts INTEGER NOT NULL CHECK (attempts >= 1)
                )
                """)
        }
        return migrator
    }

    /// v1: sites, audits, one task per site and round, at most one submission per task, and the event log.
    private static func v1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE site (
                id TEXT PRIMARY KEY NOT NULL,
                fingerprint TEXT NOT NULL UNIQUE,
                status TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
                added_at DATETIME NOT NULL,
                revoked_at DATETIME,
                last_contact_at DATETIME,
                agent_version TEXT,
                policy_json TEXT
            );

            CREATE TABLE audit (
                id TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                spec_yaml TEXT NOT NULL,
                spec_sha256 TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('created', 'dispatched', 'collecting', 'combining',
                                                     'complete', 'partial', 'failed', 'cancelled')),
                min_sites INTEGER NOT NULL CHECK (min_sites >= 1),
                required_sites_json TEXT NOT NULL DEFAULT '[]',
                deadline DATETIME NOT NULL,
                created_at DATETIME NOT NULL,
                updated_at DATETIME NOT NULL,
                root_seed INTEGER NOT NULL,
                result_json TEXT,
                failure TEXT
            );
            CREATE INDEX audit_state ON audit (state);

            CREATE TABLE site_task (
                id TEXT PRIMARY KEY NOT NULL,
                audit_id TEXT NOT NULL REFERENCES audit (id),
                site_id TEXT NOT NULL REFERENCES site (id),
                round INTEGER NOT NULL DEFAULT 1 CHECK (round >= 1),
                state TEXT NOT NULL CHECK (state IN ('queued', 'delivered', 'accepted', 'submitted',
                                                     'refused', 'failed', 'expired', 'cancelled')),
                updated_at DATETIME NOT NULL,
                detail TEXT,
                UNIQUE (audit_id, site_id, round)
            );
            CREATE INDEX site_task_site_state ON site_task (site_id, state);

            CREATE TABLE submission (
                task_id TEXT PRIMARY KEY NOT NULL REFERENCES site_task (id),
                idempotency_key TEXT NOT NULL,
                body_sha256 TEXT NOT NULL,
                payload BLOB NOT NULL,
                received_at DATETIME NOT NULL
            );

            CREATE TABLE event (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                audit_id TEXT REFERENCES audit (id),
                task_id TEXT REFERENCES site_task (id),
                site_id TEXT REFERENCES site (id),
                kind TEXT NOT NULL,
                detail TEXT NOT NULL DEFAULT '',
                at DATETIME NOT NULL
            );
            CREATE INDEX event_audit ON event (audit_id, id);
            CREATE INDEX event_site ON event (site_id, id);
            """)
    }
}
