import AuditWire

/// A failure talking to the coordinator, classified by what the caller (the site agent, an
/// operator command) should do next.
///
/// Compare by ``code``; when the coordinator answered with a protocol error, ``wireCode`` carries
/// its code (`site_mismatch`, `task_closed`, …). Messages name endpoints and codes, never data.
public struct AgentError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. A struct over a private enum, so that codes can be added without
    /// breaking code that compares them.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case transient
            case identityRefused = "identity_refused"
            case rejected
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The network or the coordinator is unavailable: retry with back-off.
        public static let transient = Code(.transient)
        /// The coordinator refused our identity (unknown, revoked or mismatched certificate, TLS
        /// failure): retrying cannot help; a person must act.
        public static let identityRefused = Code(.identityRefused)
        /// The coordinator rejected the request (4xx): report it.
        public static let rejected = Code(.rejected)

        /// A stable, machine-readable name, e.g. `identity_refused`.
        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// The coordinator's protocol error code, when it sent one.
    public var wireCode: WireErrorCode?
    /// What happened, in plain words.
    public var message: String

    /// Creates an error.
    public init(code: Code, wireCode: WireErrorCode? = nil, message: String) {
        self.code = code
        self.wireCode = wireCode
        self.message = message
    }

    /// `code [wire code]: message`, e.g. `rejected [site_mismatch]: …`.
    public var description: String { "\(code)\(wireCode.map { " [\($0)]" } ?? ""): \(message)" }
}
