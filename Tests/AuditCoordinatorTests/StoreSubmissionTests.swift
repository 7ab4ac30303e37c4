import AuditCore
import Foundation
import Testing
@testable import AuditCoordinator

@Suite("Store: submissions", .bothStoreBackends)
struct StoreSubmissionTests {
    let t0 = StoreFixture.t0
    let payload = Data(#"{"groups":[{"n":120}]}"#.utf8)

    @Test func firstSubmissionIsStoredWithTheTransition() async throws {
        let store = try await StoreFixture.store()
        try await store.createAudit(StoreFixture.audit(), at: t0)
        let outcome = try await store.recordSubmission(task: "audit-1-a", idempotencyKey: "key-1", bodySHA256: "sha-1",
                                                       payload: payload, at: t0.addingTimeInterval(10))
        guard case let .stored(applied) = outcome else { Issue.record("not stored: \(outcome)"); return }
        #expect(applied.state == .collecting)
        #expect(try await store.submissions(of: "audit-1") == [
            SubmissionRecord(taskID: "audit-1-a", idempotencyKey: "key-1", bodySHA256: "sha-1", payload: payload,
                             receivedAt: t0.addingTimeInterval(10)),
        ])
        #expect(try await store.task(id: "audit-1-a")?.state == .submitted)
        #expect(try await store.events(of: "audit-1").last?.kind == .taskSubmitted)
    }

    @Test func identicalBodyIsADuplicateAndWritesNothing() async throws {
        let store = try await StoreFixture.store()
        try await store.createAudit(StoreFixture.audit(), at: t0)
        _ = try await store.recordSubmission(task: "audit-1-a", idempotencyKey: "key-1", bodySHA256: "sha-1",
                                             payload: payload, at: t0.addingTimeInterval(10))
        let events = try await store.events(of: "audit-1")
        for key in ["key-1", "key-2"] {
            let again = try await store.recordSubmission(task: "audit-1-a", idempotencyKey: key, bodySHA256: "sha-1",
                                                         payload: payload, at: t0.addingTimeInterval(99))
            #expect(again == .duplicate(receivedAt: t0.addingTimeInterval(10)))
        }
        #expect(try await store.events(of: "audit-1") == events)
        #expect(try await store.submissions(of: "audit-1").map(\.receivedAt) == [t0.addingTimeInterval(10)])
    }

    @Test func differentBodyIsAConflictAndWritesNothing() async throws {
        let store = try await StoreFixture.store()
        try await store.createAudit(StoreFixture.audit(), at: t0)
        _ = try await store.recordSubmission(task: "audit-1-a", idempotencyKey: "key-1", bodySHA256: "sha-1",
                                             payload: payload, at: t0.addingTimeInterval(10))
        let before = (try await store.events(of: "audit-1"), try await store.submissions(of: "audit-1"),
                      try await store.tasks(of: "audit-1"), try await store.audit(id: "audit-1"))
        let outcome = try await store.recordSubmission(task: "audit-1-a", idempotencyKey: "key-1", bodySHA256: "sha-2",
                                                       payload: Data(#"{"groups":[]}"#.utf8), at: t0.addingTimeInterval(20))
        #expect(outcome == .conflict)
        let after = (try await store.events(of: "audit-1"), try await store.submissions(of: "audit-1"),
                     try await store.tasks(of: "audit-1"), try await store.audit(id: "audit-1"))
        #expect(after.0 == before.0)
        #expect(after.1 == before.1)
        #expect(after.2 == before.2)
        #expect(after.3 == before.3)
    }

    @Test func submissionToAClosedTaskIsRejectedWithoutWriting() async throws {
        let store = try await StoreFixture.store()
        try await store.createAudit(StoreFixture.audit(minSites: 1), at: t0)
        try await store.recordRefusal(task: "audit-1-b", code: "policy", reason: "no", at: t0)
        let events = try await store.events(of: "audit-1")
        let error = await expectStoreError(.illegalTransition) {
            try await store.recordSubmission(task: "audit-1-b", idempotencyKey: "k", bodySHA256: "secret-sha",
                                             payload: Data("PATIENT-VALUE".utf8), at: t0)
        }
        #expect(error?.transition == .taskClosed)
        #expect(error?.message.contains("PATIENT-VALUE") == false)
        #expect(try await store.submissions(of: "audit-1").isEmpty)
        #expect(try await store.events(of: "audit-1") == events)
        await expectStoreError(.notFound) {
            try await store.recordSubmission(task: "nope", idempotencyKey: "k", bodySHA256: "s", payload: Data(), at: t0)
        }
    }

    @Test func resendAfterTheAuditMovedOnIsStillADuplicate() async throws {
        let store = try await StoreFixture.store(sites: ["a", "b"])
        try await store.createAudit(StoreFixture.audit(sites: ["a", "b"], minSites: 1), at: t0)
        _ = try await store.recordSubmission(task: "audit-1-a", idempotencyKey: "k", bodySHA256: "s", payload: payload, at: t0)
        try await AuditLifecycle(store: store).apply(.cancelRequested, to: "audit-1", at: t0.addingTimeInterval(1))
        let again = try await store.recordSubmission(task: "audit-1-a", idempotencyKey: "k", bodySHA256: "s",
                                                     payload: payload, at: t0.addingTimeInterval(2))
        #expect(again == .duplicate(receivedAt: t0))
    }

    @Test func concurrentSubmissionsFromTwoTasksAreBothStored() async throws {
        do {
            let store = try await StoreFixture.durableStore()()
            for site: SiteID in ["a", "b"] { try await store.registerSite(id: site, fingerprint: "fp-\(site)", at: t0) }
            try await store.createAudit(StoreFixture.audit(sites: ["a", "b"], minSites: 2, requiredSites: []), at: t0)
            let outcomes = try await withThrowingTaskGroup(of: SubmissionOutcome.self) { group in
                for site in ["a", "b"] {
                    group.addTask {
                        try await store.recordSubmission(task: TaskID(stringLiteral: "audit-1-\(site)"), idempotencyKey: site,
                                                         bodySHA256: "sha-\(site)", payload: Data(site.utf8), at: t0)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let applied = outcomes.compactMap { if case let .stored(applied) = $0 { applied } else { nil } }
            #expect(applied.count == 2)
            // Exactly one of the two saw the audit settle, and asked for combining once.
            let combines = applied.flatMap(\.actions).filter { if case .startCombining = $0 { true } else { false } }
            #expect(combines == [.startCombining(outcome: .complete, sites: ["a", "b"])])
            #expect(try await store.submissions(of: "audit-1").map(\.taskID).sorted() == ["audit-1-a", "audit-1-b"])
            #expect(try await store.audit(id: "audit-1")?.state == .combining)
        }
    }

    @Test func manyConcurrentSubmissionsAndDuplicatesStayConsistent() async throws {
        let sites = (0..<12).map { SiteID(stringLiteral: "site-\($0)") }
        let store = try await StoreFixture.store(sites: sites)
        try await store.createAudit(StoreFixture.audit(sites: sites, minSites: 12, requiredSites: []), at: t0)
        let outcomes = try await withThrowingTaskGroup(of: SubmissionOutcome.self) { group in
            for site in sites + sites {  // every site twice, same body
                group.addTask {
                    try await store.recordSubmission(task: TaskID(stringLiteral: "audit-1-\(site)"), idempotencyKey: site.rawValue,
                                                     bodySHA256: "sha-\(site)", payload: Data(site.rawValue.utf8), at: t0)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let stored = outcomes.filter { if case .stored = $0 { true } else { false } }
        #expect(stored.count == 12)
        #expect(outcomes.filter { $0 == .duplicate(receivedAt: t0) }.count == 12)
        #expect(try await StoreFixture.count("submission", in: store) == 12)
        #expect(try await store.audit(id: "audit-1")?.state == .combining)
        #expect(try await store.events(of: "audit-1").filter { $0.kind == .auditCombining }.count == 1)
    }
}
