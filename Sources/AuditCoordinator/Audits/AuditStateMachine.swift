import AuditCore
import Foundation

/// The lifecycle of one audit and its per-site tasks, as a pure value: an event in, the next machine and actions out.
///
/// No I/O and no clock reads: every time is passed in. ``apply(_:at:)`` never mutates `self`; it returns a
/// ``Transition`` (the next machine and its ``Action``s, in order) or an ``AuditTransitionError`` for an event the
/// current state does not allow. ``AuditLifecycle`` loads a machine from the store, applies one event and persists
/// the result, with one `event` row per ``Action/recordEvent(_:)``, in a single transaction.
///
/// **Completion rule.** With `submitted` the sites whose task is `submitted`: the rule holds when
/// `submitted.count ≥ minSites` and every required site is in `submitted`.
/// *Settling* happens after every event that closes a task:
/// - no task open and the rule holds → `combining` (outcome `complete` when every site submitted, else `partial`);
/// - no task open and the rule fails → `failed`, naming the missing, refusing and failing sites;
/// - tasks still open but the rule can no longer hold (a required site refused/failed, or
///   `submitted + open < minSites`) → `failed` at once, and the open tasks are cancelled (fail fast:
///   no audit waits for its deadline when it is already lost);
/// - otherwise the audit keeps collecting.
///
/// **Audit transitions** (`open` = tasks in `queued`/`delivered`/`accepted`; task events are in the next table):
///
/// | from | event | to | actions |
/// |---|---|---|---|
/// | created | `launched` (valid) | dispatched | log `audit_launched`; notify `tasksAvailable(sites)` |
/// | created | `cancelRequested` | cancelled | log `audit_cancelled`; notify `auditFinished` |
/// | dispatched | first task event | collecting | log `audit_collecting`, then the task's own actions |
/// | dispatched, collecting | task closes, settles | combining / failed | log `audit_combining` + `startCombining`, or fail* |
/// | dispatched, collecting | `deadlinePassed(at ≥ deadline)` | combining / failed | `expireTasks(open)`, log `task_expired` per site and `deadline_passed`, then settle |
/// | dispatched, collecting | `cancelRequested` | cancelled | `cancelTasks(open)`, log `task_cancelled` per site and `audit_cancelled`; notify `tasksWithdrawn`, `auditFinished` |
/// | combining | `combineSucceeded` | complete / partial | log `audit_complete` / `audit_partial`; notify `auditFinished` |
/// | combining | `combineFailed(reason)` | failed | log `audit_failed`; notify `auditFinished` |
/// | combining | `cancelRequested` | cancelled | log `audit_cancelled`; notify `auditFinished` (a later combine result is rejected) |
/// | combining, final | `deadlinePassed` | unchanged | none (a late timer is harmless) |
///
/// *fail: `cancelTasks(open)` and log `task_cancelled` per site when tasks are still open, log `audit_failed`
/// (detail = ``failure``), notify `tasksWithdrawn` (if any) and `auditFinished(.failed)`.
///
/// **Task transitions** (each logged as `task_<new state>` and followed by settling when the task closes):
///
/// | task from | event | task to |
/// |---|---|---|
/// | queued | `taskDelivered` | delivered |
/// | delivered, accepted | `taskDelivered` | unchanged, no actions (an agent re-syncing its open tasks) |
/// | queued, delivered | `taskAccepted` | accepted |
/// | accepted | `taskAccepted` | unchanged, no actions |
/// | queued, delivered, accepted | `resultSubmitted` / `taskRefused` / `taskFailed` | submitted / refused / failed |
/// | queued, delivered, accepted | `deadlinePassed` / `cancelRequested` | expired / cancelled |
///
/// **Rejected** (nothing changes): `launched` twice (`alreadyLaunched`) or invalid (`invalidLaunch`: no sites,
/// a duplicate or empty site id, `minSites ∉ 1…sites`, a required site not among the sites, a deadline not after
/// launch); a task or deadline event before launch (`notLaunched`); a task event for a site with no task
/// (`unknownSite`); a second `resultSubmitted` from a site (`alreadySubmitted`); any task event once the audit is
/// combining or final (`auditClosed`); a task event for a refused/failed/expired/cancelled task (`taskClosed`);
/// `cancelRequested` on a final audit (`auditClosed`); `deadlinePassed` before the deadline (`deadlineNotReached`);
/// `combineSucceeded`/`combineFailed` outside `combining` (`notCombining`, or `auditClosed` once final).
public struct AuditStateMachine: Sendable, Hashable {
    /// The audit's id, used only to name it in errors.
    public let auditID: AuditID
    /// The audit's state.
    public private(set) var state: AuditState
    /// One task per site, in launch order; empty before launch.
    public private(set) var tasks: [SiteTask]
    /// The fewest submitted sites for which the audit can complete (≥ 1 once launched).
    public private(set) var minSites: Int
    /// Sites that must all submit for the audit to complete.
    public private(set) var requiredSites: [SiteID]
    /// When open tasks expire; `nil` before launch.
    public private(set) var deadline: Date?
    /// Why the audit failed, naming sites and counts; `nil` unless the state is `failed`.
    public private(set) var failure: String?

    /// A new, unlaunched audit (`created`, no tasks).
    public init(auditID: AuditID) {
        self.init(restoring: auditID, state: .created, tasks: [], minSites: 0, requiredSites: [], deadline: nil,
                  failure: nil)
    }

    /// A machine rebuilt from stored state (see ``AuditLifecycle``); the values are taken as they are.
    public init(restoring auditID: AuditID, state: AuditState, tasks: [SiteTask], minSites: Int,
                requiredSites: [SiteID], deadline: Date?, failure: String?) {
        self.auditID = auditID
        self.state = state
        self.tasks = tasks
        self.minSites = minSites
        self.requiredSites = requiredSites
        self.deadline = deadline
        self.failure = failure
    }

    /// Applies `event` at time `time`: the next machine and its actions, or why the event is illegal here.
    public func apply(_ event: Event, at time: Date) -> Result<Transition, AuditTransitionError> {
        var next = self
        do {
            let actions = try next.step(event, at: time)
            return .success(Transition(machine: next, actions: actions))
        } catch {
            return .failure(error)
        }
    }

    /// The sites whose task is in `state`, in launch order.
    public func sites(in state: TaskState) -> [SiteID] {
        tasks.filter { $0.state == state }.map(\.site)
    }

    /// The sites whose task is still open, in launch order.
    public var openSites: [SiteID] { tasks.filter { $0.state.isOpen }.map(\.site) }

    /// What combining will end in: `complete` when every site submitted, else `partial`; `nil` unless combining.
    public var combiningOutcome: AuditState? {
        guard state == .combining else { return nil }
        return tasks.allSatisfy { $0.state == .submitted } ? .complete : .partial
    }

    /// Actions to re-issue after a restart: `startCombining` for an audit that was combining, else none.
    public func resumeActions() -> [Action] {
        guard let outcome = combiningOutcome else { return [] }
        return [.startCombining(outcome: outcome, sites: sites(in: .submitted))]
    }

    /// A one-line account of participation, e.g. `2 of 3 sites submitted (min_sites 2); refused: c`.
    public var participationSummary: String {
        let submitted = sites(in: .submitted)
        var parts = ["\(submitted.count) of \(tasks.count) sites submitted (min_sites \(minSites))"]
        let lostRequired = requiredSites.filter { !submitted.contains($0) }
        if !lostRequired.isEmpty { parts.append("required sites without a result: \(Self.list(lostRequired))") }
        for (label, taskState) in [("refused", TaskState.refused), ("failed", .failed), ("expired", .expired),
                                   ("cancelled", .cancelled)] {
            let named = sites(in: taskState)
            if !named.isEmpty { parts.append("\(label): \(Self.list(named))") }
        }
        if !openSites.isEmpty { parts.append("no answer yet: \(Self.list(openSites))") }
        return parts.joined(separator: "; ")
    }

    // MARK: - Steps

    private mutating func step(_ event: Event, at time: Date) throws(AuditTransitionError) -> [Action] {
        switch event {
        case let .launched(sites, minSites, requiredSites, deadline):
            return try launch(sites: sites, minSites: minSites, requiredSites: requiredSites, deadline: deadline,
                              at: time)
        case let .taskDelivered(site, _):
            // Re-delivering a delivered or accepted task (an agent re-syncing) changes nothing.
            return try taskEvent(site, isResult: false) { current in current == .queued ? (.delivered, nil) : nil }
        case let .taskAccepted(site):
            return try taskEvent(site, isResult: false) { current in
                current == .accepted ? nil : (.accepted, nil)
            }
        case let .resultSubmitted(site):
            return try taskEvent(site, isResult: true) { _ in (.submitted, nil) }
        case let .taskRefused(site, code, reason):
            return try taskEvent(site, isResult: false) { _ in (.refused, "\(code): \(reason)") }
        case let .taskFailed(site, reason):
            return try taskEvent(site, isResult: false) { _ in (.failed, reason) }
        case let .deadlinePassed(at):
            return try passDeadline(at: at)
        case .cancelRequested:
            return try cancel()
        case .combineSucceeded:
            try requireCombining()
            let outcome = combiningOutcome ?? .partial
            state = outcome
            let kind: EventKind = outcome == .complete ? .auditComplete : .auditPartial
            return [.recordEvent(LogEntry(kind: kind, detail: participationSummary)), .notify(.auditFinished(outcome))]
        case let .combineFailed(reason):
            try requireCombining()
            return fail(because: "combiner failed: \(reason)")
        }
    }

    private mutating func launch(sites: [SiteID], minSites: Int, requiredSites: [SiteID], deadline: Date,
                                 at time: Date) throws(AuditTransitionError) -> [Action] {
        guard state == .created else {
            throw error(state.isFinal ? .auditClosed : .alreadyLaunched, "the audit was already launched")
        }
        guard !sites.isEmpty else { throw error(.invalidLaunch, "an audit needs at least one site") }
        var seen = Set<SiteID>()
        for site in sites {
            guard seen.insert(site).inserted else { throw error(.invalidLaunch, "site \(site) is listed twice") }
        }
        guard (1...sites.count).contains(minSites) else {
            throw error(.invalidLaunch, "min_sites \(minSites) is not in 1…\(sites.count)")
        }
        var seenRequired = Set<SiteID>()
        for site in requiredSites {
            guard seen.contains(site) else {
                throw error(.invalidLaunch, "required site \(site) is not among the audit's sites")
            }
            guard seenRequired.insert(site).inserted else {
                throw error(.invalidLaunch, "required site \(site) is listed twice")
            }
        }
        guard deadline > time else { throw error(.invalidLaunch, "the deadline is not after the launch time") }

        tasks = sites.map { SiteTask(site: $0, state: .queued) }
        self.minSites = minSites
        self.requiredSites = requiredSites
        self.deadline = deadline
        state = .dispatched
        let required = requiredSites.isEmpty ? "none" : Self.list(requiredSites)
        let detail = "\(sites.count) sites (\(Self.list(sites))), min_sites \(minSites), required: \(required), "
            + "deadline \(deadline.formatted(.iso8601))"
        return [.recordEvent(LogEntry(kind: .auditLaunched, detail: detail)), .notify(.tasksAvailable(sites))]
    }

    /// Applies a task event. `change` maps the task's open state to its next state and detail, or `nil` for a no-op.
    private mutating func taskEvent(
        _ site: SiteID, isResult: Bool, change: (TaskState) -> (TaskState, String?)?
    ) throws(AuditTransitionError) -> [Action] {
        guard state != .created else { throw error(.notLaunched, "site \(site): the audit was not launched") }
        guard let index = tasks.firstIndex(where: { $0.site == site }) else {
            throw error(.unknownSite, "site \(site) has no task in this audit")
        }
        let current = tasks[index].state
        if isResult && current == .submitted {
            throw error(.alreadySubmitted, "site \(site) already submitted a result")
        }
        guard !state.isFinal && state != .combining else {
            throw error(.auditClosed, "site \(site): the audit is \(state.rawValue)")
        }
        guard current.isOpen else {
            throw error(.taskClosed, "site \(site): the task is \(current.rawValue)")
        }
        guard let (newState, detail) = change(current) else { return [] }

        var actions = beginCollecting()
        tasks[index].state = newState
        tasks[index].detail = detail
        actions.append(.recordEvent(LogEntry(kind: Self.kind(of: newState), site: site, detail: detail ?? "")))
        if !newState.isOpen { actions += settle() }
        return actions
    }

    private mutating func beginCollecting() -> [Action] {
        guard state == .dispatched else { return [] }
        state = .collecting
        return [.recordEvent(LogEntry(kind: .auditCollecting))]
    }

    private mutating func passDeadline(at time: Date) throws(AuditTransitionError) -> [Action] {
        switch state {
        case .created: throw error(.notLaunched, "the audit was not launched")
        case .combining, .complete, .partial, .failed, .cancelled: return []
        case .dispatched, .collecting: break
        }
        guard let deadline, time >= deadline else {
            throw error(.deadlineNotReached, "the deadline has not passed")
        }
        let open = openSites
        var actions: [Action] = []
        if !open.isEmpty {
            actions.append(.expireTasks(open))
            for site in open { close(site, as: .expired, detail: "deadline passed", into: &actions) }
        }
        actions.append(.recordEvent(LogEntry(kind: .deadlinePassed,
                                             detail: "\(open.count) sites had not answered: \(Self.list(open))")))
        return actions + settle()
    }

    private mutating func cancel() throws(AuditTransitionError) -> [Action] {
        guard !state.isFinal else { throw error(.auditClosed, "the audit is already \(state.rawValue)") }
        var (withdrawn, actions) = withdrawOpenTasks(reason: "audit cancelled")
        state = .cancelled
        actions.append(.recordEvent(LogEntry(kind: .auditCancelled, detail: participationSummary)))
        if !withdrawn.isEmpty { actions.append(.notify(.tasksWithdrawn(withdrawn))) }
        actions.append(.notify(.auditFinished(.cancelled)))
        return actions
    }

    private func requireCombining() throws(AuditTransitionError) {
        guard state == .combining else {
            throw error(state.isFinal ? .auditClosed : .notCombining, "the audit is \(state.rawValue), not combining")
        }
    }

    /// Decides, after a task closed, whether the audit combines, fails or keeps collecting.
    private mutating func settle() -> [Action] {
        let submitted = sites(in: .submitted)
        let open = openSites
        let ruleHolds = submitted.count >= minSites && requiredSites.allSatisfy(submitted.contains)
        if open.isEmpty {
            guard ruleHolds else { return fail(because: participationSummary) }
            state = .combining
            let outcome = combiningOutcome ?? .partial
            return [
                .recordEvent(LogEntry(kind: .auditCombining,
                                      detail: "outcome \(outcome.rawValue): \(participationSummary)")),
                .startCombining(outcome: outcome, sites: submitted),
            ]
        }
        let lostRequired = requiredSites.contains { site in
            tasks.contains { $0.site == site && !$0.state.isOpen && $0.state != .submitted }
        }
        if lostRequired || submitted.count + open.count < minSites {
            return fail(because: participationSummary)
        }
        return []
    }

    /// Moves to `failed`, withdrawing any open task; `reason` becomes ``failure``.
    private mutating func fail(because reason: String) -> [Action] {
        var (withdrawn, actions) = withdrawOpenTasks(reason: "audit failed")
        state = .failed
        failure = reason
        actions.append(.recordEvent(LogEntry(kind: .auditFailed, detail: reason)))
        if !withdrawn.isEmpty { actions.append(.notify(.tasksWithdrawn(withdrawn))) }
        actions.append(.notify(.auditFinished(.failed)))
        return actions
    }

    /// Cancels every open task: the sites withdrawn and the actions saying so.
    private mutating func withdrawOpenTasks(reason: String) -> (sites: [SiteID], actions: [Action]) {
        let open = openSites
        guard !open.isEmpty else { return ([], []) }
        var actions: [Action] = [.cancelTasks(open)]
        for site in open { close(site, as: .cancelled, detail: reason, into: &actions) }
        return (open, actions)
    }

    private mutating func close(_ site: SiteID, as newState: TaskState, detail: String, into actions: inout [Action]) {
        guard let index = tasks.firstIndex(where: { $0.site == site }) else { return }
        tasks[index].state = newState
        tasks[index].detail = detail
        actions.append(.recordEvent(LogEntry(kind: Self.kind(of: newState), site: site, detail: detail)))
    }

    private func error(_ code: AuditTransitionError.Code, _ message: String) -> AuditTransitionError {
        AuditTransitionError(code: code, auditID: auditID, state: state, message: message)
    }

    private static func kind(of state: TaskState) -> EventKind {
        EventKind(rawValue: "task_\(state.rawValue)")
    }

    private static func list(_ sites: [SiteID]) -> String {
        sites.isEmpty ? "none" : sites.map(\.rawValue).joined(separator: ", ")
    }
}
