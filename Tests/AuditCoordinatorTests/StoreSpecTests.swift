import AuditCore
import AuditSpec
import Foundation
import Testing
@testable import AuditCoordinator

/// The spec is parsed and validated once, at launch, and stored parsed; later readers decode it.
@Suite("Store: the spec stored parsed", .bothStoreBackends)
struct StoreSpecTests {
    static let yaml = "fairuse: 1\nname: sepsis\noutcome:\n  column: died\ngroups:\n  - sex\ntests:\n  seed: 7\n"

    static func launch(_ store: Store, spec: AuditSpec?) async throws {
        var new = StoreFixture.audit()
        new.spec = spec
        new.specYAML = spec?.yaml() ?? Self.yaml
        try await store.createAudit(new, at: StoreFixture.t0)
    }

    @Test func launchStoresTheParsedSpecAndReadersDecodeIt() async throws {
        let spec = try AuditSpec.parse(yaml: Self.yaml, source: "spec.yaml")
        let store = try await StoreFixture.store()
        try await Self.launch(store, spec: spec)
        let record = try #require(try await store.audit(id: "audit-1"))
        #expect(record.specJSON != nil)
        #expect(try record.spec() == spec)
        // The stored JSON is what readers use: rewriting the YAML does not change the spec they get.
        _ = try await store.execute(raw: "UPDATE audit SET spec_yaml = 'not: [yaml'")
        #expect(try #require(try await store.audit(id: "audit-1")).spec() == spec)
    }

    @Test func anAuditStoredBeforeSchemaV3FallsBackToItsYAML() async throws {
        let store = try await StoreFixture.store()
        try await Self.launch(store, spec: nil)
        let record = try #require(try await store.audit(id: "audit-1"))
        #expect(record.specJSON == nil)
        #expect(try record.spec().name == "sepsis")
    }

    @Test func anUnreadableStoredSpecIsADatabaseErrorNamingTheAudit() async throws {
        let store = try await StoreFixture.store()
        try await Self.launch(store, spec: try AuditSpec.parse(yaml: Self.yaml, source: "spec.yaml"))
        _ = try await store.execute(raw: "UPDATE audit SET spec_json = '{\"fairuse\": 2}'")
        let record = try #require(try await store.audit(id: "audit-1"))
        let error = try #require(throws: StoreError.self) { try record.spec() }
        #expect(error.code == .database)
        #expect(error.message == "audit \(record.id) has an unreadable spec_json")
    }
}
