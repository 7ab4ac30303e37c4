import AuditLogging
import AuditPKI
import AuditPostgres
import Foundation

/// The site agent's configuration (`agent.yaml`), owned by the hospital and validated at start-up.
/// Relative paths are relative to the file's directory; private keys are paths, never inline.
///
/// ```yaml
/// site: north-hospital
/// coordinator: https://127.0.0.1:8443
/// tls: { certificate: site.pem, key: site-key.pem, ca: ca.pem }
///   # optional: crl: crl.pem (the CA's revocation list; the agent keeps the newest it fetches there),
///   #           crl_when_stale: warn | refuse
/// data: { csv: data.csv }                 # or { sqlite: data.db, query: "SELECT * FROM cohort" }
///   # or { postgres: postgres://audit@warehouse.example.org:5432/omop, password_file: pg-password,
///   #      tls: verify-full, ca: warehouse-ca.pem, query: "SELECT … FROM …" }  (Deploy/README.md)
/// policy:                                  # default-deny: empty lists allow nothing
///   allowed_models: [logistic_regression]
///   allowed_metrics: [error, auc, ece]
///   allowed_techniques: [onehot, intersectional, decoupled]
///   min_cell: 5
///   max_groups: 16
///   max_bootstrap: 10000
///   manual_approval: false
///   cross_audit: withhold                  # or refuse: when earlier releases + this one would disclose
/// ledger: egress-ledger.jsonl
/// state_dir: state
/// poll_seconds: 20
/// logging: { format: text, level: info }  # optional: json for one object per line; trace … critical
/// ```
///
/// `AgentConfiguration+YAML.swift` reads the file; its errors are ``ConfigurationError``s naming
/// the file, line and key.
public struct AgentConfiguration: Sendable, Equatable {
    /// Where the data comes from.
    public enum DataSource: Sendable, Equatable {
        /// A CSV file.
        case csv(path: String)
        /// A SQLite database and the query that yields the cohort table.
        case sqlite(path: String, query: String)
        /// A PostgreSQL database (its keys are `data.postgres`, `data.password_file` or
        /// `data.password_env`, `data.tls`, `data.ca`) and the query that yields the cohort table.
        case postgres(location: PostgresLocation, query: String)
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
    /// Folder for the agent's own state (completed tasks, approvals, the release register).
    public var stateDirectory: String
    /// Long-poll wait in seconds.
    public var pollSeconds: Int
    /// Where the federation CA's revocation list is kept (`tls.crl`): read at start, replaced by newer lists
    /// fetched from the coordinator. Without it the agent still checks, with the lists it fetches, in memory.
    public var revocationListPath: String? = nil
    /// What to do when the list is past its nextUpdate (`tls.crl_when_stale`).
    public var revocationListWhenStale: RevocationList.StalePolicy = .warn
    /// Log format and level (`--log-format`, `--log-level` override them).
    public var logging = LoggingConfiguration()
}
