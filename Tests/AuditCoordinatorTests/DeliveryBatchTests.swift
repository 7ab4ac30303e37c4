import AuditCore
import Foundation
import Testing
@testable import AuditCoordinator

/// Deliveries written in one batch (``Store/markDelivered(tasks:at:)``, used by ``StoreBatcher/deliveries(store:clock:)``)
/// must leave the store exactly as the same deliveries written one transaction each. The oracle is
/// that single-delivery path (``Store/markDelivered(task:at:)``), run on a second store.
@Suite("Store: deliveries in one batch", .bothStoreBackends)
struct DeliveryBatchTests {
    let t0 = StoreFixture.t0

    /// Two audits over the same sites, the second cancelled, so a batch spans audits and holds a rejection.
    func prepared() async throws -> Store {
        try await StoreFixture.twoAuditsSecondCancelled()
    }

    @Test func aBatchLeavesWhatOneTransactionPerDeliveryLeaves() async throws {
        let order: [TaskID] = ["audit-1-b", "audit-2-a", "audit-1-a", "audit-1-b", "nope", "audit-1-c"]
        let batched = try await prepared(), single = try await prepared()
        let at = t0.addingTimeInterval(1)

        let outcomes = try await batched.markDelivered(tasks: order, at: at)
        #expect(outcomes.count == order.count)
        for (task, outcome) in zip(order, outcomes) {
            var expected: Result<AppliedTransition, StoreError>
            do { expected = .success(try await single.markDelivered(task: task, at: at)) } catch let error as StoreError {
                expected = .failure(error)
            }
            switch (outcome, expected) {
            case let (.success(got), .success(want)):
                #expect(got.machine == want.machine, "\(task)")
                #expect(got.actions == want.actions, "\(task)")
            case let (.failure(got), .failure(want)):
                #expect(got.code == want.code, "\(task)")
                #expect(got.message == want.message, "\(task)")
            default:
                Issue.record("\(task): batch \(outcome), one by one \(expected)")
            }
        }
        // The rejections are the cancelled audit's task and the unknown id; the repeat is a no-op.
        #expect(outcomes.filter { if case .failure = $0 { true } else { false } }.count == 2)
        for audit: AuditID in ["audit-1", "audit-2"] {
            #expect(try await batched.tasks(of: audit) == (try await single.tasks(of: audit)))
            #expect(try await batched.audit(id: audit)?.state == (try await single.audit(id: audit)?.state))
            let events = try await batched.events(of: audit).map { [$0.kind.rawValue, $0.siteID?.rawValue ?? "", $0.detail] }
            let oracle = try await single.events(of: audit).map { [$0.kind.rawValue, $0.siteID?.rawValue ?? "", $0.detail] }
            #expect(events == oracle)
        }
        #expect(try await batched.tasks(of: "audit-1").map(\.state) == [.delivered, .delivered, .delivered])
    }

    @Test func concurrentPollsThroughTheBatcherEachGetTheirOwnOutcome() async throws {
        let store = try await prepared()
        let batcher = StoreBatcher.deliveries(store: store, clock: .system)
        let tasks: [TaskID] = ["audit-1-a", "audit-1-b", "audit-1-c", "audit-2-b", "audit-1-a"]
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for (index, task) in tasks.enumerated() {
                group.addTask { (index, (try? await batcher.call(task)) != nil) }
            }
            var all = [Bool](repeating: false, count: tasks.count)
            for await (index, ok) in group { all[index] = ok }
            return all
        }
        #expect(outcomes == [true, true, true, false, true])
        #expect(try await store.tasks(of: "audit-1").map(\.state) == [.delivered, .delivered, .delivered])
        #expect(try await store.tasks(of: "audit-2").map(\.state) == [.cancelled, .cancelled, .cancelled])
        // Each delivery is one event, however the polls were batched.
        #expect(try await store.events(of: "audit-1").filter { $0.kind == .taskDelivered }.count == 3)
    }
}
