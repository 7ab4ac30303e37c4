import AuditCore
import Foundation
import GRDB
import Testing
@testable import AuditCoordinator

@Suite("Store: schema, integrity and restart", .bothStoreBackends)
struct StoreDurabilityTests {
    let t0 = StoreFixture.t0

    static let names = ["v1", "v2-task-progress", "v3-spec-json", "v4-revoked-certificates", "v5-operator-certificates",
                        "v5-site-rotation", "v6-ledger-heads", "v7-combine-claims"]

    @Test func migrationsRunTwiceAreANoOp() async throws {
        let open = try await StoreFixture.durableStore()
        let store = try await open()
        try await store.registerSite(id: "a", fingerprint: "fp-a", at: t0)
        #expect(try await store.appliedMigrations() == Self.names)
        let reopened = try await open()
        #expect(try await reopened.appliedMigrations() == Self.names)
        #expect(try await reopened.sites().map(\.id) == ["a"])
        let table = StoreMigrator.table(StoreFixture.backend == .sqlite ? .sqlite : .postgres)
        #expect(try await StoreFixture.count(table, in: reopened) == Self.names.count)
    }

    @Test func fileStoreUsesWAL() async throws {
        guard StoreFixture.backend == .sqlite else { return }  // a SQLite file's journal mode
        let store = try await StoreFixture.durableStore()()
        #expect(try await store.column(raw: "PRAGMA journal_mode") == ["wal"])
        #expect(try await store.column(raw: "PRAGMA foreign_keys") == ["1"])
    }

    @Test func foreignKeysAreEnforced() async throws {
        let store = try await StoreFixture.store(sites: ["a"])
        let statements: [(String, StoreArguments)] = [
            ("INSERT INTO site_task (id, audit_id, site_id, round, state, updated_at) VALUES ('t', 'no-audit', 'a', 1, 'queued', ?)",
             [t0]),
            ("INSERT INTO submission (task_id, idempotency_key, body_sha256, payload, received_at) VALUES ('no-task', 'k', 's', ?, ?)",
             [Data([0]), t0]),
            ("INSERT INTO event (audit_id, kind, detail, at) VALUES ('no-audit', 'x', '', ?)", [t0]),
        ]
        // SQLite's extended result code 787 is SQLITE_CONSTRAINT_FOREIGNKEY; PostgreSQL's SQLSTATE 23503 is foreign_key_violation.
        let expected = StoreFixture.backend == .sqlite ? "SQLite 787" : "PostgreSQL 23503"
        for (sql, arguments) in statements {
            let error = await expectStoreError(.database) { try await store.execute(raw: sql, arguments) }
            #expect(error?.message.contains(expected) == true, "\(String(describing: error))")
        }
        // A task row cannot name an unregistered site either.
        try await store.createAudit(StoreFixture.audit(sites: ["a"], minSites: 1, requiredSites: []), at: t0)
        let error = await expectStoreError(.database) {
            try await store.execute(raw: """
                INSERT INTO site_task (id, audit_id, site_id, round, state, updated_at)
                VALUES ('t2', 'audit-1', 'no-site', 1, 'queued', ?)
                """, [t0])
        }
        #expect(error?.message.contains(expected) == true)
        #expect(try await StoreFixture.count("site_task", in: store) == 1)
    }

    @Test func checkConstraintsRejectUnknownStates() async throws {
        let store = try await StoreFixture.store(sites: ["a"])
        try await store.createAudit(StoreFixture.audit(sites: ["a"], minSites: 1, requiredSites: []), at: t0)
        // SQLite 275 is SQLITE_CONSTRAINT_CHECK; PostgreSQL 23514 is check_violation.
        let expected = StoreFixture.backend == .sqlite ? "SQLite 275" : "PostgreSQL 23514"
        for sql in ["UPDATE site_task SET state = 'lost'", "UPDATE audit SET min_sites = 0"] {
            let error = await expectStoreError(.database) { try await store.execute(raw: sql) }
            #expect(error?.message.contains(expected) == true, "\(String(describing: error))")
        }
        #expect(try await store.tasks(of: "audit-1").map(\.state) == [.queued])
    }

    @Test func aMigrationThatFailsMidwayLeavesThePreviousVersion() async throws {
        let open = try await StoreFixture.durableStore()
        let store = try await open()
        try await store.registerSite(id: "a", fingerprint: "fp-a", at: t0)
        // v8's first statement succeeds, its second fails: both must be rolled back, with the record of v8.
        let broken = StoreSchema.migrations + [StoreMigration(name: "v8-broken", both: [
            "CREATE TABLE extra (x INTEGER)",
            "INSERT INTO no_such_table (x) VALUES (1)",
        ])]
        let error = await expectStoreError(.database) {
            switch StoreFixture.backend {
            case .sqlite: try await Store.open(path: try #require(store.name.split(separator: " ").last.map(String.init)), migrations: broken)
            case .postgres: try await Store.open(postgres: try #require(store.postgresLocation), connections: 2, migrations: broken)
            }
        }
        #expect(error?.message.hasPrefix("applying schema migration 'v8-broken' to \(store.name): ") == true, "\(String(describing: error))")
        #expect(error?.message.hasSuffix("the migration was rolled back and \(store.name) stays at schema migration 'v7-combine-claims'") == true)
        let reopened = try await open()
        #expect(try await reopened.appliedMigrations() == Self.names)
        let extra = switch StoreFixture.backend {
        case .sqlite: try await reopened.column(raw: "SELECT name FROM sqlite_master WHERE name = 'extra'")
        case .postgres: try await reopened.column(raw: "SELECT to_regclass('extra')::text").compactMap { $0 }
        }
        #expect(extra.isEmpty)
        #expect(try await reopened.sites().map(\.id) == ["a"])
    }

    @Test func aStoreWithAMigrationThisBinaryDoesNotKnowIsRefused() async throws {
        let open = try await StoreFixture.durableStore()
        let store = try await open()
        let table = StoreMigrator.table(StoreFixture.backend == .sqlite ? .sqlite : .postgres)
        // What a newer fairuse would have left: one more applied migration.
        _ = try await store.execute(raw: "INSERT INTO \(table) (identifier) VALUES ('v8-replica-leases')")
        let error = await expectStoreError(.unknownSchema) { try await open() }
        #expect(error?.message == """
            \(store.name) has schema migration 'v8-replica-leases' that this fairuse \(FairuseVersion.current) does not know \
            (it knows up to 'v7-combine-claims'); upgrade fairuse before starting this coordinator
            """)
        #expect(try await store.appliedMigrations() == Self.names + ["v8-replica-leases"])
    }

    /// A file written by the GRDB migrator of earlier fairuse versions (the same table of applied names,
    /// the same SQL) opens with the data intact and nothing migrated again.
    @Test func aSQLiteFileFromBeforeTheSeamKeepsWorking() async throws {
        guard StoreFixture.backend == .sqlite else { return }  // only SQLite files predate the seam
        try await StoreFixture.withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("old.sqlite").path
            do {
                let pool = try DatabasePool(path: path)
                var migrator = DatabaseMigrator()
                for migration in StoreSchema.migrations {
                    migrator.registerMigration(migration.name) { db in
                        for statement in migration.sqlite { try db.execute(sql: statement) }
                    }
                }
                try migrator.migrate(pool)
                try await pool.write { db in
                    try db.execute(sql: "INSERT INTO site (id, fingerprint, status, added_at) VALUES ('old', 'fp-old', 'active', ?)",
                                   arguments: [self.t0])
                }
                try pool.close()
            }
            let store = try await Store.open(path: path)
            #expect(try await store.appliedMigrations() == Self.names)
            #expect(try await store.site(id: "old")?.addedAt == t0)
        }
    }

    @Test func restartFindsOpenAuditsAndTasksIntact() async throws {
        let open = try await StoreFixture.durableStore()
        do {
            let payload = Data(#"{"n":50}"#.utf8)
            do {
                let store = try await open()
                for site: SiteID in ["a", "b", "c"] { try await store.registerSite(id: site, fingerprint: "fp-\(site)", at: t0) }
                try await store.createAudit(StoreFixture.audit("audit-1"), at: t0)
                try await store.createAudit(StoreFixture.audit("audit-2", sites: ["a"], minSites: 1, requiredSites: []),
                                            at: t0)
                try await store.markDelivered(task: "audit-1-a", at: t0.addingTimeInterval(1))
                _ = try await store.recordSubmission(task: "audit-1-b", idempotencyKey: "k", bodySHA256: "s",
                                                     payload: payload, at: t0.addingTimeInterval(2))
                _ = try await store.recordSubmission(task: "audit-2-a", idempotencyKey: "k", bodySHA256: "s2",
                                                     payload: payload, at: t0.addingTimeInterval(3))
            }
            // "Restart": a new store over the same file or database.
            let store = try await open()
            let open = try await store.openAudits()
            #expect(open.map(\.id) == ["audit-1", "audit-2"])
            #expect(open.map(\.state) == [.collecting, .combining])
            #expect(try await store.tasks(of: "audit-1").map(\.state) == [.delivered, .submitted, .queued])
            #expect(try await store.openTasks(for: "a").map(\.task.id) == ["audit-1-a"])
            #expect(try await store.submissions(of: "audit-1").map(\.payload) == [payload])

            // Resuming before the deadline re-issues the interrupted combine and nothing else.
            let lifecycle = AuditLifecycle(store: store)
            let early = try await lifecycle.resume(at: t0.addingTimeInterval(60))
            #expect(early.map(\.auditID) == ["audit-2"])
            #expect(early.first?.actions == [.startCombining(outcome: .complete, sites: ["a"])])

            // Resuming after the deadline expires audit-1's open tasks: a and c never answered, a is required.
            let late = try await lifecycle.resume(at: StoreFixture.deadline.addingTimeInterval(1))
            let expired = try #require(late.first { $0.auditID == "audit-1" })
            #expect(expired.state == .failed)
            #expect(expired.actions.contains(.expireTasks(["a", "c"])))
            let audit = try #require(try await store.audit(id: "audit-1"))
            #expect(audit.failure == "1 of 3 sites submitted (min_sites 2); required sites without a result: a; "
                + "expired: a, c")
            #expect(try await store.tasks(of: "audit-1").map(\.state) == [.expired, .submitted, .expired])
            #expect(try await store.openAudits().map(\.id) == ["audit-2"])
        }
    }
}
