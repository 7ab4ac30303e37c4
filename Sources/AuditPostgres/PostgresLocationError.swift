/// A PostgreSQL location that cannot be parsed, a password that cannot be read, or a connection that failed.
///
/// Compare by ``code``. The ``message`` names the configuration key (``key``), the server as
/// `user@host:port/db` and what was expected; it never contains a password, and never the text of a
/// URL that carried one.
public struct PostgresLocationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. A struct over a private enum, so codes can be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidURL = "invalid_url"
            case inlinePassword = "inline_password"
            case invalidSetting = "invalid_setting"
            case passwordUnavailable = "password_unavailable"
            case passwordRequired = "password_required"
            case authenticationFailed = "authentication_failed"
            case unreachable = "unreachable"
            case tls = "tls"
            case databaseMissing = "database_missing"
            case server = "server"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The URL is not `postgres://user@host[:port]/db`.
        public static let invalidURL = Code(.invalidURL)
        /// The URL carries a password (`user:secret@host`); passwords come from a file or the environment.
        public static let inlinePassword = Code(.inlinePassword)
        /// A setting beside the URL (TLS mode, CA file, password file or variable) is malformed or unsafe.
        public static let invalidSetting = Code(.invalidSetting)
        /// The password file or environment variable is missing, unreadable or empty.
        public static let passwordUnavailable = Code(.passwordUnavailable)
        /// The server asks for a password and none is configured.
        public static let passwordRequired = Code(.passwordRequired)
        /// The server refused the user name and password (SQLSTATE 28P01 or 28000).
        public static let authenticationFailed = Code(.authenticationFailed)
        /// Nothing answered at `host:port` (refused, unresolvable or timed out).
        public static let unreachable = Code(.unreachable)
        /// TLS failed: the server offers none, its certificate is not trusted, or its name does not match.
        public static let tls = Code(.tls)
        /// The database named in the URL does not exist on the server (SQLSTATE 3D000).
        public static let databaseMissing = Code(.databaseMissing)
        /// Any other refusal by the server while connecting, with its SQLSTATE.
        public static let server = Code(.server)

        /// A stable, machine-readable name, e.g. `authentication_failed`.
        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public let code: Code
    /// The configuration key the failure is about (e.g. `database`, `database_password_file`), if any.
    public let key: String?
    /// Plain words: what was found and what was expected, naming `user@host:port/db` but never a password.
    public let message: String

    /// Creates an error.
    public init(code: Code, key: String?, message: String) {
        self.code = code
        self.key = key
        self.message = message
    }

    /// `<key>: <message>`, or the message alone when no key applies.
    public var description: String { key.map { "\($0): \(message)" } ?? message }
}
