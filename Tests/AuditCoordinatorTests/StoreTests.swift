import AuditCore
import Foundation
import Testing
@testable import AuditCoordinator

/// Expects `body` to throw a ``StoreError`` with `code`, and returns it.
@discardableResult
func expectStoreError<T>(_ code: StoreError.Code, sourceLocation: SourceLocation = #_sourceLocation,
                         _ body: () async throws -> T) async -> StoreError? {
    do {
        _ = try await body()
        Issue.record("expected \(code), got success", sourceLocation: sourceLocation)
    } catch let error as StoreError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

@Suite("Store: sites and audits", .bothStoreBackends)
struct StoreTests {
    let t0 = StoreFixture.t0

    @Test func registerListAndLookUpSites() async throws {
        let store = try await StoreFixture.store(sites: ["b", "a"])
        let sites = try await store.sites()
        #expect(sites.map(\.id) == ["a", "b"])
        #expect(sites[0] == SiteRecord(id: "a", fingerprint: "fp-a", status: .active, addedAt: t0))
        #expect(try await store.site(forFingerprint: "fp-b")?.id == "b")
        #expect(try await store.site(forFingerprint: "fp-zzz") == nil)
        #expect(try await store.events(ofSite: "a").map(\.kind) == [.siteRegistered])
    }

    @Test func duplicateIdOrFingerprintIsRejected() async throws {
        let store = try await StoreFixture.store(sites: ["a"])
        await expectStoreError(.duplicateSite) { try await store.registerSite(id: "a", fingerprint: "fp-new", at: t0) }
        let error = await expectStoreError(.duplicateFingerprint) {
            try await store.registerSite(id: "b", fingerprint: "fp-a", at: t0)
        }
        #expect(error?.message.contains("site a") == true)
        #expect(try await store.sites().count == 1)
    }

    @Test func registeringAgainIsIdempotentAndAnotherCertificateNeedsRevocationFirst() async throws {
        let store = try await StoreFixture.store(sites: ["a"])
        let again = try await store.registerSite(id: "a", fingerprint: "fp-a", at: t0.addingTimeInterval(5))
        #expect(again.created == false && again.record.addedAt == t0)
        let error = await expectStoreError(.duplicateSite) { try await store.registerSite(id: "a", fingerprint: "fp-new", at: t0) }
        #expect(error?.message.contains("revoke it first") == true)
        #expect(try await store.events(ofSite: "a").map(\.kind) == [.siteRegistered])
    }

    @Test func aRevokedSiteRotatesToANewCertificateAndTheOldOneStaysRevoked() async throws {
        let store = try await StoreFixture.store(sites: ["a"])
        try await store.revokeSite(id: "a", at: t0.addingTimeInterval(60))
        let rotated = try await store.registerSite(id: "a", fingerprint: "fp-a2", at: t0.addingTimeInterval(120))
        #expect(rotated.created && rotated.record.status == .active)
        #expect(try await store.site(forFingerprint: "fp-a2")?.id == "a")
        #expect(try await store.site(forFingerprint: "fp-a") == nil)
        #expect(try await store.isRevoked(fingerprint: "fp-a"))
        #expect(try await !store.isRevoked(fingerprint: "fp-a2"))
        // The old certificate can be registered by no site, not even its own.
        await expectStoreError(.duplicateFingerprint) { try await store.registerSite(id: "b", fingerprint: "fp-a", at: t0) }
        try await store.revokeSite(id: "a", at: t0.addingTimeInterval(180))
        await expectStoreError(.duplicateFingerprint) { try await store.registerSite(id: "a", fingerprint: "fp-a", at: t0) }
        #expect(try await store.events(ofSite: "a").map(\.kind) == [.siteRegistered, .siteRevoked, .siteRegistered, .siteRevoked])
    }

    @Test func revokedSiteIsNoLongerFoundAsActive() async throws {
        let store = try await StoreFixture.store(sites: ["a"])
        let later = t0.addingTimeInterval(60)
        try await store.revokeSite(id: "a", at: later)
        #expect(try await store.site(forFingerprint: "fp-a") == nil)
        let revoked = try #require(try await store.site(forFingerprint: "fp-a", includeRevoked: true))
        #expect(revoked.status == .revoked)
        #expect(revoked.revokedAt == later)
        // Its fingerprint stays taken, and revoking again changes nothing.
        await expectStoreError(.duplicateFingerprint) { try await store.registerSite(id: "a2", fingerprint: "fp-a", at: later) }
        #expect(try await store.revokeSite(id: "a", at: later).isEmpty)
        #expect(try await store.events(ofSite: "a").map(\.kind) == [.siteRegistered, .siteRevoked])
        await expectStoreError(.notFound) { try await store.revokeSite(id: "zzz", at: later) }
    }

    @Test func touchRecordsContact() async throws {
        let store = try await StoreFixture.store(sites: ["a"])
        let later = t0.addingTimeInterval(5)
        try await store.touch(site: "a", agentVersion: "0.3.1", policyJSON: #"{"min_cell":5}"#, at: later)
        let site = try #require(try await store.site(id: "a"))
        #expect(site.lastContactAt == later)
        #expect(site.agentVersion == "0.3.1")
        #expect(site.policyJSON == #"{"min_cell":5}"#)
        // A later poll updates the contact time and keeps the build and policy reported at hello.
        let poll = later.addingTimeInterval(5)
        try await store.touch(site: "a", agentVersion: nil, policyJSON: nil, at: poll)
        let polled = try #require(try await store.site(id: "a"))
        #expect(polled.lastContactAt == poll && polled.agentVersion == "0.3.1" && polled.policyJSON == #"{"min_cell":5}"#)
        await expectStoreError(.notFound) { try await store.touch(site: "zzz", agentVersion: nil, policyJSON: nil, at: later) }
    }

    @Test func createAuditRoundTrip() async throws {
        let store = try await StoreFixture.store()
        let applied = try await store.createAudit(StoreFixture.audit(rootSeed: .max), at: t0)
        #expect(applied.state == .dispatched)
        #expect(applied.actions.contains(.notify(.tasksAvailable(["a", "b", "c"]))))

        let audit = try #require(try await store.audit(id: "audit-1"))
        #expect(audit == AuditRecord(id: "audit-1", name: "sepsis fairness", specYAML: "fairuse: 1\noutcome: died\n",
                                     specSHA256: "spec-sha", state: .dispatched, minSites: 2, requiredSites: ["a"],
                                     deadline: StoreFixture.deadline, createdAt: t0, updatedAt: t0,
                                     rootSeed: .max, resultJSON: nil, failure: nil))
        #expect(try await store.audits() == [audit])
        let tasks = try await store.tasks(of: "audit-1")
        #expect(tasks.map(\.id) == ["audit-1-a", "audit-1-b", "audit-1-c"])
        #expect(tasks.allSatisfy { $0.state == .queued && $0.round == 1 && $0.updatedAt == t0 })
        #expect(try await store.task(id: "audit-1-b")?.siteID == "b")
        #expect(try await store.events(of: "audit-1").map(\.kind) == [.auditLaunched])
    }

    @Test func createAuditChecksSitesAndLaunchWithoutWriting() async throws {
        let store = try await StoreFixture.store(sites: ["a", "b"])
        await expectStoreError(.notFound) { try await store.createAudit(StoreFixture.audit(sites: ["a", "zzz"]), at: t0) }
        try await store.revokeSite(id: "b", at: t0)
        await expectStoreError(.invalidArgument) { try await store.createAudit(StoreFixture.audit(sites: ["a", "b"]), at: t0) }
        let bad = await expectStoreError(.invalidArgument) {
            try await store.createAudit(StoreFixture.audit(sites: ["a"], minSites: 2, requiredSites: []), at: t0)
        }
        #expect(bad?.transition == .invalidLaunch)
        #expect(try await store.audits().isEmpty)
        #expect(try await StoreFixture.count("site_task", in: store) == 0)

        try await store.createAudit(StoreFixture.audit(sites: ["a"], minSites: 1, requiredSites: []), at: t0)
        await expectStoreError(.duplicateAudit) {
            try await store.createAudit(StoreFixture.audit(sites: ["a"], minSites: 1, requiredSites: []), at: t0)
        }
    }

    @Test func openTasksFollowTheLifecycle() async throws {
        let store = try await StoreFixture.store()
        try await store.createAudit(StoreFixture.audit(), at: t0)
        #expect(try await store.openTasks(for: "a").map(\.task.id) == ["audit-1-a"])
        #expect(try await store.openTasks(for: "a").first?.audit.specSHA256 == "spec-sha")

        try await store.markDelivered(task: "audit-1-a", at: t0.addingTimeInterval(1))
        let eventsAfterDelivery = try await store.events(of: "audit-1").count
        let again = try await store.markDelivered(task: "audit-1-a", at: t0.addingTimeInterval(2))
        #expect(again.actions.isEmpty)
        #expect(try await store.events(of: "audit-1").count == eventsAfterDelivery)
        #expect(try await store.openTasks(for: "a").map(\.task.state) == [.delivered])

        try await store.markAccepted(task: "audit-1-a", at: t0.addingTimeInterval(3))
        _ = try await store.recordSubmission(task: "audit-1-a", idempotencyKey: "k", bodySHA256: "h", payload: Data("{}".utf8),
                                             at: t0.addingTimeInterval(4))
        #expect(try await store.openTasks(for: "a").isEmpty)
        #expect(try await store.openTasks(for: "b").count == 1)

        try await AuditLifecycle(store: store).apply(.cancelRequested, to: "audit-1", at: t0.addingTimeInterval(5))
        #expect(try await store.openTasks(for: "b").isEmpty)
        #expect(try await store.tasks(of: "audit-1").map(\.state) == [.submitted, .cancelled, .cancelled])
        await expectStoreError(.notFound) { try await store.markDelivered(task: "nope", at: t0) }
    }

    @Test func refusalIsIdempotentAndRevocationFailsOpenTasks() async throws {
        let store = try await StoreFixture.store()
        try await store.createAudit(StoreFixture.audit(minSites: 1), at: t0)
        let refused = try await store.recordRefusal(task: "audit-1-b", code: "policy", reason: "ece not allowed", at: t0)
        #expect(refused.machine.tasks[1].state == .refused)
        let events = try await store.events(of: "audit-1").count
        #expect(try await store.recordRefusal(task: "audit-1-b", code: "policy", reason: "ece not allowed", at: t0)
            .actions.isEmpty)
        #expect(try await store.events(of: "audit-1").count == events)
        let different = await expectStoreError(.illegalTransition) {
            try await store.recordRefusal(task: "audit-1-b", code: "policy", reason: "other", at: t0)
        }
        #expect(different?.transition == .taskClosed)

        let revoked = try await store.revokeSite(id: "c", at: t0.addingTimeInterval(9))
        #expect(revoked.map(\.auditID) == ["audit-1"])
        let task = try #require(try await store.task(id: "audit-1-c"))
        #expect(task.state == .failed)
        #expect(task.detail == "site revoked")
    }

    @Test func combineResultIsStoredWithTheFinalState() async throws {
        let store = try await StoreFixture.store()
        try await store.createAudit(StoreFixture.audit(), at: t0)
        var last: SubmissionOutcome?
        for site in ["a", "b", "c"] {
            last = try await store.recordSubmission(task: TaskID(stringLiteral: "audit-1-\(site)"), idempotencyKey: site, bodySHA256: "h-\(site)",
                                                    payload: Data(#"{"site":"\#(site)"}"#.utf8), at: t0.addingTimeInterval(10))
        }
        guard case let .stored(applied) = last else { Issue.record("not stored: \(String(describing: last))"); return }
        #expect(applied.state == .combining)
        #expect(applied.actions.contains(.startCombining(outcome: .complete, sites: ["a", "b", "c"])))

        let done = try await store.storeResult(auditID: "audit-1", resultJSON: #"{"pooled":true}"#, at: t0.addingTimeInterval(20))
        #expect(done.state == .complete)
        let audit = try #require(try await store.audit(id: "audit-1"))
        #expect(audit.resultJSON == #"{"pooled":true}"#)
        #expect(audit.updatedAt == t0.addingTimeInterval(20))
        #expect(try await store.openAudits().isEmpty)
        #expect(try await store.events(of: "audit-1").map(\.kind.rawValue) == [
            "audit_launched", "audit_collecting", "task_submitted", "task_submitted", "task_submitted",
            "audit_combining", "audit_complete",
        ])
        await expectStoreError(.illegalTransition) {
            try await store.storeResult(auditID: "audit-1", resultJSON: "{}", at: t0.addingTimeInterval(30))
        }
        #expect(try await store.audit(id: "audit-1")?.resultJSON == #"{"pooled":true}"#)
    }

    @Test func resultAfterCancelIsRejectedAndNotStored() async throws {
        let store = try await StoreFixture.store(sites: ["a"])
        try await store.createAudit(StoreFixture.audit(sites: ["a"], minSites: 1), at: t0)
        _ = try await store.recordSubmission(task: "audit-1-a", idempotencyKey: "k", bodySHA256: "h", payload: Data(), at: t0)
        let lifecycle = AuditLifecycle(store: store)
        #expect(try await lifecycle.machine(for: "audit-1").state == .combining)
        try await lifecycle.apply(.cancelRequested, to: "audit-1", at: t0.addingTimeInterval(1))
        let error = await expectStoreError(.illegalTransition) {
            try await store.storeResult(auditID: "audit-1", resultJSON: "{}", at: t0.addingTimeInterval(2))
        }
        #expect(error?.transition == .auditClosed)
        #expect(try await store.audit(id: "audit-1")?.resultJSON == nil)
        #expect(try await store.audit(id: "audit-1")?.state == .cancelled)
        await expectStoreError(.notFound) { try await lifecycle.apply(.cancelRequested, to: "nope", at: t0) }
    }

    @Test func everyRecordedEventIsPersisted() async throws {
        let store = try await StoreFixture.store()
        let lifecycle = AuditLifecycle(store: store)
        var logged = try await lifecycle.launch(StoreFixture.audit(), at: t0).actions
        logged += try await store.markDelivered(task: "audit-1-a", at: t0).actions
        logged += try await store.recordRefusal(task: "audit-1-b", code: "policy", reason: "no", at: t0).actions
        logged += try await store.recordFailure(task: "audit-1-c", reason: "crashed", at: t0).actions
        let entries = logged.compactMap { if case let .recordEvent(entry) = $0 { entry } else { nil } }
        let rows = try await store.events(of: "audit-1")
        #expect(rows.map(\.kind) == entries.map(\.kind))
        #expect(rows.map(\.siteID) == entries.map(\.site))
        #expect(rows.map(\.detail) == entries.map(\.detail))
        #expect(rows.first { $0.siteID == "b" }?.taskID == "audit-1-b")
        #expect(try await store.audit(id: "audit-1")?.state == .failed)
        #expect(try await store.audit(id: "audit-1")?.failure?.contains("refused: b") == true)
    }
}
