import AuditCore
import Foundation
import GRDB
import Testing
@testable import AuditCoordinator

@Suite("Store: schema, integrity and restart")
struct StoreDurabilityTests {
    let t0 = StoreFixture.t0

    @Test func migrationsRunTwiceAreANoOp() async throws {
        try await StoreFixture.withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("coordinator.sqlite").path
            do {
                let store = try Store.open(path: path)
                try await store.registerSite(id: "a", fingerprint: "fp-a", at: t0)
                #expect(try await store.appliedMigrations() == ["v1", "v2-task-progress", "v3-spec-json", "v4-revoked-certificates", "v5-operator-certificates", "v5-site-rotation", "v6-ledger-heads", "v7-combine-claims"])
                try StoreSchema.migrator.migrate(store.writer)
            }
            let reopened = try Store.open(path: path)
            #expect(try await reopened.appliedMigrations() == ["v1", "v2-task-progress", "v3-spec-json", "v4-revoked-certificates", "v5-operator-certificates", "v5-site-rotation", "v6-ledger-heads", "v7-combine-claims"])
            try StoreSchema.migrator.migrate(reopened.writer)
            #expect(try await reopened.sites().map(\.id) == ["a"])
            let memory = try Store.inMemory()
            try StoreSchema.migrator.migrate(memory.writer)
            #expect(try await memory.appliedMigrations() == ["v1", "v2-task-progress", "v3-spec-json", "v4-revoked-certificates", "v5-operator-certificates", "v5-site-rotation", "v6-ledger-heads", "v7-combine-claims"])
        }
    }

    @Test func fileStoreUsesWAL() async throws {
        try await StoreFixture.withTemporaryDirectory { directory in
            let store = try Store.open(path: directory.appendingPathComponent("coordinator.sqlite").path)
            let mode = try await store.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
            #expect(mode == "wal")
        }
    }

    @Test func foreignKeysAreEnforced() async throws {
        let store = try await StoreFixture.store(sites: ["a"])
        #expect(try await store.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA foreign_keys") } == 1)
        let statements: [(String, StatementArguments)] = [
            ("INSERT INTO site_task (id, audit_id, site_id, round, state, updated_at) VALUES ('t', 'no-audit', 'a', 1, 'queued', ?)",
             [t0]),
            ("INSERT INTO submission (task_id, idempotency_key, body_sha256, payload, received_at) VALUES ('no-task', 'k', 's', x'00', ?)",
             [t0]),
            ("INSERT INTO event (audit_id, kind, detail, at) VALUES ('no-audit', 'x', '', ?)", [t0]),
        ]
        for (sql, arguments) in statements {
            do {
                try await store.writer.write { db in try db.execute(sql: sql, arguments: arguments) }
                Issue.record("accepted: \(sql)")
            } catch let error as DatabaseError {
                #expect(error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY)
            }
        }
        // A task row cannot name an unregistered site either.
        try await store.createAudit(StoreFixture.audit(sites: ["a"], minSites: 1, requiredSites: []), at: t0)
        await #expect(throws: DatabaseError.self) {
            try await store.writer.write { db in
                try db.execute(sql: """
                    INSERT INTO site_task (id, audit_id, site_id, round, state, updated_at)
                    VALUES ('t2', 'audit-1', 'no-site', 1, 'queued', ?)
                    """, arguments: [t0])
            }
        }
    }

    @Test func checkConstraintsRejectUnknownStates() async throws {
        let store = try await StoreFixture.store(sites: ["a"])
        try await store.createAudit(StoreFixture.audit(sites: ["a"], minSites: 1, requiredSites: []), at: t0)
        await #expect(throws: DatabaseError.self) {
            try await store.writer.write { db in try db.execute(sql: "UPDATE site_task SET state = 'lost'") }
        }
        await #expect(throws: DatabaseError.self) {
            try await store.writer.write { db in try db.execute(sql: "UPDATE audit SET min_sites = 0") }
        }
    }

    @Test func restartFindsOpenAuditsAndTasksIntact() async throws {
        try await StoreFixture.withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("coordinator.sqlite").path
            let payload = Data(#"{"n":50}"#.utf8)
            do {
                let store = try Store.open(path: path)
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
            // "Restart": a new store over the same file.
            let store = try Store.open(path: path)
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
