import AuditCore

/// An event that the audit's current state does not allow; the machine is left unchanged.
///
/// Compare by ``code``; the ``message`` names the audit and site ids involved, never payload contents.
public struct AuditTransitionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of illegal transition. A struct over a private enum, so codes can be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case notLaunched = "not_launched"
            case alreadyLaunched = "already_launched"
            case invalidLaunch = "invalid_launch"
            case unknownSite = "unknown_site"
            case alreadySubmitted = "already_submitted"
            case taskClosed = "task_closed"
            case auditClosed = "audit_closed"
            case deadlineNotReached = "deadline_not_reached"
            case notCombining = "not_combining"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A task or deadline event for an audit that was never launched.
        public static let notLaunched = Code(.notLaunched)
        /// `launched` for an audit that already has tasks.
        public static let alreadyLaunched = Code(.alreadyLaunched)
        /// `launched` with no sites, duplicate sites, `minSites` out of range, unknown required sites, or a past deadline.
        public static let invalidLaunch = Code(.invalidLaunch)
        /// A task event names a site that has no task in this audit.
        public static let unknownSite = Code(.unknownSite)
        /// A second result for a task that already submitted one.
        public static let alreadySubmitted = Code(.alreadySubmitted)
        /// A task event for a task that is already refused, failed, expired or cancelled.
        public static let taskClosed = Code(.taskClosed)
        /// An event for an audit that is final (or already combining, for task events).
        public static let auditClosed = Code(.auditClosed)
        /// `deadlinePassed` with a time before the audit's deadline.
        public static let deadlineNotReached = Code(.deadlineNotReached)
        /// `combineSucceeded` or `combineFailed` while the audit is not combining.
        public static let notCombining = Code(.notCombining)

        /// A stable, machine-readable name, e.g. `already_submitted`.
        public var description: String { base.rawValue }
    }

    /// What kind of illegal transition this is.
    public let code: Code
    /// The audit's id, as given to the machine.
    public let auditID: AuditID
    /// The state the audit was in.
    public let state: AuditState
    /// Plain words naming ids and states, e.g. `site b already submitted a result`.
    public let message: String

    /// Creates an error.
    public init(code: Code, auditID: AuditID, state: AuditState, message: String) {
        self.code = code
        self.auditID = auditID
        self.state = state
        self.message = message
    }

    /// `audit <id> (<state>): <message>`.
    public var description: String { "audit \(auditID) (\(state.rawValue)): \(message)" }
}
