import AuditCore
import Foundation
import Testing
@testable import AuditCoordinator

/// The combine claim (`combine_claim`): of several replicas sharing the store one combines an
/// audit, and a combine whose replica stopped renewing its lease is taken over. Times are the
/// store's wall-clock arguments; the expected leases are computed here from `t0`.
@Suite("Store: combine claims", .bothStoreBackends)
struct CombineClaimTests {
    let t0 = StoreFixture.t0
    let lease = Duration.seconds(30)
    let alive = ReplicaID("replica-alive"), dead = ReplicaID("replica-dead")

    /// An audit over a and b with both results in: combining, no claim yet.
    func combiningStore() async throws -> Store {
        let store = try await StoreFixture.store(sites: ["a", "b"])
        try await store.createAudit(StoreFixture.audit(sites: ["a", "b"], minSites: 2, requiredSites: []), at: t0)
        for site in ["a", "b"] {
            _ = try await store.recordSubmission(task: TaskID(stringLiteral: "audit-1-\(site)"), idempotencyKey: "k-\(site)",
                                                 bodySHA256: "sha-\(site)", payload: Data("{}".utf8), at: t0)
        }
        #expect(try await store.audit(id: "audit-1")?.state == .combining)
        return store
    }

    @Test func oneReplicaHoldsTheClaimUntilItsLeaseLapses() async throws {
        let store = try await combiningStore()
        #expect(try await store.unclaimedCombines(at: t0) == ["audit-1"])

        let first = try await store.claimCombine("audit-1", holder: dead, at: t0, lease: lease)
        #expect(first == CombineClaim(auditID: "audit-1", holder: "replica-dead", claimedAt: t0, leaseUntil: t0.addingTimeInterval(30), attempts: 1))
        #expect(try await store.unclaimedCombines(at: t0.addingTimeInterval(29)).isEmpty)
        // Another replica is refused while the lease holds, and nothing changes.
        #expect(try await store.claimCombine("audit-1", holder: alive, at: t0.addingTimeInterval(29), lease: lease) == nil)
        #expect(try await store.combineClaim(of: "audit-1") == first)

        // The holder's heartbeat moves the lease on.
        #expect(try await store.renewCombineClaim("audit-1", holder: dead, at: t0.addingTimeInterval(20), lease: lease))
        #expect(try await store.combineClaim(of: "audit-1")?.leaseUntil == t0.addingTimeInterval(50))
        #expect(try await store.claimCombine("audit-1", holder: alive, at: t0.addingTimeInterval(49), lease: lease) == nil)

        // No heartbeat past the lease: the combine is listed for the sweep and taken over.
        #expect(try await store.unclaimedCombines(at: t0.addingTimeInterval(50)) == ["audit-1"])
        let taken = try await store.claimCombine("audit-1", holder: alive, at: t0.addingTimeInterval(51), lease: lease)
        #expect(taken == CombineClaim(auditID: "audit-1", holder: "replica-alive", claimedAt: t0.addingTimeInterval(51),
                                      leaseUntil: t0.addingTimeInterval(81), attempts: 2))
        // The replica that lost it cannot renew it (its heartbeat learns it lost the claim).
        #expect(try await store.renewCombineClaim("audit-1", holder: dead, at: t0.addingTimeInterval(52), lease: lease) == false)
        #expect(try await store.combineClaim(of: "audit-1") == taken)
    }

    @Test func theHolderReclaimsWithoutCountingAnAttempt() async throws {
        let store = try await combiningStore()
        _ = try await store.claimCombine("audit-1", holder: alive, at: t0, lease: lease)
        let again = try await store.claimCombine("audit-1", holder: alive, at: t0.addingTimeInterval(5), lease: lease)
        #expect(again == CombineClaim(auditID: "audit-1", holder: "replica-alive", claimedAt: t0, leaseUntil: t0.addingTimeInterval(35), attempts: 1))
    }

    @Test func onlyACombiningAuditCanBeClaimed() async throws {
        let store = try await StoreFixture.store(sites: ["a", "b"])
        try await store.createAudit(StoreFixture.audit(sites: ["a", "b"], minSites: 2, requiredSites: []), at: t0)
        #expect(try await store.claimCombine("audit-1", holder: alive, at: t0, lease: lease) == nil)
        #expect(try await store.claimCombine("no-such-audit", holder: alive, at: t0, lease: lease) == nil)
        #expect(try await StoreFixture.count("combine_claim", in: store) == 0)

        // Once the result is stored the audit is final: no new claim, and it is not listed.
        let combining = try await combiningStore()
        _ = try await combining.claimCombine("audit-1", holder: alive, at: t0, lease: lease)
        try await combining.storeResult(auditID: "audit-1", resultJSON: "{}", at: t0.addingTimeInterval(1))
        #expect(try await combining.claimCombine("audit-1", holder: dead, at: t0.addingTimeInterval(99), lease: lease) == nil)
        #expect(try await combining.unclaimedCombines(at: t0.addingTimeInterval(99)).isEmpty)
        // A second combiner that finishes late stores nothing: the machine accepts `combineSucceeded` once.
        await expectStoreError(.illegalTransition) {
            try await combining.storeResult(auditID: "audit-1", resultJSON: #"{"late":true}"#, at: t0.addingTimeInterval(2))
        }
        #expect(try await combining.audit(id: "audit-1")?.resultJSON == "{}")
        #expect(try await combining.events(of: "audit-1").filter { $0.kind == .auditComplete }.count == 1)
    }

    /// Retention deletes a finished audit with its claim (the claim cascades with the audit row).
    @Test func retentionDeletesAFinishedAuditWithItsClaim() async throws {
        let store = try await combiningStore()
        _ = try await store.claimCombine("audit-1", holder: alive, at: t0, lease: lease)
        try await store.storeResult(auditID: "audit-1", resultJSON: "{}", at: t0)
        let outcome = try await store.applyRetention(RetentionPolicy(audits: .seconds(60)), now: t0.addingTimeInterval(3600))
        #expect(outcome.audits == 1)
        #expect(try await StoreFixture.count("combine_claim", in: store) == 0)
        #expect(try await store.audit(id: "audit-1") == nil)
    }

    /// Two store handles on one SQLite file, as two replica processes on one machine: claims race
    /// and exactly one wins each round.
    @Test func concurrentClaimsFromTwoHandlesGrantOne() async throws {
        do {
            let open = try await StoreFixture.durableStore()
            let one = try await open()
            let two = try await open()
            for site: SiteID in ["a", "b"] { try await one.registerSite(id: site, fingerprint: "fp-\(site)", at: t0) }
            try await one.createAudit(StoreFixture.audit(sites: ["a", "b"], minSites: 2, requiredSites: []), at: t0)
            for site in ["a", "b"] {
                _ = try await two.recordSubmission(task: TaskID(stringLiteral: "audit-1-\(site)"), idempotencyKey: "k", bodySHA256: "s-\(site)",
                                                   payload: Data("{}".utf8), at: t0)
            }
            for round in 0..<20 {
                let time = t0.addingTimeInterval(Double(round) * 31)
                async let a = one.claimCombine("audit-1", holder: ReplicaID("one"), at: time, lease: lease)
                async let b = two.claimCombine("audit-1", holder: ReplicaID("two"), at: time, lease: lease)
                let granted = [try await a, try await b].compactMap { $0 }
                // Each round grants one: the earlier lease has lapsed, so whichever transaction runs
                // first takes (or re-takes) the claim and the other finds a live lease.
                #expect(granted.count == 1, "round \(round): \(granted)")
            }
            #expect(try await StoreFixture.count("combine_claim", in: one) == 1)
        }
    }
}
