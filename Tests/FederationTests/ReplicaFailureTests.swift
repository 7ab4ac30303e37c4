import AuditAgent
import AuditCoordinator
import AuditPostgres
import AuditCore
import AuditReport
import AuditTestSupport
import AuditWire
import Foundation
import Testing

/// Issue 12, item 2: a coordinator replica SIGKILLed mid-audit. Two `fairuse coordinator serve`
/// processes share one store behind HAProxy (TCP, TLS passed through, `/readyz` health checks);
/// real agent processes for the three bundled sites and the operator talk to HAProxy only. After
/// the first submission one replica is killed; the audit completes on the other with exactly one
/// submission per site, no event twice, one acknowledged result in each site's egress ledger, and
/// the report naming all three sites.
@Suite("Replica failure behind HAProxy", .serialized,
       .enabled(if: ReplicaCluster.isAvailable, "needs HAProxy at /usr/sbin/haproxy (Debian package haproxy) and the fairuse executable built beside the tests"))
struct ReplicaFailureTests {
    @Test func aReplicaKilledMidAuditLosesAndDuplicatesNothing() async throws {
        try await ReplicaCluster.with(database: { "sqlite:\($0)/coordinator.db" }) { cluster in
            try await Self.run(cluster)
            // The shared SQLite file, read as a third process: one submission per site.
            let store = try await Store.open(path: "\(cluster.root)/coordinator.db")
            let audits = try await store.audits()
            #expect(audits.count == 1)
            let submissions = try await store.submissions(of: try #require(audits.first).id)
            #expect(submissions.count == 3 && Set(submissions.map(\.taskID)).count == 3)
        }
    }

    /// The same on PostgreSQL: the replicas wake each other by LISTEN/NOTIFY and share the sweep's
    /// advisory lock; the submissions are counted with SQL on a connection of the test's own.
    @Test(.enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.skipReason)))
    func aReplicaOnPostgreSQLKilledMidAuditLosesAndDuplicatesNothing() async throws {
        let environment = ProcessInfo.processInfo.environment
        try await TestPostgres.withDatabase { location in
            let section = "postgres: { password_file: \(environment["FAIRUSE_TEST_POSTGRES_PASSWORD_FILE"] ?? ""), tls: verify-full, ca: \(environment["FAIRUSE_TEST_POSTGRES_CA"] ?? "") }"
            try await ReplicaCluster.with(database: { _ in location.url }, extra: section) { cluster in
                try await Self.run(cluster)
            }
            #expect(try await TestPostgres.query("SELECT count(*)::text FROM submission", in: location) == ["3"])
            #expect(try await TestPostgres.query("SELECT count(DISTINCT task_id)::text FROM submission", in: location) == ["3"])
            #expect(try await TestPostgres.query("SELECT count(*)::text FROM event WHERE kind = 'audit_complete'", in: location) == ["1"])
        }
    }

    static func run(_ cluster: ReplicaCluster) async throws {
        let one = try await cluster.startReplica("replica-1")
        let two = try await cluster.startReplica("replica-2")
        try await cluster.startBalancer([("replica-1", one.api, one.metrics), ("replica-2", two.api, two.metrics)])
        let sites = BundledSites.names
        for site in sites { try await cluster.register(site) }
        // Two agents first; the third starts after the kill, so the audit is surely mid-way when the replica dies.
        for site in sites.prefix(2) { try await cluster.startAgent(site) }
        var spec = try BundledSites.spec(bootstrap: 0)
        spec.metrics = [.error, .auc]
        let launch = LaunchAuditRequest(specYAML: spec.yaml(), sites: try sites.map { try SiteID(validating: $0) }, minSites: 3,
                                        deadline: Date().addingTimeInterval(900), rootSeed: 7)
        let audit = try await cluster.withOperator { try await $0.launch(launch) }.id

        let first = try await waitFor(cluster, audit, "the first submission") { $0.sites.contains { $0.state == .submitted } }
        #expect(!first.state.isFinal)
        try await cluster.kill("replica-1")
        try await cluster.startAgent(sites[2])
        let end = try await waitFor(cluster, audit, "the end of the audit", expectedDead: ["replica-1"]) { $0.state.isFinal }
        #expect(end.state == .complete, "\(end.sites.map { "\($0.site): \($0.state) \($0.detail ?? "")" })")
        #expect(end.sites.allSatisfy { $0.state == .submitted })

        // The event log, read through HAProxy from the surviving replica: nothing twice.
        let events = try await cluster.withOperator { try await $0.events(audit: audit, limit: 1000) }
        for site in sites {
            let id = try SiteID(validating: site)
            #expect(events.filter { $0.kind == "task_submitted" && $0.site == id }.count == 1, "\(site)")
        }
        let taskEvents = events.filter { $0.kind.hasPrefix("task_") }.map { "\($0.kind) \($0.task?.rawValue ?? "-")" }
        #expect(taskEvents.count == Set(taskEvents).count, "a task event recorded twice: \(taskEvents)")
        for kind in ["audit_launched", "audit_combining", "audit_complete"] {
            #expect(events.filter { $0.kind == kind }.count == 1, "\(kind)")
        }

        // Each site's ledger: its result acknowledged once; a resend after the kill sent the same bytes.
        for site in sites {
            let entries = try LedgerVerifier.entries(path: "\(cluster.root)/sites/\(site)/egress-ledger.jsonl")
            let attempts = entries.filter { $0.kind == .attempt && $0.message == .result }
            let acked = entries.filter { $0.kind == .ack && attempts.map(\.sequence).contains($0.answers ?? -1) }
            #expect(acked.count == 1, "\(site): \(acked.count) acknowledged results")
            #expect(Set(attempts.map(\.payloadSHA256)).count == 1, "\(site): different result bytes sent")
        }

        // The report, through HAProxy: all three sites pooled.
        let json = try await cluster.withOperator { try await $0.report(audit, format: "json") }
        let document = try ReportDocument.decode(Data(json.utf8))
        #expect(document.federation?.state == .complete)
        #expect(document.federation?.sites.map(\.site.rawValue).sorted() == sites.sorted())
        #expect(document.federation?.sites.allSatisfy { $0.state == .submitted } == true)
        #expect(cluster.exited(except: ["replica-1"]) == nil, "a child stopped: \(cluster.exited(except: ["replica-1"]) ?? "")")
    }

    /// Polls the audit through HAProxy every 200 ms until `done` holds; fails if a child other than
    /// `expectedDead` exits, or after 10 minutes.
    static func waitFor(_ cluster: ReplicaCluster, _ audit: AuditID, _ what: String, expectedDead: Set<String> = [],
                        _ done: (AuditSummary) -> Bool) async throws -> AuditSummary {
        let end = ContinuousClock.now + .seconds(600)
        while ContinuousClock.now < end {
            if let dead = cluster.exited(except: expectedDead) {
                throw ClusterError("\(dead) stopped while waiting for \(what): \(cluster.log(dead).suffix(3000))")
            }
            // A request may land on the replica being killed; the next poll goes to the other one.
            if let summary = try? await cluster.withOperator({ try await $0.audit(audit) }), done(summary) { return summary }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ClusterError("audit \(audit) did not reach \(what) in 10 minutes; logs in \(cluster.root)/logs")
    }
}
