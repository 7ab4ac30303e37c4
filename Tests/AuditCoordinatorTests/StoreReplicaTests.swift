import AuditCore
import AuditPostgres
import AuditTestSupport
import Foundation
import Testing
@testable import AuditCoordinator

/// Coordinator replicas sharing one PostgreSQL database: several `Store`s (each with its own
/// connections, as separate processes would have) open and write at once. Counts are checked on a
/// connection of the test's own (`TestPostgres.query`), not through the store.
@Suite("Store on PostgreSQL: replicas sharing a database",
       .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.skipReason)))
struct StoreReplicaTests {
    let t0 = StoreFixture.t0

    private func withReplicas<T: Sendable>(_ count: Int, _ body: ([Store], PostgresLocation) async throws -> T) async throws -> T {
        try await TestPostgres.withDatabase { location in
            // All replicas start at once on an empty database: the advisory lock lets one migrate.
            let replicas = try await withThrowingTaskGroup(of: Store.self) { group in
                for _ in 0..<count { group.addTask { try await Store.open(postgres: location, connections: 4) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            do {
                let value = try await body(replicas, location)
                for replica in replicas { await replica.close() }
                return value
            } catch {
                for replica in replicas { await replica.close() }
                throw error
            }
        }
    }

    @Test func replicasStartingAtOnceMigrateOnce() async throws {
        try await withReplicas(4) { (replicas: [Store], location: PostgresLocation) async throws in
            let names = StoreSchema.names
            for replica in replicas { #expect(try await replica.appliedMigrations() == names) }
            #expect(try await TestPostgres.query("SELECT identifier FROM schema_migrations ORDER BY identifier", in: location)
                == names.sorted().map { Optional($0) })
            #expect(try await TestPostgres.query("SELECT count(*)::text FROM information_schema.tables WHERE table_schema = 'public'",
                                                 in: location) == ["11"])  // 10 store tables + schema_migrations
        }
    }

    @Test func concurrentSubmissionsThroughThreeReplicasLandExactlyOnceAndCombineOnce() async throws {
        let siteCount = 24
        try await withReplicas(3) { (replicas: [Store], location: PostgresLocation) async throws in
            let sites = (0..<siteCount).map { SiteID(stringLiteral: "site-\($0)") }
            for site in sites { try await replicas[0].registerSite(id: site, fingerprint: "fp-\(site)", at: t0) }
            try await replicas[1].createAudit(StoreFixture.audit(sites: sites, minSites: siteCount, requiredSites: []), at: t0)
            // Every task is uploaded twice, with the same body, through two different replicas, all at once.
            let outcomes = try await withThrowingTaskGroup(of: SubmissionOutcome.self) { group in
                for (index, site) in sites.enumerated() {
                    for copy in 0..<2 {
                        let replica = replicas[(index + copy) % replicas.count]
                        group.addTask {
                            try await replica.recordSubmission(task: TaskID(stringLiteral: "audit-1-\(site)"), idempotencyKey: "\(site)-\(copy)",
                                                               bodySHA256: "sha-\(site)", payload: Data("body of \(site)".utf8), at: t0)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let applied = outcomes.compactMap { if case let .stored(applied) = $0 { applied } else { nil } }
            #expect(applied.count == siteCount)
            #expect(outcomes.filter { $0 == .duplicate(receivedAt: t0) }.count == siteCount)
            let combines = applied.flatMap(\.actions).filter { if case .startCombining = $0 { true } else { false } }
            #expect(combines == [.startCombining(outcome: .complete, sites: sites)])
            // The database itself, asked on its own connection.
            #expect(try await TestPostgres.query("SELECT count(*)::text FROM submission", in: location) == ["\(siteCount)"])
            #expect(try await TestPostgres.query("SELECT count(DISTINCT task_id)::text FROM submission", in: location) == ["\(siteCount)"])
            let state = try await TestPostgres.query("SELECT state FROM audit", in: location)  // the only audit
            #expect(state == ["combining"], "\(state)")
            #expect(try await TestPostgres.query("SELECT count(*)::text FROM event WHERE kind = 'audit_combining'", in: location) == ["1"])
            #expect(try await TestPostgres.query("SELECT count(*)::text FROM event WHERE kind = 'task_submitted'", in: location)
                == ["\(siteCount)"])
            #expect(try await TestPostgres.query("SELECT count(*)::text FROM site_task WHERE state = 'submitted'", in: location)
                == ["\(siteCount)"])
        }
    }

    @Test func aDifferentBodyForAStoredTaskIsAConflictOnEveryReplica() async throws {
        try await withReplicas(2) { (replicas: [Store], location: PostgresLocation) async throws in
            try await replicas[0].registerSite(id: "a", fingerprint: "fp-a", at: t0)
            try await replicas[0].registerSite(id: "b", fingerprint: "fp-b", at: t0)
            try await replicas[0].createAudit(StoreFixture.audit(sites: ["a", "b"], minSites: 2, requiredSites: []), at: t0)
            let first = try await replicas[0].recordSubmission(task: "audit-1-a", idempotencyKey: "k", bodySHA256: "one",
                                                               payload: Data("one".utf8), at: t0)
            guard case .stored = first else { Issue.record("not stored: \(first)"); return }
            #expect(try await replicas[1].recordSubmission(task: "audit-1-a", idempotencyKey: "k2", bodySHA256: "two",
                                                           payload: Data("two".utf8), at: t0) == .conflict)
            #expect(try await TestPostgres.query("SELECT body_sha256 FROM submission", in: location) == ["one"])
        }
    }
}
