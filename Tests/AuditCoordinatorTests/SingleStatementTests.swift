import AuditCore
import AuditTestSupport
import Foundation
import Testing
@testable import AuditCoordinator

/// Store calls of one statement run without `BEGIN`/`COMMIT` on PostgreSQL (``Store/readStatement(_:_:)``):
/// a second statement is refused before it runs, and a failed statement leaves the pool usable.
@Suite("PostgreSQL: single-statement store calls")
struct SingleStatementTests {
    @Test(.enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.skipReason)))
    func aSecondStatementIsRefusedAndNothingOfItRuns() async throws {
        let location = try await TestPostgres.createDatabase()
        let store = try await Store.open(postgres: location, connections: 1)
        try await store.registerSite(id: "a", fingerprint: "fp-a", at: StoreFixture.t0)
        let later = StoreFixture.t0.addingTimeInterval(60)
        do {
            _ = try await store.writeStatement("two statements") { tx in
                try tx.execute("UPDATE site SET agent_version = 'first' WHERE id = ?", ["a"])
                return try tx.execute("UPDATE site SET agent_version = 'second' WHERE id = ?", ["a"])
            }
            Issue.record("a second statement ran")
        } catch let error as StoreError {
            #expect(error.code == .database)
            #expect(error.message.contains("ran a second statement: UPDATE site SET agent_version = 'second'"), "\(error.message)")
        }
        // The oracle is psql's view: the first statement ran by itself (that is what one statement
        // alone means), the second never reached the server.
        #expect(try await TestPostgres.query("SELECT agent_version FROM site WHERE id = 'a'", in: location) == ["first"])
        // The one connection is still usable, for single statements and for transactions.
        try await store.touch(site: "a", agentVersion: "1.2.3", policyJSON: nil, at: later)
        #expect(try await store.site(forFingerprint: "fp-a")?.agentVersion == "1.2.3")
        #expect(try await TestPostgres.query("SELECT CASE WHEN last_contact_at IS NULL THEN 'never' ELSE 'touched' END FROM site WHERE id = 'a'", in: location) == ["touched"])
        await store.close()
        try await TestPostgres.dropDatabase(location)
    }

    @Test(.enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.skipReason)))
    func aFailedStatementLeavesTheConnectionUsable() async throws {
        let location = try await TestPostgres.createDatabase()
        let store = try await Store.open(postgres: location, connections: 1)
        try await store.registerSite(id: "a", fingerprint: "fp-a", at: StoreFixture.t0)
        try await store.registerSite(id: "b", fingerprint: "fp-b", at: StoreFixture.t0)
        await #expect(throws: StoreError.self) {
            try await store.writeStatement("a duplicate fingerprint") { tx in
                try tx.execute("UPDATE site SET fingerprint = 'fp-a' WHERE id = ?", ["b"])
            }
        }
        await #expect(throws: StoreError.self) {
            try await store.readStatement("a missing table") { tx in try tx.fetchAll("SELECT * FROM no_such_table", []) }
        }
        #expect(try await store.site(forFingerprint: "fp-b")?.id == "b")
        #expect(try await store.standing(ofSiteCertificate: "fp-a", at: StoreFixture.t0) == .current("a"))
        #expect(try await store.standing(ofSiteCertificate: "fp-zz", at: StoreFixture.t0) == .unknown)
        await store.close()
        try await TestPostgres.dropDatabase(location)
    }
}
