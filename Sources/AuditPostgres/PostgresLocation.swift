import Foundation

/// Where a PostgreSQL database is and how to log in: `postgres://user@host[:port]/database`, where the
/// password comes from (a file or an environment variable, never the URL), the TLS mode and the CA.
///
/// The one type for this concept: the coordinator's store, its replicas and the agent's warehouse
/// sources all describe their database with it. It holds no password: ``readPassword(environment:)``
/// reads it when a connection is made, so a rotated password file is picked up and the value never
/// sits in a configuration struct that might be printed. Its ``description`` is `user@host:port/db`,
/// the form every error and log line uses.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    /// The role to log in as.
    public var user: String
    /// The server's host name or IP address (IPv6 without brackets).
    public var host: String
    /// The server's TCP port (5432 unless the URL says otherwise).
    public var port: Int
    /// The database to open.
    public var database: String
    /// Where the password comes from, or `nil` when the server needs none (e.g. `trust` on loopback).
    public var password: PostgresPasswordSource?
    /// How the connection is protected; ``PostgresTLSMode/verifyFull`` unless configured otherwise.
    public var tls: PostgresTLSMode
    /// The PEM file of the CA that signed the server's certificate (``PostgresTLSMode/verifyFull``
    /// only); `nil` trusts the system's roots.
    public var caFile: String?
    /// The configuration keys these settings came from, so errors name what the operator wrote.
    public var keys: Keys

    /// The names of the configuration keys of one PostgreSQL location, used in error messages.
    public struct Keys: Sendable, Hashable {
        /// The key holding the URL, e.g. `database`.
        public var url: String
        /// The key naming the password file, e.g. `database_password_file`.
        public var passwordFile: String
        /// The key naming the environment variable that holds the password.
        public var passwordEnvironment: String
        /// The key holding the TLS mode.
        public var tls: String
        /// The key naming the CA file.
        public var caFile: String

        /// Keys named explicitly.
        public init(url: String, passwordFile: String, passwordEnvironment: String, tls: String, caFile: String) {
            self.url = url
            self.passwordFile = passwordFile
            self.passwordEnvironment = passwordEnvironment
            self.tls = tls
            self.caFile = caFile
        }

        /// `url`, `password_file`, `password_env`, `tls` and `ca`, each after `prefix`
        /// (e.g. `Keys(prefix: "database.")` gives `database.url`, `database.password_file`, …).
        public init(prefix: String) {
            self.init(url: prefix + "url", passwordFile: prefix + "password_file",
                      passwordEnvironment: prefix + "password_env", tls: prefix + "tls", caFile: prefix + "ca")
        }
    }

    /// A location from parts already checked by the caller; ``validate()`` checks the combination.
    public init(user: String, host: String, port: Int = 5432, database: String,
                password: PostgresPasswordSource? = nil, tls: PostgresTLSMode = .verifyFull, caFile: String? = nil,
                keys: Keys = Keys(prefix: "")) {
        self.user = user
        self.host = host
        self.port = port
        self.database = database
        self.password = password
        self.tls = tls
        self.caFile = caFile
        self.keys = keys
    }

    /// Parses `url` and the settings beside it, as they appear in a configuration file or on a command
    /// line, and validates the combination.
    ///
    /// - Parameters:
    ///   - url: `postgres://user@host[:port]/database` (or `postgresql://`). A password in the URL is
    ///     refused without being repeated.
    ///   - passwordFile: a file whose first line is the password.
    ///   - passwordEnvironment: the name of an environment variable holding the password.
    ///   - tls: `disable`, `require` or `verify-full` (default).
    ///   - caFile: the PEM CA file for `verify-full`.
    ///   - keys: the key names to put in errors.
    public init(url: String, passwordFile: String? = nil, passwordEnvironment: String? = nil, tls: String? = nil,
                caFile: String? = nil, keys: Keys = Keys(prefix: "")) throws(PostgresLocationError) {
        let parts = try PostgresURL.parse(url, keys: keys)
        var password: PostgresPasswordSource?
        switch (passwordFile, passwordEnvironment) {
        case (.some, .some):
            throw PostgresLocationError(code: .invalidSetting, key: keys.passwordFile,
                                message: "set either \(keys.passwordFile) or \(keys.passwordEnvironment), not both")
        case (.some(let path), nil):
            guard !path.isEmpty else {
                throw PostgresLocationError(code: .invalidSetting, key: keys.passwordFile, message: "expected a file path, found an empty value")
            }
            password = .file(path)
        case (nil, .some(let name)):
            guard PostgresPasswordSource.isValidVariableName(name) else {
                throw PostgresLocationError(code: .invalidSetting, key: keys.passwordEnvironment,
                                    message: "expected an environment variable name (letters, digits and '_', not starting with a digit)")
            }
            password = .environment(name)
        case (nil, nil):
            password = nil
        }
        var mode = PostgresTLSMode.verifyFull
        if let tls {
            guard let parsed = PostgresTLSMode(rawValue: tls) else {
                throw PostgresLocationError(code: .invalidSetting, key: keys.tls,
                                    message: "expected disable, require or verify-full, found '\(tls)'")
            }
            mode = parsed
        }
        self.init(user: parts.user, host: parts.host, port: parts.port, database: parts.database,
                  password: password, tls: mode, caFile: caFile, keys: keys)
        try validate()
    }

    /// Checks the combination of settings: TLS may be disabled only on loopback (the password exchange
    /// and every row would cross the network in clear), and a CA file only means something with
    /// `verify-full` (with `require` it would look like protection it does not give).
    public func validate() throws(PostgresLocationError) {
        if tls == .disable && !isLoopback {
            throw PostgresLocationError(code: .invalidSetting, key: keys.tls, message: """
                tls: disable is accepted only for a loopback host, and \(host) is not one: the login and every row \
                would cross the network unencrypted; use verify-full (with \(keys.caFile)) or require
                """)
        }
        if caFile != nil, tls != .verifyFull {
            throw PostgresLocationError(code: .invalidSetting, key: keys.caFile, message: """
                a CA file is used only with \(keys.tls): verify-full, and \(keys.tls) is \(tls); \
                set \(keys.tls): verify-full or remove \(keys.caFile)
                """)
        }
    }

    /// Whether ``host`` is `localhost`, an address in 127.0.0.0/8, or `::1`.
    public var isLoopback: Bool {
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// `user@host:port/database`: how errors and logs name this database (never with a password).
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(user)@\(shownHost):\(port)/\(database)"
    }

    /// The URL without password: `postgres://user@host:port/database`.
    public var url: String { "postgres://" + description }
}
