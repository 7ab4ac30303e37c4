import AuditCore
import Foundation
import Testing
@testable import AuditCoordinator

/// One illegal event: a history, the event, and the code it must be rejected with.
struct IllegalCase: Sendable, CustomTestStringConvertible {
    var name: String
    var history: [AuditStateMachine.Event]
    var event: AuditStateMachine.Event
    var code: AuditTransitionError.Code

    var testDescription: String { name }
}

private let launch = MachineFixture.launch
private let deadline = MachineFixture.deadline
private let t = MachineFixture.t0
private let allSubmitted: [AuditStateMachine.Event] = [launch, .resultSubmitted(site: "a"), .resultSubmitted(site: "b"),
                                                       .resultSubmitted(site: "c")]

private func badLaunch(_ sites: [SiteID], min: Int, required: [SiteID] = [], deadline: Date = deadline)
    -> AuditStateMachine.Event {
    .launched(sites: sites, minSites: min, requiredSites: required, deadline: deadline)
}

private let illegalTable: [IllegalCase] = [
    IllegalCase(name: "delivery before launch", history: [], event: .taskDelivered(site: "a", at: t),
                code: .notLaunched),
    IllegalCase(name: "deadline before launch", history: [], event: .deadlinePassed(at: deadline), code: .notLaunched),
    IllegalCase(name: "launch twice", history: [launch], event: launch, code: .alreadyLaunched),
    IllegalCase(name: "launch after cancel", history: [.cancelRequested], event: launch, code: .auditClosed),
    IllegalCase(name: "launch with no sites", history: [], event: badLaunch([], min: 1), code: .invalidLaunch),
    IllegalCase(name: "launch with a duplicate site", history: [], event: badLaunch(["a", "a"], min: 1),
                code: .invalidLaunch),
    IllegalCase(name: "launch with min_sites 0", history: [], event: badLaunch(["a"], min: 0), code: .invalidLaunch),
    IllegalCase(name: "launch with min_sites above the site count", history: [], event: badLaunch(["a", "b"], min: 3),
                code: .invalidLaunch),
    IllegalCase(name: "launch with an unknown required site", history: [],
                event: badLaunch(["a", "b"], min: 1, required: ["z"]), code: .invalidLaunch),
    IllegalCase(name: "launch with a past deadline", history: [],
                event: badLaunch(["a"], min: 1, deadline: t.addingTimeInterval(-1)), code: .invalidLaunch),
    IllegalCase(name: "result from a site without a task", history: [launch], event: .resultSubmitted(site: "z"),
                code: .unknownSite),
    IllegalCase(name: "second result from the same site", history: [launch, .resultSubmitted(site: "a")],
                event: .resultSubmitted(site: "a"), code: .alreadySubmitted),
    IllegalCase(name: "second result while combining", history: allSubmitted, event: .resultSubmitted(site: "a"),
                code: .alreadySubmitted),
    IllegalCase(name: "result for a cancelled audit", history: [launch, .cancelRequested],
                event: .resultSubmitted(site: "b"), code: .auditClosed),
    IllegalCase(name: "result for a refused task", history: [launch, .taskRefused(site: "b", code: "p", reason: "r")],
                event: .resultSubmitted(site: "b"), code: .taskClosed),
    IllegalCase(name: "refusal after submitting", history: [launch, .resultSubmitted(site: "a")],
                event: .taskRefused(site: "a", code: "p", reason: "r"), code: .taskClosed),
    IllegalCase(name: "delivery to a failed task", history: [launch, .taskFailed(site: "b", reason: "x")],
                event: .taskDelivered(site: "b", at: t), code: .taskClosed),
    IllegalCase(name: "delivery in a failed audit",
                history: [launch, .taskRefused(site: "a", code: "p", reason: "r")],
                event: .taskDelivered(site: "b", at: t), code: .auditClosed),
    IllegalCase(name: "deadline not yet reached", history: [launch],
                event: .deadlinePassed(at: deadline.addingTimeInterval(-1)), code: .deadlineNotReached),
    IllegalCase(name: "cancel a complete audit", history: allSubmitted + [.combineSucceeded], event: .cancelRequested,
                code: .auditClosed),
    IllegalCase(name: "combine result while collecting", history: [launch, .resultSubmitted(site: "a")],
                event: .combineSucceeded, code: .notCombining),
    IllegalCase(name: "combine result after cancel", history: allSubmitted + [.cancelRequested],
                event: .combineSucceeded, code: .auditClosed),
    IllegalCase(name: "combine failure after completion", history: allSubmitted + [.combineSucceeded],
                event: .combineFailed(reason: "x"), code: .auditClosed),
]

/// Three sites' final answers, and whether the completion rule must hold.
struct OutcomeCase: Sendable, CustomTestStringConvertible {
    var answers: [TaskState]

    var testDescription: String { answers.map(\.rawValue).joined(separator: ",") }

    static let all: [OutcomeCase] = {
        let choices: [TaskState] = [.submitted, .refused, .failed]
        return choices.flatMap { a in choices.flatMap { b in choices.map { c in OutcomeCase(answers: [a, b, c]) } } }
    }()
}

@Suite("AuditStateMachine rules")
struct AuditStateMachineRulesTests {
    @Test("illegal transitions are rejected and change nothing", arguments: illegalTable)
    func illegal(_ row: IllegalCase) throws {
        let before = try MachineFixture.machine(after: row.history)
        switch before.apply(row.event, at: t.addingTimeInterval(2)) {
        case .success(let transition):
            Issue.record("accepted: now \(transition.machine.state), actions \(transition.actions)")
        case .failure(let error):
            #expect(error.code == row.code, "\(error)")
            #expect(error.auditID == "audit-1")
            #expect(error.state == before.state)
        }
    }

    /// Every combination of three sites' answers (min_sites 2, a required) settles by the completion rule.
    @Test("answers settle by the completion rule", arguments: OutcomeCase.all)
    func settlesByRule(_ row: OutcomeCase) throws {
        var machine = try MachineFixture.machine(after: [launch])
        for (site, answer) in zip(["a", "b", "c"] as [SiteID], row.answers) where machine.state == .dispatched
            || machine.state == .collecting {
            let event: AuditStateMachine.Event = switch answer {
            case .submitted: .resultSubmitted(site: site)
            case .refused: .taskRefused(site: site, code: "policy", reason: "refused")
            default: .taskFailed(site: site, reason: "failed")
            }
            machine = try machine.apply(event, at: t).get().machine
        }
        let submitted = zip(["a", "b", "c"], row.answers).filter { $0.1 == .submitted }.map(\.0)
        let ruleHolds = submitted.count >= 2 && submitted.contains("a")
        #expect(machine.state == (ruleHolds ? .combining : .failed))
        if ruleHolds {
            #expect(machine.combiningOutcome == (submitted.count == 3 ? .complete : .partial))
        } else {
            #expect(machine.failure != nil)
            #expect(machine.openSites.isEmpty)
        }
    }

    @Test func deadlineGivesPartialWhenMinAndRequiredHold() throws {
        let machine = try MachineFixture.machine(after: [launch, .resultSubmitted(site: "a"),
                                                         .taskAccepted(site: "b"), .resultSubmitted(site: "c")])
        let combining = try machine.apply(.deadlinePassed(at: deadline), at: deadline).get().machine
        #expect(combining.state == .combining)
        #expect(combining.combiningOutcome == .partial)
        let done = try combining.apply(.combineSucceeded, at: deadline).get().machine
        #expect(done.state == .partial)
        #expect(done.sites(in: .expired) == ["b"])
        #expect(done.participationSummary == "2 of 3 sites submitted (min_sites 2); expired: b")
    }

    @Test func deadlineFailureNamesMissingAndRefusingSites() throws {
        let machine = try MachineFixture.machine(after: [
            .launched(sites: ["a", "b", "c", "d"], minSites: 3, requiredSites: ["a"], deadline: deadline),
            .resultSubmitted(site: "b"), .taskRefused(site: "c", code: "policy", reason: "too few rows"),
        ])
        let failed = try machine.apply(.deadlinePassed(at: deadline), at: deadline).get().machine
        #expect(failed.state == .failed)
        let failure = try #require(failed.failure)
        #expect(failure == "1 of 4 sites submitted (min_sites 3); required sites without a result: a; "
            + "refused: c; expired: a, d")
    }

    @Test func requiredSitesMustSubmitEvenAboveMinSites() throws {
        let machine = try MachineFixture.machine(after: [
            .launched(sites: ["a", "b", "c"], minSites: 1, requiredSites: ["c"], deadline: deadline),
            .resultSubmitted(site: "a"), .resultSubmitted(site: "b"),
        ])
        let failed = try machine.apply(.deadlinePassed(at: deadline), at: deadline).get().machine
        #expect(failed.state == .failed)
        #expect(failed.failure?.contains("required sites without a result: c") == true)
    }

    @Test func cancelIsAllowedUntilCombiningFinishes() throws {
        for history in [[], [launch], [launch, .taskDelivered(site: "a", at: t)], allSubmitted] {
            let machine = try MachineFixture.machine(after: history)
            let cancelled = try machine.apply(.cancelRequested, at: t).get().machine
            #expect(cancelled.state == .cancelled)
            #expect(cancelled.openSites.isEmpty)
        }
        for final in [allSubmitted + [.combineSucceeded], allSubmitted + [.combineFailed(reason: "x")]] {
            let machine = try MachineFixture.machine(after: final)
            #expect(throws: AuditTransitionError.self) { try machine.apply(.cancelRequested, at: t).get() }
        }
    }

    @Test func errorsNameTheAuditAndSite() throws {
        let machine = try MachineFixture.machine(after: [launch, .resultSubmitted(site: "b")])
        let error = try #require(machine.apply(.resultSubmitted(site: "b"), at: t).failure)
        #expect(error.description == "audit \(AuditID(stringLiteral: "audit-1")) (collecting): site b already submitted a result")
    }
}

extension Result {
    /// The error, or `nil` on success.
    fileprivate var failure: Failure? {
        if case let .failure(error) = self { error } else { nil }
    }
}
