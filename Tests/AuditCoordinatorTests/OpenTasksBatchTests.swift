import AuditCore
import AuditSpec
import Foundation
import Testing
@testable import AuditCoordinator

/// The long polls' open-task reads in one snapshot (``Store/openTasks(forSites:)``, used by
/// ``StoreBatcher/openTasks(store:specs:)``): each site gets exactly its own open tasks, in launch
/// order. The expected lists are written out from the set-up, not read back through the store.
@Suite("Store: open tasks of many sites in one read", .bothStoreBackends)
struct OpenTasksBatchTests {
    let t0 = StoreFixture.t0

    /// audit-1 over a, b, c; audit-2 over the same sites, cancelled (nothing open); audit-3, later, over a and b.
    /// Each with a spec of its own that parses, so the batcher can put it in wire form.
    func prepared() async throws -> Store {
        let store = try await StoreFixture.store()
        func withSpec(_ audit: NewAudit) -> NewAudit {
            var audit = audit
            let spec = AuditSpec(name: "open tasks \(audit.id)", outcome: OutcomeSpec(column: "died"), groups: [GroupAttributeSpec(column: "sex")])
            audit.spec = spec
            audit.specYAML = spec.yaml()
            return audit
        }
        try await store.createAudit(withSpec(StoreFixture.audit("audit-1")), at: t0)
        try await store.createAudit(withSpec(StoreFixture.audit("audit-2", minSites: 1, requiredSites: [])), at: t0)
        try await AuditLifecycle(store: store).apply(.cancelRequested, to: "audit-2", at: t0)
        try await store.createAudit(withSpec(StoreFixture.audit("audit-3", sites: ["a", "b"], minSites: 1, requiredSites: [])),
                                    at: t0.addingTimeInterval(5))
        return store
    }

    @Test func eachSiteGetsItsOwnOpenTasksInLaunchOrder() async throws {
        let store = try await prepared()
        let sites: [SiteID] = ["b", "a", "b", "nobody", "c"]
        let lists = try await store.openTasks(forSites: sites)
        #expect(lists.map { $0.map(\.task.id) } == ids([
            ["audit-1-b", "audit-3-b"], ["audit-1-a", "audit-3-a"], ["audit-1-b", "audit-3-b"], [], ["audit-1-c"],
        ]))
        for (site, list) in zip(sites, lists) {
            #expect(list.allSatisfy { $0.task.siteID == site && $0.task.auditID == $0.audit.id && $0.audit.state == .dispatched })
        }
        #expect(try await store.openTasks(forSites: []).isEmpty)
        // A closed task is no longer open: c's task of audit-1 delivered, then failed.
        _ = try await store.markDelivered(task: "audit-1-c", at: t0.addingTimeInterval(6))
        _ = try await store.recordFailure(task: "audit-1-c", reason: "site said no", at: t0.addingTimeInterval(7))
        #expect(try await store.openTasks(forSites: ["c", "a"]).map { $0.map(\.task.id) } == ids([[], ["audit-1-a", "audit-3-a"]]))
    }

    @Test func concurrentPollsThroughTheBatcherEachGetTheirOwnList() async throws {
        let store = try await prepared()
        let specs = LaunchedSpecs()
        let batcher = StoreBatcher.openTasks(store: store, specs: specs)
        let sites: [SiteID] = ["a", "b", "c", "a", "nobody", "b"]
        let lists = try await withThrowingTaskGroup(of: (Int, [TaskID]).self) { group in
            for (index, site) in sites.enumerated() {
                group.addTask { (index, try await batcher.call(site).map(\.task.id)) }
            }
            var all = [[TaskID]](repeating: [], count: sites.count)
            for try await (index, ids) in group { all[index] = ids }
            return all
        }
        #expect(lists == ids([["audit-1-a", "audit-3-a"], ["audit-1-b", "audit-3-b"], ["audit-1-c"],
                              ["audit-1-a", "audit-3-a"], [], ["audit-1-b", "audit-3-b"]]))
        // The batch put the audits' specs in wire form once, before the polls asked.
        #expect(specs.count == 2)
    }

    /// The fixture's task ids (``StoreFixture/audit(_:sites:minSites:requiredSites:rootSeed:)`` names them "AUDIT-SITE").
    func ids(_ names: [[String]]) -> [[TaskID]] {
        names.map { $0.map { TaskID(stringLiteral: $0) } }
    }
}

@Suite("IN lists in chunks padded to powers of two")
struct InListChunkTests {
    @Test(arguments: [0, 1, 2, 3, 5, 200, 256, 257, 600])
    func chunksCoverTheIDsWithFewDistinctLengths(count: Int) {
        let ids = Array(0..<count)
        let chunks = inListChunks(ids)
        #expect(chunks.flatMap(\.ids).count >= count)
        var covered: [Int] = []
        for chunk in chunks {
            let n = chunk.ids.count
            #expect(n <= 256 && n & (n - 1) == 0, "length \(n) is a power of two")
            #expect(chunk.marks == Array(repeating: "?", count: n).joined(separator: ", "))
            let distinct = chunk.ids.reduce(into: [Int]()) { if $0.last != $1 { $0.append($1) } }
            covered += distinct
            #expect(Set(chunk.ids) == Set(distinct))
        }
        #expect(covered == ids, "every id once, in order, padding only repeats a chunk's last id")
    }
}
