/// A person's approval decision that cannot be recorded (`fairuse agent approve`).
///
/// Compare by ``code``; the message names the task and the state folder, never data.
public struct ApprovalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of problem. A struct over a private enum, so that codes can be added without
    /// breaking code that compares them.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case noPendingTask = "no_pending_task"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The task is not waiting for approval in the agent's state folder (wrong id, or the
        /// agent has not received it yet).
        public static let noPendingTask = Code(.noPendingTask)

        /// A stable, machine-readable name, e.g. `no_pending_task`.
        public var description: String { base.rawValue }
    }

    /// What kind of problem this is.
    public let code: Code
    /// The task id as given.
    public let task: String
    /// What happened, in plain words.
    public let message: String

    /// Creates an error.
    public init(code: Code, task: String, message: String) {
        self.code = code
        self.task = task
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
