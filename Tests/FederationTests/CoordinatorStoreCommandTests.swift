import AuditCoordinator
import AuditCore
import Foundation
import Testing

/// `fairuse coordinator retention` and `fairuse coordinator backup` as an operator runs them on the
/// coordinator's host: the built executable against a store file named by `coordinator.yaml`.
@Suite("Coordinator store commands")
struct CoordinatorStoreCommandTests {
    /// A folder with `coordinator.yaml` (its `retention:` line from `retention`) and a store holding one
    /// cancelled audit from 2001 over three sites, and one open audit launched now.
    static func withCoordinatorFolder(retention: String, _ body: (String, Store, _ old: AuditID, _ open: AuditID) async throws -> Void) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("store-cmd-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try """
            tls: { certificate: c.pem, key: k.pem, ca: ca.pem }
            database: sqlite:state/coordinator.db
            \(retention)
            """.write(toFile: root + "/coordinator.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: root + "/state", withIntermediateDirectories: true)
        let store = try await Store.open(path: root + "/state/coordinator.db")
        let old = Date(timeIntervalSince1970: 1_000_000_000)
        let sites = try ["a", "b", "c"].map { try SiteID(validating: $0) }
        for site in sites { try await store.registerSite(id: site, fingerprint: "fp-\(site)", at: old) }
        let lifecycle = AuditLifecycle(store: store)
        let oldID = AuditID.generate(), openID = AuditID.generate()
        func audit(_ id: AuditID, at time: Date) -> NewAudit {
            NewAudit(id: id, name: "n", specYAML: "fairuse: 1\n", specSHA256: "s", sites: sites, minSites: 2, requiredSites: [],
                     deadline: time.addingTimeInterval(3_600), rootSeed: 1,
                     taskIDs: Dictionary(uniqueKeysWithValues: sites.map { ($0, TaskID.generate()) }))
        }
        try await lifecycle.launch(audit(oldID, at: old), at: old)
        try await lifecycle.apply(.cancelRequested, to: oldID, at: old)
        try await lifecycle.launch(audit(openID, at: Date()), at: Date())
        try await body(root, store, oldID, openID)
    }

    @Test func retentionDryRunThenRealRunDeletesOnlyTheOldFinishedAudit() async throws {
        try await Self.withCoordinatorFolder(retention: "retention: { audits: 365d }") { root, store, old, open in
            let config = root + "/coordinator.yaml"
            let dry = try await AgentCommandLedgerTests.run(["coordinator", "retention", "--config", config, "--dry-run", "--json"],
                                                            root: root)
            #expect(dry.status == 0, "\(dry.output)")
            let counts = try JSONSerialization.jsonObject(with: Data(dry.output.utf8)) as? [String: Any]
            #expect(counts?["audits"] as? Int == 1)
            #expect(counts?["tasks"] as? Int == 3)
            #expect(counts?["dryRun"] as? Bool == true)
            #expect(try await store.audit(id: old) != nil)
            let real = try await AgentCommandLedgerTests.run(["coordinator", "retention", "--config", config], root: root)
            #expect(real.status == 0, "\(real.output)")
            #expect(real.output.hasPrefix("deleted 1 audit(s), 3 task(s), 0 submission(s), "))
            #expect(try await store.audit(id: old) == nil)
            #expect(try await store.audit(id: open)?.state == .dispatched)
        }
    }

    @Test func retentionWithoutAPolicyIsRefusedAndDeletesNothing() async throws {
        try await Self.withCoordinatorFolder(retention: "") { root, store, old, open in
            let config = root + "/coordinator.yaml"
            let result = try await AgentCommandLedgerTests.run(["coordinator", "retention", "--config", config], root: root)
            #expect(result.status != 0)
            #expect(result.output.contains("\(config): no retention: section (or an empty one), so everything is kept"))
            #expect(try await store.audit(id: old) != nil)
        }
    }

    @Test func backupWritesAStoreThatOpensAndRefusesToOverwrite() async throws {
        try await Self.withCoordinatorFolder(retention: "") { root, store, old, open in
            let config = root + "/coordinator.yaml"
            let out = root + "/backup.db"
            let first = try await AgentCommandLedgerTests.run(["coordinator", "backup", "--config", config, "--out", out], root: root)
            #expect(first.status == 0, "\(first.output)")
            let schema = try #require(try await store.appliedMigrations().last)
            #expect(first.output.contains("backed up to \(out) (schema \(schema), "))
            let copy = try await Store.open(path: out)
            #expect(try await copy.audit(id: old)?.state == .cancelled)
            #expect(try await copy.sites().count == 3)
            let again = try await AgentCommandLedgerTests.run(["coordinator", "backup", "--config", config, "--out", out], root: root)
            #expect(again.status != 0)
            #expect(again.output.contains("already exists"))
        }
    }
}
