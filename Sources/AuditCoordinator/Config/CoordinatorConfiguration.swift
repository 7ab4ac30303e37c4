import AuditLogging
import AuditPostgres
import AuditPKI
import AuditWire

/// The coordinator's configuration (`coordinator.yaml`), validated at start-up. Relative paths are
/// relative to the configuration file's directory; private keys are paths, never inline.
///
/// ```yaml
/// listen: { host: 127.0.0.1, port: 8443 }      # port 0 picks a free port (see port_file)
/// tls: { certificate: coordinator.pem, key: coordinator-key.pem, ca: ca.pem }
///   # optional: crl: crl.pem (the CA's revocation list, re-read when it changes), crl_when_stale: warn | refuse
/// database: sqlite:fairuse.db                   # or postgres://USER@HOST[:PORT]/DATABASE, with:
/// postgres:                                      # only with a postgres:// database
///   password_file: /run/secrets/fairuse-db       # or password_env: FAIRUSE_DB_PASSWORD (never in the URL)
///   tls: verify-full                             # verify-full (default) | require | disable (loopback only)
///   ca: db-ca.pem                                # the CA of the server's certificate (verify-full)
///   connections: 8                               # at most this many connections (1-64)
/// port_file: coordinator.port                    # optional: the bound port is written here
/// limits: { max_compressed_bytes: 33554432, max_decompressed_bytes: 268435456, long_poll_seconds: 25 }
/// default_deadline_seconds: 7200
/// observability: { listen: "127.0.0.1:9464" }  # optional: plain-HTTP /metrics, /healthz, /readyz
/// logging: { format: json, level: info }        # optional: text (default) or json lines; trace … critical
/// retention: { submissions: 90d, audits: 730d, events: 365d }  # optional; default keeps everything
/// replicas: { combine_lease_seconds: 30 }        # optional: how long a combine claim holds without a heartbeat
/// researchers:                                   # optional: read-only dashboard/report access by token
///   - { name: alice, token_sha256: <64 hex digits> }   # `fairuse coordinator token alice` makes one
/// ```
///
/// Without `researchers`, every connection must present a client certificate at the TLS handshake.
/// With it, a connection may come without one, and then only a researcher token opens the
/// read-only pages; every other endpoint still needs a site or operator certificate.
///
/// `CoordinatorConfiguration+YAML.swift` reads the file; its errors are ``ConfigurationError``s
/// naming the file, line and key.
public struct CoordinatorConfiguration: Sendable, Equatable {
    /// Listen address.
    public var host: String
    /// Listen port (0 = any free port).
    public var port: Int
    /// The coordinator's certificate (PEM).
    public var certificatePath: String
    /// Its private key (PKCS#8 PEM).
    public var keyPath: String
    /// The federation CA (PEM) that signs every client certificate.
    public var caPath: String
    /// The SQLite database file (unused when ``postgres`` is set).
    public var databasePath: String
    /// The PostgreSQL database (`database: postgres://…` and the `postgres:` section); nil for SQLite.
    public var postgres: PostgresLocation?
    /// At most this many PostgreSQL connections (`postgres.connections`).
    public var postgresConnections: Int = 8
    /// Where to write the bound port, if anywhere.
    public var portFile: String?
    /// Largest compressed request body; defaults to the protocol's (§6, `PayloadLimits`).
    public var maxCompressedBytes: Int
    /// Largest inflated request body.
    public var maxDecompressedBytes: Int
    /// Longest long-poll wait; at most the protocol's 60 seconds (§7).
    public var longPollSeconds: Int
    /// Deadline of an audit launched without one.
    public var defaultDeadlineSeconds: Int
    /// The federation CA's revocation list (PEM), if the federation publishes one: checked on every request
    /// and re-read whenever the file changes, so every replica that shares the file applies it.
    public var revocationListPath: String?
    /// What to do once that list is past its nextUpdate: log a warning, or refuse clients (500) until a fresh one.
    public var revocationListWhenStale: RevocationList.StalePolicy = .warn
    /// Researchers with read-only access (dashboard, audit list and reports) by bearer token.
    public var researchers: [ResearcherToken] = []
    /// The plain-HTTP listener for metrics and health probes; nil = none.
    public var observability: ObservabilityConfiguration?
    /// Log format and level (`--log-format`, `--log-level` override them).
    public var logging = LoggingConfiguration()
    /// How long finished audits, their submissions and events are kept; the default keeps everything.
    public var retention = RetentionPolicy()
    /// How long a replica's claim on a combine holds without a heartbeat (renewed every third of it):
    /// how long an audit waits in `combining` after the replica combining it died (Deploy/REPLICAS.md).
    public var combineLeaseSeconds = 30

    /// A researcher's token, stored only as its SHA-256.
    public struct ResearcherToken: Sendable, Equatable {
        /// Who holds it (shown on the dashboard and in logs).
        public var name: String
        /// SHA-256 of the token, 64 lowercase hex digits.
        public var sha256: String
        /// Creates an entry.
        public init(name: String, sha256: String) {
            self.name = name
            self.sha256 = sha256
        }
    }

    /// Creates a configuration.
    public init(host: String = "127.0.0.1", port: Int = 8443, certificatePath: String, keyPath: String, caPath: String,
                databasePath: String, portFile: String? = nil, maxCompressedBytes: Int = PayloadLimits().maxCompressedBytes,
                maxDecompressedBytes: Int = PayloadLimits().maxDecompressedBytes, longPollSeconds: Int = 25, defaultDeadlineSeconds: Int = 7200) {
        self.host = host
        self.port = port
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.caPath = caPath
        self.databasePath = databasePath
        self.portFile = portFile
        self.maxCompressedBytes = maxCompressedBytes
        self.maxDecompressedBytes = maxDecompressedBytes
        self.longPollSeconds = longPollSeconds
        self.defaultDeadlineSeconds = defaultDeadlineSeconds
    }
}
