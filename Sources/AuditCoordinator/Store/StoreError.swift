import GRDB

/// A failed store operation: a code to branch on and a message that names ids, never payload contents.
///
/// Compare by ``code``. Database failures carry SQLite's result code and message (which name tables and
/// constraints, not values); statement arguments are never included.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. A struct over a private enum, so codes can be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case duplicateSite = "duplicate_site"
            case duplicateFingerprint = "duplicate_fingerprint"
            case duplicateAudit = "duplicate_audit"
            case notFound = "not_found"
            case conflict = "conflict"
            case illegalTransition = "illegal_transition"
            case invalidArgument = "invalid_argument"
            case database = "database"
            case unknownSchema = "unknown_schema"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A site with this id is already registered (active or revoked).
        public static let duplicateSite = Code(.duplicateSite)
        /// Another site (active or revoked) already has this certificate fingerprint.
        public static let duplicateFingerprint = Code(.duplicateFingerprint)
        /// An audit with this id already exists.
        public static let duplicateAudit = Code(.duplicateAudit)
        /// The site, audit or task does not exist.
        public static let notFound = Code(.notFound)
        /// The operation contradicts stored data (reserved; a conflicting submission is the value `.conflict`).
        public static let conflict = Code(.conflict)
        /// The audit's state machine rejected the event; ``StoreError/transition`` says why.
        public static let illegalTransition = Code(.illegalTransition)
        /// The request itself is invalid: a bad launch (no sites, `min_sites` out of range, …) or a revoked site.
        public static let invalidArgument = Code(.invalidArgument)
        /// The database failed, or a stored value could not be read back.
        public static let database = Code(.database)
        /// The database has applied a schema migration this binary does not know: it was written by a
        /// newer fairuse, and this one refuses to run against it.
        public static let unknownSchema = Code(.unknownSchema)

        /// A stable, machine-readable name, e.g. `duplicate_fingerprint`.
        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public let code: Code
    /// Plain words naming ids, e.g. `task t-7 not found`.
    public let message: String
    /// For ``Code/illegalTransition`` (and rejected launches), the state machine's own code; otherwise `nil`.
    public let transition: AuditTransitionError.Code?

    /// Creates an error.
    public init(code: Code, message: String, transition: AuditTransitionError.Code? = nil) {
        self.code = code
        self.message = message
        self.transition = transition
    }

    /// `<code>: <message>`.
    public var description: String { "\(code): \(message)" }

    static func notFound(_ message: String) -> StoreError { StoreError(code: .notFound, message: message) }

    /// Wraps a rejected event: an invalid launch becomes ``Code/invalidArgument``, the rest
    /// ``Code/illegalTransition``.
    static func rejected(_ error: AuditTransitionError) -> StoreError {
        let code: Code = error.code == .invalidLaunch ? .invalidArgument : .illegalTransition
        return StoreError(code: code, message: error.description, transition: error.code)
    }

    /// Wraps a SQLite error without its statement or arguments.
    static func database(_ error: DatabaseError, during operation: String) -> StoreError {
        let detail = error.message.map { ": \($0)" } ?? ""
        return StoreError(code: .database,
                          message: "\(operation): SQLite \(error.extendedResultCode.rawValue)\(detail)")
    }

    /// A stored value that cannot be read back (unknown state name, unreadable JSON column).
    static func corrupt(_ message: String) -> StoreError { StoreError(code: .database, message: message) }
}
