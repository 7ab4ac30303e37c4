import AuditCore
import Foundation
import Testing
@testable import AuditCoordinator

/// Shared times, launches and helpers for the state machine tests.
enum MachineFixture {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    static let deadline = t0.addingTimeInterval(3_600)

    /// Sites a, b, c; min_sites 2; a required.
    static let launch = AuditStateMachine.Event.launched(sites: ["a", "b", "c"], minSites: 2, requiredSites: ["a"],
                                                         deadline: deadline)

    /// Applies `events` in order to a new machine, failing the test on the first rejected one.
    static func machine(after events: [AuditStateMachine.Event]) throws -> AuditStateMachine {
        var machine = AuditStateMachine(auditID: "audit-1")
        for event in events {
            machine = try machine.apply(event, at: t0.addingTimeInterval(1)).get().machine
        }
        return machine
    }

    /// A compact, order-preserving rendering of actions, e.g. `log:task_refused@b`, `combine:partial(a,b)`.
    static func signature(_ actions: [AuditStateMachine.Action]) -> [String] {
        actions.map { action in
            switch action {
            case let .recordEvent(entry): "log:\(entry.kind)" + (entry.site.map { "@\($0)" } ?? "")
            case let .startCombining(outcome, sites): "combine:\(outcome.rawValue)(\(sites.map(\.rawValue).joined(separator: ",")))"
            case let .expireTasks(sites): "expire:\(sites.map(\.rawValue).joined(separator: ","))"
            case let .cancelTasks(sites): "cancel:\(sites.map(\.rawValue).joined(separator: ","))"
            case let .notify(.tasksAvailable(sites)): "notify:available(\(sites.map(\.rawValue).joined(separator: ",")))"
            case let .notify(.tasksWithdrawn(sites)): "notify:withdrawn(\(sites.map(\.rawValue).joined(separator: ",")))"
            case let .notify(.auditFinished(state)): "notify:finished(\(state.rawValue))"
            }
        }
    }
}

/// One row of the transition table: a history, an event, and what must follow.
struct TransitionCase: Sendable, CustomTestStringConvertible {
    var name: String
    var history: [AuditStateMachine.Event]
    var event: AuditStateMachine.Event
    var state: AuditState
    /// Expected task states after the event (only the sites listed are checked).
    var tasks: [SiteID: TaskState]
    var actions: [String]

    var testDescription: String { name }
}

private typealias E = AuditStateMachine.Event
private let launch = MachineFixture.launch
private let deadline = MachineFixture.deadline
private let t = MachineFixture.t0

private let transitionTable: [TransitionCase] = [
    TransitionCase(name: "created → dispatched on launch", history: [], event: launch, state: .dispatched,
                   tasks: ["a": .queued, "b": .queued, "c": .queued],
                   actions: ["log:audit_launched", "notify:available(a,b,c)"]),
    TransitionCase(name: "created → cancelled", history: [], event: .cancelRequested, state: .cancelled, tasks: [:],
                   actions: ["log:audit_cancelled", "notify:finished(cancelled)"]),
    TransitionCase(name: "dispatched → collecting on first delivery", history: [launch],
                   event: .taskDelivered(site: "a", at: t), state: .collecting, tasks: ["a": .delivered, "b": .queued],
                   actions: ["log:audit_collecting", "log:task_delivered@a"]),
    TransitionCase(name: "queued → delivered while collecting", history: [launch, .taskDelivered(site: "a", at: t)],
                   event: .taskDelivered(site: "b", at: t), state: .collecting, tasks: ["b": .delivered],
                   actions: ["log:task_delivered@b"]),
    TransitionCase(name: "re-delivery of a delivered task is a no-op",
                   history: [launch, .taskDelivered(site: "a", at: t)], event: .taskDelivered(site: "a", at: t),
                   state: .collecting, tasks: ["a": .delivered], actions: []),
    TransitionCase(name: "re-delivery of an accepted task is a no-op",
                   history: [launch, .taskAccepted(site: "a")], event: .taskDelivered(site: "a", at: t),
                   state: .collecting, tasks: ["a": .accepted], actions: []),
    TransitionCase(name: "queued → accepted (dispatched → collecting)", history: [launch],
                   event: .taskAccepted(site: "a"), state: .collecting, tasks: ["a": .accepted],
                   actions: ["log:audit_collecting", "log:task_accepted@a"]),
    TransitionCase(name: "delivered → accepted", history: [launch, .taskDelivered(site: "a", at: t)],
                   event: .taskAccepted(site: "a"), state: .collecting, tasks: ["a": .accepted],
                   actions: ["log:task_accepted@a"]),
    TransitionCase(name: "accepted twice is a no-op", history: [launch, .taskAccepted(site: "a")],
                   event: .taskAccepted(site: "a"), state: .collecting, tasks: ["a": .accepted], actions: []),
    TransitionCase(name: "accepted → submitted", history: [launch, .taskAccepted(site: "a")],
                   event: .resultSubmitted(site: "a"), state: .collecting, tasks: ["a": .submitted],
                   actions: ["log:task_submitted@a"]),
    TransitionCase(name: "queued → submitted (dispatched → collecting)", history: [launch],
                   event: .resultSubmitted(site: "a"), state: .collecting, tasks: ["a": .submitted],
                   actions: ["log:audit_collecting", "log:task_submitted@a"]),
    TransitionCase(name: "delivered → refused", history: [launch, .taskDelivered(site: "b", at: t)],
                   event: .taskRefused(site: "b", code: "policy", reason: "model class not allowed"),
                   state: .collecting, tasks: ["b": .refused], actions: ["log:task_refused@b"]),
    TransitionCase(name: "accepted → failed", history: [launch, .taskAccepted(site: "b")],
                   event: .taskFailed(site: "b", reason: "data did not validate"), state: .collecting,
                   tasks: ["b": .failed], actions: ["log:task_failed@b"]),
    TransitionCase(name: "last submission → combining (complete)",
                   history: [launch, .resultSubmitted(site: "a"), .resultSubmitted(site: "b")],
                   event: .resultSubmitted(site: "c"), state: .combining, tasks: ["c": .submitted],
                   actions: ["log:task_submitted@c", "log:audit_combining", "combine:complete(a,b,c)"]),
    TransitionCase(name: "last refusal, rule holds → combining (partial)",
                   history: [launch, .resultSubmitted(site: "a"), .resultSubmitted(site: "b")],
                   event: .taskRefused(site: "c", code: "policy", reason: "too few rows"), state: .combining,
                   tasks: ["c": .refused],
                   actions: ["log:task_refused@c", "log:audit_combining", "combine:partial(a,b)"]),
    TransitionCase(name: "all final, too few submitted → failed",
                   history: [launch, .resultSubmitted(site: "a"), .taskRefused(site: "b", code: "p", reason: "r")],
                   event: .taskFailed(site: "c", reason: "crashed"), state: .failed, tasks: ["c": .failed],
                   actions: ["log:task_failed@c", "log:audit_failed", "notify:finished(failed)"]),
    TransitionCase(name: "required site refuses → fails at once, open tasks cancelled", history: [launch],
                   event: .taskRefused(site: "a", code: "policy", reason: "metric not allowed"), state: .failed,
                   tasks: ["a": .refused, "b": .cancelled, "c": .cancelled],
                   actions: ["log:audit_collecting", "log:task_refused@a", "cancel:b,c", "log:task_cancelled@b",
                             "log:task_cancelled@c", "log:audit_failed", "notify:withdrawn(b,c)",
                             "notify:finished(failed)"]),
    TransitionCase(name: "min_sites out of reach → fails at once",
                   history: [launch, .taskRefused(site: "b", code: "p", reason: "r")],
                   event: .taskFailed(site: "c", reason: "crashed"), state: .failed,
                   tasks: ["a": .cancelled, "c": .failed],
                   actions: ["log:task_failed@c", "cancel:a", "log:task_cancelled@a", "log:audit_failed",
                             "notify:withdrawn(a)", "notify:finished(failed)"]),
    TransitionCase(name: "deadline, rule holds → open tasks expire, combining (partial)",
                   history: [launch, .resultSubmitted(site: "a"), .resultSubmitted(site: "b")],
                   event: .deadlinePassed(at: deadline), state: .combining, tasks: ["c": .expired],
                   actions: ["expire:c", "log:task_expired@c", "log:deadline_passed", "log:audit_combining",
                             "combine:partial(a,b)"]),
    TransitionCase(name: "deadline, too few submitted → failed",
                   history: [launch, .resultSubmitted(site: "a")],
                   event: .deadlinePassed(at: deadline.addingTimeInterval(5)), state: .failed,
                   tasks: ["b": .expired, "c": .expired],
                   actions: ["expire:b,c", "log:task_expired@b", "log:task_expired@c", "log:deadline_passed",
                             "log:audit_failed", "notify:finished(failed)"]),
    TransitionCase(name: "deadline, required site missing → failed",
                   history: [launch, .resultSubmitted(site: "b"), .resultSubmitted(site: "c")],
                   event: .deadlinePassed(at: deadline), state: .failed, tasks: ["a": .expired],
                   actions: ["expire:a", "log:task_expired@a", "log:deadline_passed", "log:audit_failed",
                             "notify:finished(failed)"]),
    TransitionCase(name: "dispatched → cancelled withdraws every task", history: [launch], event: .cancelRequested,
                   state: .cancelled, tasks: ["a": .cancelled, "b": .cancelled, "c": .cancelled],
                   actions: ["cancel:a,b,c", "log:task_cancelled@a", "log:task_cancelled@b", "log:task_cancelled@c",
                             "log:audit_cancelled", "notify:withdrawn(a,b,c)", "notify:finished(cancelled)"]),
    TransitionCase(name: "collecting → cancelled keeps submitted tasks",
                   history: [launch, .resultSubmitted(site: "a")], event: .cancelRequested, state: .cancelled,
                   tasks: ["a": .submitted, "b": .cancelled, "c": .cancelled],
                   actions: ["cancel:b,c", "log:task_cancelled@b", "log:task_cancelled@c", "log:audit_cancelled",
                             "notify:withdrawn(b,c)", "notify:finished(cancelled)"]),
    TransitionCase(name: "combining → complete",
                   history: [launch, .resultSubmitted(site: "a"), .resultSubmitted(site: "b"),
                             .resultSubmitted(site: "c")],
                   event: .combineSucceeded, state: .complete, tasks: [:],
                   actions: ["log:audit_complete", "notify:finished(complete)"]),
    TransitionCase(name: "combining → partial",
                   history: [launch, .resultSubmitted(site: "a"), .resultSubmitted(site: "b"),
                             .taskRefused(site: "c", code: "p", reason: "r")],
                   event: .combineSucceeded, state: .partial, tasks: [:],
                   actions: ["log:audit_partial", "notify:finished(partial)"]),
    TransitionCase(name: "combining → failed when the combiner fails",
                   history: [launch, .resultSubmitted(site: "a"), .resultSubmitted(site: "b"),
                             .resultSubmitted(site: "c")],
                   event: .combineFailed(reason: "site b: counts do not add up"), state: .failed, tasks: [:],
                   actions: ["log:audit_failed", "notify:finished(failed)"]),
    TransitionCase(name: "combining → cancelled",
                   history: [launch, .resultSubmitted(site: "a"), .resultSubmitted(site: "b"),
                             .resultSubmitted(site: "c")],
                   event: .cancelRequested, state: .cancelled, tasks: [:],
                   actions: ["log:audit_cancelled", "notify:finished(cancelled)"]),
    TransitionCase(name: "late deadline while combining is a no-op",
                   history: [launch, .resultSubmitted(site: "a"), .resultSubmitted(site: "b"),
                             .resultSubmitted(site: "c")],
                   event: .deadlinePassed(at: deadline), state: .combining, tasks: [:], actions: []),
    TransitionCase(name: "late deadline after completion is a no-op",
                   history: [launch, .resultSubmitted(site: "a"), .resultSubmitted(site: "b"),
                             .resultSubmitted(site: "c"), .combineSucceeded],
                   event: .deadlinePassed(at: deadline), state: .complete, tasks: [:], actions: []),
]

@Suite("AuditStateMachine transitions")
struct AuditStateMachineTests {
    @Test("every row of the transition table", arguments: transitionTable)
    func transition(_ row: TransitionCase) throws {
        let before = try MachineFixture.machine(after: row.history)
        let transition = try before.apply(row.event, at: MachineFixture.t0.addingTimeInterval(2)).get()
        #expect(transition.machine.state == row.state)
        #expect(MachineFixture.signature(transition.actions) == row.actions)
        for (site, expected) in row.tasks {
            let task = try #require(transition.machine.tasks.first { $0.site == site })
            #expect(task.state == expected, "site \(site)")
        }
        if row.actions.isEmpty { #expect(transition.machine == before) }
    }

    @Test func applyDoesNotMutateTheReceiver() throws {
        let machine = try MachineFixture.machine(after: [launch])
        let copy = machine
        _ = machine.apply(.resultSubmitted(site: "a"), at: MachineFixture.t0)
        #expect(machine == copy)
    }

    @Test func launchRecordsTheRule() throws {
        let machine = try MachineFixture.machine(after: [launch])
        #expect(machine.minSites == 2)
        #expect(machine.requiredSites == ["a"])
        #expect(machine.deadline == deadline)
        #expect(machine.tasks.map(\.site) == ["a", "b", "c"])
    }

    @Test func refusalKeepsCodeAndReason() throws {
        let machine = try MachineFixture.machine(after: [launch, .taskRefused(site: "b", code: "policy",
                                                                              reason: "metric ece not allowed")])
        #expect(machine.tasks[1].detail == "policy: metric ece not allowed")
    }

    @Test func resumeReissuesCombining() throws {
        let combining = try MachineFixture.machine(after: [launch, .resultSubmitted(site: "a"),
                                                           .resultSubmitted(site: "b"),
                                                           .taskRefused(site: "c", code: "p", reason: "r")])
        #expect(MachineFixture.signature(combining.resumeActions()) == ["combine:partial(a,b)"])
        let collecting = try MachineFixture.machine(after: [launch, .resultSubmitted(site: "a")])
        #expect(collecting.resumeActions().isEmpty)
    }
}
