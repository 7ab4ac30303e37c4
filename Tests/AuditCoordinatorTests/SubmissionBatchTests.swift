import AuditCore
import Foundation
import Testing
@testable import AuditCoordinator

/// Uploads stored in one batch (``Store/recordSubmissions(_:at:)``, used by
/// ``StoreBatcher/submissions(store:clock:)``) must leave the store exactly as the same uploads stored
/// one transaction each, in order: the oracle is that sequence, run on a second store, with the
/// expected outcome of each upload also written out here.
@Suite("Store: result uploads in one batch", .bothStoreBackends)
struct SubmissionBatchTests {
    let t0 = StoreFixture.t0

    /// audit-1 over a, b, c, delivered; audit-2 over the same sites, cancelled.
    func prepared() async throws -> Store {
        let store = try await StoreFixture.twoAuditsSecondCancelled()
        _ = try await store.markDelivered(tasks: ["audit-1-a", "audit-1-b", "audit-1-c"], at: t0)
        return store
    }

    func upload(_ task: TaskID, _ body: String, _ second: Int) -> NewSubmission {
        NewSubmission(task: task, idempotencyKey: "key-\(body)", bodySHA256: "sha-\(body)", payload: Data("{\"b\":\"\(body)\"}".utf8),
                      receivedAt: t0.addingTimeInterval(Double(second)))
    }

    /// A short, comparable form of an outcome.
    func describe(_ outcome: Result<SubmissionOutcome, StoreError>) -> String {
        switch outcome {
        case .success(.stored(let applied)): "stored \(applied.machine.state.rawValue) \(applied.actions.count) actions"
        case .success(.duplicate(let at)): "duplicate \(Int(at.timeIntervalSince(t0)))"
        case .success(.conflict): "conflict"
        case .failure(let error): "\(error.code): \(error.message)"
        }
    }

    @Test func aBatchLeavesWhatOneTransactionPerUploadLeaves() async throws {
        let uploads = [upload("audit-1-a", "x1", 1), upload("audit-2-a", "z", 2), upload("audit-1-a", "x1", 3),
                       upload("audit-1-b", "y", 4), upload("audit-1-a", "x2", 5), upload("nope", "n", 6), upload("audit-1-c", "w", 7)]
        let batched = try await prepared(), single = try await prepared()
        let at = t0.addingTimeInterval(10)
        let outcomes = try await batched.recordSubmissions(uploads, at: at).map(describe)
        var oracle: [String] = []
        for upload in uploads { oracle.append(describe(try await single.recordSubmissions([upload], at: at)[0])) }
        #expect(outcomes == oracle)
        #expect(outcomes[0].hasPrefix("stored collecting"))
        #expect(outcomes[1].hasPrefix("illegal_transition"))
        #expect(outcomes[2] == "duplicate 1", "the repeat within the batch finds the first upload's time")
        #expect(outcomes[3].hasPrefix("stored collecting"))
        #expect(outcomes[4] == "conflict")
        #expect(outcomes[5] == "not_found: task \(TaskID(stringLiteral: "nope")) not found")
        #expect(outcomes[6].hasPrefix("stored combining"), "the last site's result starts the combine")
        for audit: AuditID in ["audit-1", "audit-2"] {
            #expect(try await batched.tasks(of: audit) == (try await single.tasks(of: audit)))
            #expect(try await batched.audit(id: audit)?.state == (try await single.audit(id: audit)?.state))
            let events = try await batched.events(of: audit).map { [$0.kind.rawValue, $0.siteID?.rawValue ?? "", $0.detail] }
            let expected = try await single.events(of: audit).map { [$0.kind.rawValue, $0.siteID?.rawValue ?? "", $0.detail] }
            #expect(events == expected)
            #expect(try await batched.submissions(of: audit) == (try await single.submissions(of: audit)))
        }
        let stored = try await batched.submissions(of: "audit-1")
        #expect(stored.map(\.bodySHA256).sorted() == ["sha-w", "sha-x1", "sha-y"])
        #expect(stored.map { Int($0.receivedAt.timeIntervalSince(t0)) }.sorted() == [1, 4, 7], "each upload keeps its own arrival time")
        #expect(try await batched.audit(id: "audit-1")?.state == .combining)
    }

    @Test func concurrentUploadsThroughTheBatcherEachGetTheirOwnOutcome() async throws {
        let store = try await prepared()
        let batcher = StoreBatcher.submissions(store: store, clock: .system)
        let uploads = [upload("audit-1-a", "x", 1), upload("audit-1-b", "y", 2), upload("audit-2-b", "z", 3), upload("audit-1-c", "w", 4)]
        let outcomes = await withTaskGroup(of: (Int, String).self) { group in
            for (index, upload) in uploads.enumerated() {
                group.addTask {
                    do {
                        return switch try await batcher.call(upload) {
                        case .stored: (index, "stored")
                        case .duplicate: (index, "duplicate")
                        case .conflict: (index, "conflict")
                        }
                    } catch { return (index, "error") }
                }
            }
            var all = [String](repeating: "", count: uploads.count)
            for await (index, outcome) in group { all[index] = outcome }
            return all
        }
        #expect(outcomes == ["stored", "stored", "error", "stored"])
        #expect(try await store.submissions(of: "audit-1").count == 3)
        #expect(try await store.submissions(of: "audit-2").isEmpty)
        #expect(try await store.audit(id: "audit-1")?.state == .combining)
    }
}
