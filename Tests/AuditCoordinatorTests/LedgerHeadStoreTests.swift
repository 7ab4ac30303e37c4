import AuditCore
import AuditWire
import Foundation
import Testing
@testable import AuditCoordinator

/// ``Store/recordLedgerHead(_:site:at:)`` on both stores: heads only move forward, and the caller
/// is told the highest head held. The expected heads are written out here.
@Suite("Store: ledger heads", .bothStoreBackends)
struct LedgerHeadStoreTests {
    static func head(_ sequence: Int, _ fill: Character = "a") -> LedgerHead {
        LedgerHead(sequence: sequence, hash: String(repeating: fill, count: 64))
    }

    @Test func headsMoveForwardAndTheHighestIsReturned() async throws {
        let store = try await StoreFixture.store()
        let t0 = StoreFixture.t0
        #expect(try await store.recordLedgerHead(Self.head(3), site: "a", at: t0) == Self.head(3), "the first head is stored")
        #expect(try await store.recordLedgerHead(Self.head(5, "b"), site: "a", at: t0.addingTimeInterval(1)) == Self.head(5, "b"))
        #expect(try await store.recordLedgerHead(Self.head(4, "c"), site: "a", at: t0.addingTimeInterval(2)) == Self.head(5, "b"),
                "a stale head is told the stored one")
        #expect(try await store.recordLedgerHead(Self.head(5, "d"), site: "a", at: t0.addingTimeInterval(3)) == Self.head(5, "b"),
                "a repeat of the sequence changes nothing")
        #expect(try await store.recordLedgerHead(Self.head(1, "e"), site: "b", at: t0.addingTimeInterval(4)) == Self.head(1, "e"))
        let a = try await store.ledgerHead(site: "a")
        #expect(a?.head == Self.head(5, "b"))
        #expect(a?.receivedAt == t0.addingTimeInterval(1), "the time the stored head arrived")
        #expect(try await store.ledgerHead(site: "c") == nil)
        #expect(try await StoreFixture.count("ledger_head", in: store) == 2)
    }
}
