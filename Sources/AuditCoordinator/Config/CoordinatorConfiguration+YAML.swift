import AuditLogging
import AuditPKI
import AuditPostgres
import AuditSpec
import Foundation

extension CoordinatorConfiguration {
    /// The `database:` line and `postgres:` section of a coordinator.yaml for `location`, as
    /// ``parse(yaml:file:)`` reads them back (for the coordinators that `fairuse demo` and
    /// `fairuse benchmark load` write their configuration for).
    public static func databaseYAML(_ location: PostgresLocation) -> String {
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        var lines = ["database: \(quoted(location.url))", "postgres:", "  tls: \(location.tls)"]
        switch location.password {
        case .file(let path)?: lines.append("  password_file: \(quoted(path))")
        case .environment(let name)?: lines.append("  password_env: \(name)")
        case nil: break
        }
        if let ca = location.caFile { lines.append("  ca: \(quoted(ca))") }
        return lines.joined(separator: "\n")
    }

    /// The keys of `coordinator.yaml`, by section, in the order of the documented example.
    static let keys = ["listen", "tls", "database", "postgres", "port_file", "limits", "default_deadline_seconds", "observability",
                       "logging", "researchers", "retention", "replicas"]
    static let listenKeys = ["host", "port"]
    static let tlsKeys = ["certificate", "key", "ca", "crl", "crl_when_stale"]
    static let limitsKeys = ["max_compressed_bytes", "max_decompressed_bytes", "long_poll_seconds"]
    static let researcherKeys = ["name", "token_sha256"]
    static let observabilityKeys = ["listen", "allow_non_loopback", "port_file"]
    static let loggingKeys = ["format", "level"]
    static let postgresKeys = ["password_file", "password_env", "tls", "ca", "connections"]
    static let replicasKeys = ["combine_lease_seconds"]

    /// Reads and validates `coordinator.yaml`.
    public static func load(path: String) throws(ConfigurationError) -> CoordinatorConfiguration {
        try parse(yaml: ConfigurationReader.text(ofFile: path), file: path)
    }

    /// Parses and validates the text of `coordinator.yaml`; relative paths are resolved against
    /// the directory of `file`, which is also named in errors.
    public static func parse(yaml: String, file: String) throws(ConfigurationError) -> CoordinatorConfiguration {
        let base = URL(fileURLWithPath: file).deletingLastPathComponent()
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : base.appendingPathComponent(p).path }
        let reader = try ConfigurationReader(yaml: yaml, file: file, allowed: keys)
        let root = reader.root
        let listen = try reader.section("listen", in: root, allowed: listenKeys)
        let tls = try reader.section("tls", in: root, allowed: tlsKeys, required: true)!
        let limits = try reader.section("limits", in: root, allowed: limitsKeys)
        func path(_ key: String, _ what: String) throws(ConfigurationError) -> String {
            resolve(try reader.string(key, in: tls, required: true, expected: what)!)
        }
        let database = try reader.string("database", in: root, required: true,
                                         expected: "sqlite:PATH or postgres://USER@HOST[:PORT]/DATABASE")!
        let postgres = try Self.postgres(reader, database: database, resolve: resolve)
        guard postgres != nil || (database.hasPrefix("sqlite:") && database.count > "sqlite:".count) else {
            throw reader.error(.invalidValue, "database", in: root, "expected sqlite:PATH or postgres://USER@HOST[:PORT]/DATABASE")
        }
        var config = CoordinatorConfiguration(
            certificatePath: try path("certificate", "the coordinator certificate (PEM) path"),
            keyPath: try path("key", "the coordinator private key (PEM) path"),
            caPath: try path("ca", "the federation CA certificate (PEM) path"),
            databasePath: postgres == nil ? resolve(String(database.dropFirst("sqlite:".count))) : "")
        if let postgres {
            config.postgres = postgres.location
            config.postgresConnections = postgres.connections
        }
        config.revocationListPath = try reader.string("crl", in: tls, expected: "the federation CA's revocation list (PEM) path").map(resolve)
        if let policy = try reader.string("crl_when_stale", in: tls, expected: "warn or refuse") {
            guard let value = RevocationList.StalePolicy(rawValue: policy) else {
                throw reader.error(.invalidValue, "crl_when_stale", in: tls, "expected warn or refuse, found '\(policy)'")
            }
            config.revocationListWhenStale = value
        }
        if let listen {
            config.host = try reader.string("host", in: listen, expected: "a host name or IP address") ?? config.host
            config.port = try reader.int("port", in: listen, range: 0...65535) ?? config.port
        }
        config.portFile = try reader.string("port_file", in: root, expected: "a file path").map(resolve)
        if let limits {
            config.maxCompressedBytes = try reader.int("max_compressed_bytes", in: limits, range: 1024...(1 << 30)) ?? config.maxCompressedBytes
            config.maxDecompressedBytes = try reader.int("max_decompressed_bytes", in: limits, range: 1024...(1 << 32)) ?? config.maxDecompressedBytes
            config.longPollSeconds = try reader.int("long_poll_seconds", in: limits, range: 0...60) ?? config.longPollSeconds
        }
        config.defaultDeadlineSeconds = try reader.int("default_deadline_seconds", in: root, range: 1...(86400 * 365)) ?? config.defaultDeadlineSeconds
        config.researchers = try researchers(reader)
        config.retention = try RetentionPolicy.parse(reader) ?? RetentionPolicy()
        config.observability = try observability(reader, resolve: resolve)
        if let section = try reader.section("logging", in: root, allowed: loggingKeys) {
            config.logging = try LoggingConfiguration.parse(reader, section)
        }
        if let replicas = try reader.section("replicas", in: root, allowed: replicasKeys) {
            config.combineLeaseSeconds = try reader.int("combine_lease_seconds", in: replicas, range: 3...3600) ?? config.combineLeaseSeconds
        }
        return config
    }

    /// `database: postgres://…` with the `postgres:` section (password file or variable, TLS mode, CA,
    /// connections); nil for `sqlite:`. Errors name the key (`database` or `postgres.tls`, …), the
    /// file and line, and never repeat a password written into the URL.
    static func postgres(_ reader: ConfigurationReader, database: String, resolve: (String) -> String) throws(ConfigurationError)
        -> (location: PostgresLocation, connections: Int)? {
        let root = reader.root
        let section = try reader.section("postgres", in: root, allowed: postgresKeys)
        guard database.hasPrefix("postgres://") || database.hasPrefix("postgresql://") || database.contains("@") else {
            if section != nil {
                throw reader.error(.invalidValue, "postgres", in: root,
                                   "the postgres section is read only with database: postgres://USER@HOST[:PORT]/DATABASE")
            }
            return nil
        }
        let keys = PostgresLocation.Keys(url: "database", passwordFile: "postgres.password_file",
                                         passwordEnvironment: "postgres.password_env", tls: "postgres.tls", caFile: "postgres.ca")
        var passwordFile: String?, passwordEnv: String?, tls: String?, ca: String?, connections: Int?
        if let section {
            passwordFile = try reader.string("password_file", in: section, expected: "the path of a file holding the password").map(resolve)
            passwordEnv = try reader.string("password_env", in: section, expected: "the name of an environment variable holding the password")
            tls = try reader.string("tls", in: section, expected: "verify-full, require or disable")
            ca = try reader.string("ca", in: section, expected: "the PEM file of the CA of the server's certificate").map(resolve)
            connections = try reader.int("connections", in: section, range: 1...64)
        }
        do {
            let location = try PostgresLocation(url: database, passwordFile: passwordFile, passwordEnvironment: passwordEnv,
                                                tls: tls, caFile: ca, keys: keys)
            return (location, connections ?? 8)
        } catch {
            guard let key = error.key, key.hasPrefix("postgres."), let section else {
                throw reader.error(.invalidValue, "database", in: root, error.message)
            }
            throw reader.error(.invalidValue, String(key.dropFirst("postgres.".count)), in: section, error.message)
        }
    }

    /// `observability`: `listen: host:port`, loopback unless `allow_non_loopback: true`, because
    /// the listener is plain HTTP without client certificates.
    static func observability(_ reader: ConfigurationReader, resolve: (String) -> String) throws(ConfigurationError)
        -> ObservabilityConfiguration? {
        guard let section = try reader.section("observability", in: reader.root, allowed: observabilityKeys) else { return nil }
        let text = try reader.string("listen", in: section, required: true, expected: "host:port, e.g. 127.0.0.1:9464")!
        guard let address = ListenAddress(parsing: text) else {
            throw reader.error(.invalidValue, "listen", in: section,
                               "expected host:port (or [v6]:port) with a port 0–65535, e.g. 127.0.0.1:9464, found '\(text)'")
        }
        let allow = try reader.bool("allow_non_loopback", in: section) ?? false
        guard address.isLoopback || allow else {
            throw reader.error(.invalidValue, "listen", in: section, """
                \(address) is not a loopback address, and this listener is plain HTTP without client certificates; \
                use 127.0.0.1:PORT, or add allow_non_loopback: true if only trusted scrapers can reach that address
                """)
        }
        let portFile = try reader.string("port_file", in: section, expected: "a file path").map(resolve)
        return ObservabilityConfiguration(listen: address, allowNonLoopback: allow, portFile: portFile)
    }

    /// `researchers`: a list of `{name, token_sha256}` with unique names. A wrong hash is reported
    /// without quoting it: it may be the token itself, pasted by mistake.
    static func researchers(_ reader: ConfigurationReader) throws(ConfigurationError) -> [ResearcherToken] {
        guard let entries = try reader.sections("researchers", in: reader.root, allowed: researcherKeys) else { return [] }
        var out: [ResearcherToken] = []
        for entry in entries {
            let name = try reader.string("name", in: entry, required: true, expected: "the researcher's name")!
            guard ResearcherToken.isValidName(name) else {
                throw reader.error(.invalidValue, "name", in: entry, "expected 1–64 letters, digits, '.', '_', '-' or '@'")
            }
            let hash = try reader.string("token_sha256", in: entry, required: true, expected: "64 lowercase hex digits")!
            guard ResearcherToken.isValidHash(hash) else {
                throw reader.error(.invalidValue, "token_sha256", in: entry,
                                   "expected 64 lowercase hex digits (the SHA-256 of the token, not the token)")
            }
            if let first = out.firstIndex(where: { $0.name == name }) {
                throw reader.error(.duplicate, "name", in: entry, "researcher name '\(name)' already given in researchers[\(first)]")
            }
            out.append(ResearcherToken(name: name, sha256: hash))
        }
        return out
    }
}
