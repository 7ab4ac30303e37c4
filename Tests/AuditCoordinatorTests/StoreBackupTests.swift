import AuditCore
import Foundation
import GRDB
import Testing
@testable import AuditCoordinator

/// `Store.backup(toSQLiteFile:)`: an online copy that opens as a store with the same rows, never overwrites.
@Suite("Store: online backup")
struct StoreBackupTests {
    @Test func theCopyOpensWithTheSameRowsAndSchema() async throws {
        try await StoreFixture.withTemporaryDirectory { directory in
            let store = try await Store.open(path: directory.appendingPathComponent("coordinator.db").path)
            for site in ["a", "b", "c"] as [SiteID] {
                try await store.registerSite(id: site, fingerprint: "fp-\(site)", at: StoreFixture.t0)
            }
            try await AuditLifecycle(store: store).launch(StoreFixture.audit(), at: StoreFixture.t0)
            try await store.recordSubmission(task: "audit-1-a", idempotencyKey: "k", bodySHA256: "sha",
                                             payload: Data(repeating: 7, count: 4_096), at: StoreFixture.t0)
            let path = directory.appendingPathComponent("backup.db").path
            let migrations = try await store.backup(toSQLiteFile: path)
            #expect(migrations == (try await store.appliedMigrations()))
            #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
            let copy = try await Store.open(path: path)
            for table in ["site", "audit", "site_task", "submission", "event"] {
                #expect(try await StoreFixture.count(table, in: copy) == (try await StoreFixture.count(table, in: store)), "\(table)")
            }
            // Read the payload back with plain SQL, not through the store.
            let payload = try await DatabaseQueue(path: path).read { db in try Data.fetchOne(db, sql: "SELECT payload FROM submission") }
            #expect(payload == Data(repeating: 7, count: 4_096))
        }
    }

    @Test func anExistingFileIsNeverOverwritten() async throws {
        try await StoreFixture.withTemporaryDirectory { directory in
            let store = try await Store.open(path: directory.appendingPathComponent("coordinator.db").path)
            let path = directory.appendingPathComponent("backup.db").path
            try Data("an older backup".utf8).write(to: URL(fileURLWithPath: path))
            let error = await expectStoreError(.invalidArgument) { try await store.backup(toSQLiteFile: path) }
            #expect(error?.message == "backup: \(path) already exists; choose a new file name (a backup is never overwritten)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("an older backup".utf8))
        }
    }
}
