import AuditCore
import Foundation

extension AuditStateMachine {
    /// One site's task as the machine sees it.
    public struct SiteTask: Sendable, Hashable {
        /// The site's id.
        public var site: SiteID
        /// The task's state.
        public var state: TaskState
        /// Why the task ended when it did not submit (refusal code and reason, failure reason); otherwise `nil`.
        public var detail: String?

        /// Creates a task entry.
        public init(site: SiteID, state: TaskState, detail: String? = nil) {
            self.site = site
            self.state = state
            self.detail = detail
        }
    }

    /// An input to the machine.
    public enum Event: Sendable, Hashable {
        /// The operator launched the audit: one task per site; see ``AuditStateMachine`` for the completion rule.
        case launched(sites: [SiteID], minSites: Int, requiredSites: [SiteID], deadline: Date)
        /// A poll handed the site's task to its agent.
        case taskDelivered(site: SiteID, at: Date)
        /// The site's agent accepted the task under its policy.
        case taskAccepted(site: SiteID)
        /// The site's result was stored (the store has already ruled out duplicates and conflicts).
        case resultSubmitted(site: SiteID)
        /// The site refused the task; `code` is machine-readable, `reason` is for people.
        case taskRefused(site: SiteID, code: String, reason: String)
        /// The site's task failed (reported by the agent, or decided by the coordinator, e.g. on revocation).
        case taskFailed(site: SiteID, reason: String)
        /// The audit's deadline has passed; `at` must not be before it.
        case deadlinePassed(at: Date)
        /// The operator asked to cancel the audit.
        case cancelRequested
        /// The combiner finished and its result was stored.
        case combineSucceeded
        /// The combiner failed; `reason` names counts and ids, never payload values.
        case combineFailed(reason: String)
    }

    /// A line for the event log, produced by a transition.
    public struct LogEntry: Sendable, Hashable {
        /// What happened, e.g. `task_refused`.
        public var kind: EventKind
        /// The site concerned, or `nil` for an audit-wide entry.
        public var site: SiteID?
        /// Plain words naming ids and counts; never payload contents.
        public var detail: String

        /// Creates a log entry.
        public init(kind: EventKind, site: SiteID? = nil, detail: String = "") {
            self.kind = kind
            self.site = site
            self.detail = detail
        }
    }

    /// Something a change of state was meant to make listeners aware of.
    public enum Notice: Sendable, Hashable {
        /// These sites have new open tasks: wake their long-polls.
        case tasksAvailable([SiteID])
        /// These sites' tasks were withdrawn (cancelled): wake their long-polls so agents stop.
        case tasksWithdrawn([SiteID])
        /// The audit reached a final state.
        case auditFinished(AuditState)
    }

    /// Work that a transition asks of its caller.
    public enum Action: Sendable, Hashable {
        /// Append this entry to the event log (``AuditLifecycle`` does this in the same transaction).
        case recordEvent(LogEntry)
        /// Run the combiner over the submitted sites, then apply `combineSucceeded` or `combineFailed`;
        /// `outcome` is `complete` or `partial`, the state the audit takes when combining succeeds.
        case startCombining(outcome: AuditState, sites: [SiteID])
        /// These sites' open tasks expired at the deadline (already reflected in the new state).
        case expireTasks([SiteID])
        /// These sites' open tasks were cancelled (already reflected in the new state).
        case cancelTasks([SiteID])
        /// Tell listeners (long-polls, operator views) about a change.
        case notify(Notice)
    }

    /// The result of a legal event: the machine after the event, and what the caller must do.
    public struct Transition: Sendable, Hashable {
        /// The machine after the event.
        public var machine: AuditStateMachine
        /// The actions, in order; empty for an event that changed nothing (e.g. a re-delivery).
        public var actions: [Action]

        /// Creates a transition.
        public init(machine: AuditStateMachine, actions: [Action]) {
            self.machine = machine
            self.actions = actions
        }
    }
}

/// The kind of an event-log row, e.g. `task_submitted`; a struct over a string so that kinds can be added.
public struct EventKind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The stable, machine-readable name stored in the `event.kind` column.
    public let rawValue: String

    /// Wraps a stored kind name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The kind's name.
    public var description: String { rawValue }

    /// A site was registered.
    public static let siteRegistered = EventKind(rawValue: "site_registered")
    /// A site was revoked.
    public static let siteRevoked = EventKind(rawValue: "site_revoked")
    /// The audit was launched (created → dispatched).
    public static let auditLaunched = EventKind(rawValue: "audit_launched")
    /// The first site picked up or answered its task (dispatched → collecting).
    public static let auditCollecting = EventKind(rawValue: "audit_collecting")
    /// The completion rule held and combining started.
    public static let auditCombining = EventKind(rawValue: "audit_combining")
    /// The audit completed with every site.
    public static let auditComplete = EventKind(rawValue: "audit_complete")
    /// The audit completed without every site.
    public static let auditPartial = EventKind(rawValue: "audit_partial")
    /// The audit failed; the detail names the missing, refusing and failing sites or the combiner's reason.
    public static let auditFailed = EventKind(rawValue: "audit_failed")
    /// The audit was cancelled.
    public static let auditCancelled = EventKind(rawValue: "audit_cancelled")
    /// The deadline passed while sites still owed answers.
    public static let deadlinePassed = EventKind(rawValue: "deadline_passed")
    /// A site's task was handed to its agent.
    public static let taskDelivered = EventKind(rawValue: "task_delivered")
    /// A site accepted its task.
    public static let taskAccepted = EventKind(rawValue: "task_accepted")
    /// A site's result was stored.
    public static let taskSubmitted = EventKind(rawValue: "task_submitted")
    /// A site refused its task.
    public static let taskRefused = EventKind(rawValue: "task_refused")
    /// A site's task failed.
    public static let taskFailed = EventKind(rawValue: "task_failed")
    /// A site's task expired at the deadline.
    public static let taskExpired = EventKind(rawValue: "task_expired")
    /// A site's task was cancelled.
    public static let taskCancelled = EventKind(rawValue: "task_cancelled")
    /// The retention policy was applied; the detail gives the counts deleted (`fairuse coordinator retention`).
    public static let retentionApplied = EventKind(rawValue: "retention_applied")
}
