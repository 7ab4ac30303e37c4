import AuditLogging
import AuditPKI
import AuditPostgres
import AuditSpec
import Foundation

extension AgentConfiguration {
    /// The keys of `agent.yaml`, by section, in the order of the documented example.
    static let keys = ["site", "coordinator", "tls", "data", "policy", "ledger", "state_dir", "poll_seconds", "logging"]
    static let tlsKeys = ["certificate", "key", "ca", "crl", "crl_when_stale"]
    static let dataKeys = ["csv", "sqlite", "postgres", "password_file", "password_env", "tls", "ca", "query"]
    /// The keys of a PostgreSQL source, as errors name them.
    static let postgresKeys = PostgresLocation.Keys(url: "data.postgres", passwordFile: "data.password_file",
                                                    passwordEnvironment: "data.password_env", tls: "data.tls", caFile: "data.ca")
    static let policyKeys = ["allowed_models", "allowed_metrics", "allowed_techniques", "min_cell", "max_groups",
                             "max_bootstrap", "manual_approval", "cross_audit"]

    /// Reads and validates `agent.yaml`.
    public static func load(path: String) throws(ConfigurationError) -> AgentConfiguration {
        try parse(yaml: ConfigurationReader.text(ofFile: path), file: path)
    }

    /// Parses and validates the text of `agent.yaml`; relative paths are resolved against the
    /// directory of `file`, which is also named in errors.
    public static func parse(yaml: String, file: String) throws(ConfigurationError) -> AgentConfiguration {
        let base = URL(fileURLWithPath: file).deletingLastPathComponent()
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : base.appendingPathComponent(p).path }
        let reader = try ConfigurationReader(yaml: yaml, file: file, allowed: keys)
        let root = reader.root
        let site = try reader.string("site", in: root, required: true, expected: "a site id such as north-hospital")!
        guard site.range(of: "^[a-z0-9][a-z0-9._-]{0,62}$", options: .regularExpression) != nil else {
            throw reader.error(.invalidValue, "site", in: root,
                               "expected a site id of 1–63 lowercase letters, digits, '.', '_' or '-', found '\(site)'")
        }
        let url = try reader.string("coordinator", in: root, required: true, expected: "the coordinator's https:// URL")!
        guard url.hasPrefix("https://") else {
            throw reader.error(.invalidValue, "coordinator", in: root, "expected an https:// URL (plain HTTP is never used)")
        }
        let tls = try reader.section("tls", in: root, allowed: tlsKeys, required: true)!
        func path(_ key: String, _ what: String) throws(ConfigurationError) -> String {
            resolve(try reader.string(key, in: tls, required: true, expected: what)!)
        }
        let data = try reader.section("data", in: root, allowed: dataKeys, required: true)!
        let source: DataSource
        if let csv = try reader.string("csv", in: data, expected: "a CSV file path") {
            source = .csv(path: resolve(csv))
        } else if let sqlite = try reader.string("sqlite", in: data, expected: "a SQLite file path") {
            let query = try reader.string("query", in: data, required: true, expected: "the SQL query that yields the cohort table")!
            source = .sqlite(path: resolve(sqlite), query: query)
        } else if let url = try reader.string("postgres", in: data, expected: "a postgres://user@host:port/database URL") {
            let query = try reader.string("query", in: data, required: true, expected: "the SQL query that yields the cohort table")!
            let passwordFile = try reader.string("password_file", in: data, expected: "a file holding the password").map(resolve)
            let passwordEnvironment = try reader.string("password_env", in: data, expected: "an environment variable name")
            let tls = try reader.string("tls", in: data, expected: "disable, require or verify-full")
            let ca = try reader.string("ca", in: data, expected: "the PEM file of the database server's CA").map(resolve)
            do {
                let location = try PostgresLocation(url: url, passwordFile: passwordFile, passwordEnvironment: passwordEnvironment,
                                                    tls: tls, caFile: ca, keys: postgresKeys)
                source = .postgres(location: location, query: query)
            } catch {
                // The key the location's error names (data.postgres, data.tls, …), at its line; never the URL's text.
                let key = (error.key ?? "data.postgres").replacingOccurrences(of: "data.", with: "")
                throw reader.error(.invalidValue, key, in: data, error.message)
            }
        } else {
            throw ConfigurationError(code: .missingKey, file: file, key: "data", line: data.line,
                                     message: "expected csv: PATH, sqlite: PATH with query: SQL, or postgres: URL with query: SQL")
        }
        if case .postgres = source {} else {
            for key in ["password_file", "password_env", "tls", "ca"] where try reader.string(key, in: data, expected: "nothing") != nil {
                throw reader.error(.invalidValue, key, in: data, "only a postgres: source takes \(key)")
            }
        }
        var policy = SitePolicy()
        if let section = try reader.section("policy", in: root, allowed: policyKeys) {
            policy.allowedModels = try reader.strings("allowed_models", in: section, expected: "a list of model classes") ?? []
            policy.allowedMetrics = try reader.strings("allowed_metrics", in: section, expected: "a list of metrics") ?? []
            policy.allowedTechniques = try reader.strings("allowed_techniques", in: section, expected: "a list of techniques") ?? []
            policy.minCell = try reader.int("min_cell", in: section, range: 1...1_000_000) ?? 5
            policy.maxGroups = try reader.int("max_groups", in: section, range: 1...10_000) ?? 16
            policy.maxBootstrap = try reader.int("max_bootstrap", in: section, range: 0...100_000) ?? 10_000
            policy.manualApproval = try reader.bool("manual_approval", in: section) ?? false
            if let action = try reader.string("cross_audit", in: section, expected: "withhold or refuse") {
                guard let parsed = SitePolicy.CrossAuditAction(rawValue: action) else {
                    throw reader.error(.invalidValue, "cross_audit", in: section, "expected withhold or refuse, found '\(action)'")
                }
                policy.crossAudit = parsed
            }
        }
        let revocationListPath = try reader.string("crl", in: tls, expected: "the federation CA's revocation list (PEM) path").map(resolve)
        var whenStale = RevocationList.StalePolicy.warn
        if let policy = try reader.string("crl_when_stale", in: tls, expected: "warn or refuse") {
            guard let value = RevocationList.StalePolicy(rawValue: policy) else {
                throw reader.error(.invalidValue, "crl_when_stale", in: tls, "expected warn or refuse, found '\(policy)'")
            }
            whenStale = value
        }
        var configuration = AgentConfiguration(
            site: site, coordinatorURL: url.hasSuffix("/") ? String(url.dropLast()) : url,
            certificatePath: try path("certificate", "the site certificate (PEM) path"),
            keyPath: try path("key", "the site private key (PEM) path"),
            caPath: try path("ca", "the federation CA certificate (PEM) path"),
            data: source, policy: policy,
            ledgerPath: resolve(try reader.string("ledger", in: root, expected: "a file path") ?? "egress-ledger.jsonl"),
            stateDirectory: resolve(try reader.string("state_dir", in: root, expected: "a folder path") ?? "state"),
            pollSeconds: try reader.int("poll_seconds", in: root, range: 0...120) ?? 20)
        if let section = try reader.section("logging", in: root, allowed: ["format", "level"]) {
            configuration.logging = try LoggingConfiguration.parse(reader, section)
        }
        configuration.revocationListPath = revocationListPath
        configuration.revocationListWhenStale = whenStale
        return configuration
    }
}
