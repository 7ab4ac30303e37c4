import AuditSpec
import Foundation

/// The site agent's configuration (`agent.yaml`), owned by the hospital and validated at start-up.
/// Relative paths are relative to the file's directory; private keys are paths, never inline.
///
/// ```yaml
/// site: north-hospital
/// coordinator: https://127.0.0.1:8443
/// tls: { certificate: site.pem, key: site-key.pem, ca: ca.pem }
/// data: { csv: data.csv }                 # or { sqlite: data.db, query: "SELECT * FROM cohort" }
/// policy:                                  # default-deny: empty lists allow nothing
///   allowed_models: [logistic_regression]
///   allowed_metrics: [error, auc, ece]
///   allowed_techniques: [onehot, intersectional, decoupled]
///   min_cell: 5
///   max_groups: 16
///   max_bootstrap: 10000
///   manual_approval: false
/// ledger: egress-ledger.jsonl
/// state_dir: state
/// poll_seconds: 20
/// ```
public struct AgentConfiguration: Sendable, Equatable {
    /// Where the data comes from.
    public enum DataSource: Sendable, Equatable {
        /// A CSV file.
        case csv(path: String)
        /// A SQLite database and the query that yields the cohort table.
        case sqlite(path: String, query: String)
    }

    /// This site's id (must match its certificate).
    public var site: String
    /// The coordinator's base URL (https).
    public var coordinatorURL: String
    /// Client certificate, key and the federation CA.
    public var certificatePath: String, keyPath: String, caPath: String
    /// The local data.
    public var data: DataSource
    /// The site's disclosure policy.
    public var policy: SitePolicy
    /// The egress ledger file.
    public var ledgerPath: String
    /// Folder for the agent's own state (completed tasks, approvals).
    public var stateDirectory: String
    /// Long-poll wait in seconds.
    public var pollSeconds: Int

    /// Reads and validates `agent.yaml`.
    public static func load(path: String) throws -> AgentConfiguration {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigurationError(file: path, key: nil, message: "cannot read the file")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : base.appendingPathComponent(p).path }
        let reader = try ConfigurationReader(yaml: text, file: path)
        try reader.allowOnly(["site", "coordinator", "tls", "data", "policy", "ledger", "state_dir", "poll_seconds"])
        let tls = try reader.mapping("tls", allowed: ["certificate", "key", "ca"], required: true)
        let data = try reader.mapping("data", allowed: ["csv", "sqlite", "query"], required: true)
        let policy = try reader.mapping("policy", allowed: ["allowed_models", "allowed_metrics", "allowed_techniques", "min_cell",
                                                            "max_groups", "max_bootstrap", "manual_approval"])
        let site = try reader.string("site", in: nil, required: true)!
        guard site.range(of: "^[a-z0-9][a-z0-9._-]{0,62}$", options: .regularExpression) != nil else {
            throw ConfigurationError(file: path, key: "site", message: "expected a site id of lowercase letters, digits, '.', '_' or '-'")
        }
        let url = try reader.string("coordinator", in: nil, required: true)!
        guard url.hasPrefix("https://") else {
            throw ConfigurationError(file: path, key: "coordinator", message: "expected an https:// URL (plain HTTP is never used)")
        }
        let source: DataSource
        if let csv = try reader.string("csv", in: data) {
            source = .csv(path: resolve(csv))
        } else if let sqlite = try reader.string("sqlite", in: data) {
            guard let query = try reader.string("query", in: data) else {
                throw ConfigurationError(file: path, key: "data.query", message: "a sqlite source needs a query")
            }
            source = .sqlite(path: resolve(sqlite), query: query)
        } else {
            throw ConfigurationError(file: path, key: "data", message: "expected csv: PATH or sqlite: PATH with query:")
        }
        var sitePolicy = SitePolicy()
        sitePolicy.allowedModels = try reader.strings("allowed_models", in: policy) ?? []
        sitePolicy.allowedMetrics = try reader.strings("allowed_metrics", in: policy) ?? []
        sitePolicy.allowedTechniques = try reader.strings("allowed_techniques", in: policy) ?? []
        sitePolicy.minCell = try reader.int("min_cell", in: policy, range: 1...1_000_000) ?? 5
        sitePolicy.maxGroups = try reader.int("max_groups", in: policy, range: 1...10_000) ?? 16
        sitePolicy.maxBootstrap = try reader.int("max_bootstrap", in: policy, range: 0...100_000) ?? 10_000
        sitePolicy.manualApproval = try reader.bool("manual_approval", in: policy) ?? false
        return AgentConfiguration(
            site: site, coordinatorURL: url.hasSuffix("/") ? String(url.dropLast()) : url,
            certificatePath: resolve(try reader.string("certificate", in: tls, required: true)!),
            keyPath: resolve(try reader.string("key", in: tls, required: true)!),
            caPath: resolve(try reader.string("ca", in: tls, required: true)!),
            data: source, policy: sitePolicy,
            ledgerPath: resolve(try reader.string("ledger", in: nil) ?? "egress-ledger.jsonl"),
            stateDirectory: resolve(try reader.string("state_dir", in: nil) ?? "state"),
            pollSeconds: try reader.int("poll_seconds", in: nil, range: 0...120) ?? 20)
    }
}
