import AuditCore
import AuditSpec
import Foundation
import Testing
@testable import AuditCoordinator

/// `retention:` and ``Store/applyRetention(_:now:dryRun:)``: what ages out, what never does, and the dry run.
/// Expected counts come from the fixture's construction and from `COUNT(*)` queries, not from the outcome.
@Suite("Store: retention", .bothStoreBackends)
struct StoreRetentionTests {
    let t0 = StoreFixture.t0
    let day: TimeInterval = 86_400

    /// Three audits over sites a, b, c: `old` complete at t0 + 1 h (3 submissions), `gone` cancelled at
    /// t0 + 2 h, `open` launched at t0 + 100 d with one submission and still collecting.
    func populated() async throws -> Store {
        let store = try await StoreFixture.store()
        let lifecycle = AuditLifecycle(store: store)
        try await lifecycle.launch(StoreFixture.audit("old", minSites: 3, requiredSites: []), at: t0)
        for site in ["a", "b", "c"] {
            try await store.recordSubmission(task: TaskID(stringLiteral: "old-\(site)"), idempotencyKey: "k-\(site)",
                                             bodySHA256: "sha-\(site)", payload: Data("r\(site)".utf8), at: t0 + 60)
        }
        try await lifecycle.apply(.combineSucceeded, to: "old", at: t0 + 3_600)
        try await lifecycle.launch(StoreFixture.audit("gone", minSites: 3, requiredSites: []), at: t0)
        try await lifecycle.apply(.cancelRequested, to: "gone", at: t0 + 7_200)
        var open = StoreFixture.audit("open", minSites: 3, requiredSites: [])
        open.deadline = t0 + 101 * day
        try await lifecycle.launch(open, at: t0 + 100 * day)
        try await store.recordSubmission(task: "open-a", idempotencyKey: "k", bodySHA256: "sha", payload: Data("x".utf8),
                                         at: t0 + 100 * day)
        #expect(try await store.audit(id: "old")?.state == .complete)
        #expect(try await store.audit(id: "gone")?.state == .cancelled)
        #expect(try await store.audit(id: "open")?.state == .collecting)
        return store
    }

    func counts(_ store: Store) async throws -> [String: Int] {
        var out: [String: Int] = [:]
        for table in ["audit", "site_task", "submission", "event"] { out[table] = try await StoreFixture.count(table, in: store) }
        return out
    }

    @Test func submissionsOfFinishedAuditsAgeOutAndTheAuditStays() async throws {
        let store = try await populated()
        let before = try await counts(store)
        let outcome = try await store.applyRetention(RetentionPolicy(submissions: .seconds(90 * 86_400)), now: t0 + 200 * day)
        #expect(outcome == RetentionOutcome(submissions: 3))
        let after = try await counts(store)
        #expect(after["submission"] == 1)                       // the open audit's one submission
        #expect(after["audit"] == 3 && after["site_task"] == before["site_task"])
        #expect(after["event"] == before["event"]! + 1)         // the retention_applied row
        #expect(try await store.audit(id: "old")?.state == .complete)
        let last = try await store.events(matching: .init(limit: 1))
        #expect(last.first?.kind == .retentionApplied)
        #expect(last.first?.detail == "deleted 0 audit(s), 0 task(s), 3 submission(s), 0 event(s)")
    }

    @Test func finishedAuditsAgeOutWholeAndAnOpenOneNever() async throws {
        let store = try await populated()
        let eventsOfOpen = try await store.events(of: "open").count
        // Every audit is older than 150 d by `updated_at` except `open` (100 d) — and `open` is open anyway.
        let outcome = try await store.applyRetention(RetentionPolicy(audits: .seconds(50 * 86_400)), now: t0 + 200 * day)
        #expect(outcome.audits == 2)
        #expect(outcome.tasks == 6)
        #expect(outcome.submissions == 3)
        let after = try await counts(store)
        #expect(after["audit"] == 1 && after["site_task"] == 3 && after["submission"] == 1)
        #expect(try await store.audit(id: "old") == nil)
        #expect(try await store.audit(id: "open")?.state == .collecting)
        #expect(try await store.events(of: "open").count == eventsOfOpen)
        // The three site registrations (no audit) are not touched by the audits rule.
        #expect(try await store.events(ofSite: "a").first?.kind == .siteRegistered)
    }

    @Test func oldEventsOfNoOpenAuditAgeOut() async throws {
        let store = try await populated()
        let eventsOfOpen = try await store.events(of: "open").count
        let before = try await counts(store)
        let outcome = try await store.applyRetention(RetentionPolicy(events: .seconds(30 * 86_400)), now: t0 + 200 * day)
        let after = try await counts(store)
        // Everything written at t0 … t0 + 2 h belongs to no audit or to a finished one; the open audit's stay.
        #expect(outcome.events == before["event"]! - eventsOfOpen)
        #expect(after["event"] == eventsOfOpen + 1)
        #expect(try await store.events(of: "open").count == eventsOfOpen)
        #expect(after["audit"] == 3 && after["submission"] == 4)
    }

    @Test func aDryRunCountsTheSameAndWritesNothing() async throws {
        let policy = RetentionPolicy(submissions: .seconds(90 * 86_400), audits: .seconds(150 * 86_400),
                                     events: .seconds(30 * 86_400))
        let dryStore = try await populated()
        let before = try await counts(dryStore)
        let dry = try await dryStore.applyRetention(policy, now: t0 + 200 * day, dryRun: true)
        #expect(try await counts(dryStore) == before)
        #expect(dry.dryRun && dry.summary.hasPrefix("would delete"))
        let real = try await populated().applyRetention(policy, now: t0 + 200 * day)
        #expect(RetentionOutcome(audits: dry.audits, tasks: dry.tasks, submissions: dry.submissions, events: dry.events) == real)
        #expect(real.audits == 2)
    }

    @Test func nothingIsDeletedBeforeItsTime() async throws {
        let store = try await populated()
        let before = try await counts(store)
        let policy = RetentionPolicy(submissions: .seconds(86_400), audits: .seconds(86_400), events: .seconds(86_400))
        let outcome = try await store.applyRetention(policy, now: t0 + 3_600)  // an hour after launch: all younger than 1 d
        #expect(outcome == RetentionOutcome())
        #expect(try await counts(store)["event"] == before["event"]! + 1)
    }

    // MARK: - Configuration

    static let file = "/etc/fairuse/coordinator.yaml"
    static func yaml(_ retention: String) -> String {
        "tls: { certificate: c.pem, key: k.pem, ca: ca.pem }\ndatabase: sqlite:fairuse.db\n" + retention
    }

    @Test func theSectionIsReadWithDaysWeeksAndYears() throws {
        let configuration = try CoordinatorConfiguration.parse(
            yaml: Self.yaml("retention: { submissions: 90d, audits: 2y, events: 12w }\n"), file: Self.file)
        #expect(configuration.retention == RetentionPolicy(submissions: .seconds(90 * 86_400), audits: .seconds(730 * 86_400),
                                                           events: .seconds(84 * 86_400)))
        #expect(try CoordinatorConfiguration.parse(yaml: Self.yaml(""), file: Self.file).retention.keepsEverything)
    }

    @Test(arguments: [
        ("retention: { submissions: 12h }\n", "retention.submissions",
         "expected a number of days, weeks or years of at least 1d, e.g. 90d, 12w, 2y; found '12h'"),
        ("retention: { audits: 0d }\n", "retention.audits",
         "expected a number of days, weeks or years of at least 1d, e.g. 90d, 12w, 2y; found '0d'"),
        ("retention: { reports: 30d }\n", "retention.reports", nil),
    ])
    func aBadWindowIsRefusedNamingTheKey(yaml: String, key: String, message: String?) throws {
        let error = try #require(throws: ConfigurationError.self) {
            try CoordinatorConfiguration.parse(yaml: Self.yaml(yaml), file: Self.file)
        }
        #expect(error.key == key)
        #expect(error.line == 3)
        if let message { #expect(error.description == "\(Self.file):3: \(key): \(message)") }
    }
}
