import AuditSpec
import Foundation

/// The coordinator's configuration (`coordinator.yaml`), validated at start-up. Relative paths are
/// relative to the configuration file's directory; private keys are paths, never inline.
///
/// ```yaml
/// listen: { host: 127.0.0.1, port: 8443 }      # port 0 picks a free port (see port_file)
/// tls: { certificate: coordinator.pem, key: coordinator-key.pem, ca: ca.pem }
/// database: sqlite:fairuse.db
/// port_file: coordinator.port                    # optional: the bound port is written here
/// limits: { max_compressed_bytes: 67108864, max_decompressed_bytes: 536870912, long_poll_seconds: 25 }
/// default_deadline_seconds: 7200
/// researchers:                                   # optional: read-only dashboard/report access by token
///   - { name: alice, token_sha256: <64 hex digits> }   # `fairuse coordinator token alice` makes one
/// ```
///
/// Without `researchers`, every connection must present a client certificate at the TLS handshake.
/// With it, a connection may come without one, and then only a researcher token opens the
/// read-only pages; every other endpoint still needs a site or operator certificate.
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
    /// The SQLite database file.
    public var databasePath: String
    /// Where to write the bound port, if anywhere.
    public var portFile: String?
    /// Largest compressed request body.
    public var maxCompressedBytes: Int
    /// Largest inflated request body.
    public var maxDecompressedBytes: Int
    /// Longest long-poll wait.
    public var longPollSeconds: Int
    /// Deadline of an audit launched without one.
    public var defaultDeadlineSeconds: Int
    /// Researchers with read-only access (dashboard, audit list and reports) by bearer token.
    public var researchers: [ResearcherToken] = []

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
                databasePath: String, portFile: String? = nil, maxCompressedBytes: Int = 64 << 20,
                maxDecompressedBytes: Int = 512 << 20, longPollSeconds: Int = 25, defaultDeadlineSeconds: Int = 7200) {
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

    /// Reads and validates `coordinator.yaml`.
    public static func load(path: String) throws -> CoordinatorConfiguration {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigurationError(file: path, key: nil, message: "cannot read the file")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        let reader = try ConfigurationReader(yaml: text, file: path)
        try reader.allowOnly(["listen", "tls", "database", "port_file", "limits", "default_deadline_seconds", "researchers"])
        let listen = try reader.mapping("listen", allowed: ["host", "port"])
        let tls = try reader.mapping("tls", allowed: ["certificate", "key", "ca"], required: true)
        let limits = try reader.mapping("limits", allowed: ["max_compressed_bytes", "max_decompressed_bytes", "long_poll_seconds"])
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : base.appendingPathComponent(p).path }
        let database = try reader.string("database", in: nil, required: true)!
        guard database.hasPrefix("sqlite:") else {
            throw ConfigurationError(file: path, key: "database", message: "expected sqlite:PATH (PostgreSQL is not supported yet)")
        }
        var config = CoordinatorConfiguration(
            host: try reader.string("host", in: listen) ?? "127.0.0.1",
            port: try reader.int("port", in: listen, range: 0...65535) ?? 8443,
            certificatePath: resolve(try reader.string("certificate", in: tls, required: true)!),
            keyPath: resolve(try reader.string("key", in: tls, required: true)!),
            caPath: resolve(try reader.string("ca", in: tls, required: true)!),
            databasePath: resolve(String(database.dropFirst("sqlite:".count))))
        config.portFile = try reader.string("port_file", in: nil).map(resolve)
        config.maxCompressedBytes = try reader.int("max_compressed_bytes", in: limits, range: 1024...(1 << 30)) ?? config.maxCompressedBytes
        config.maxDecompressedBytes = try reader.int("max_decompressed_bytes", in: limits, range: 1024...(1 << 32)) ?? config.maxDecompressedBytes
        config.longPollSeconds = try reader.int("long_poll_seconds", in: limits, range: 0...120) ?? config.longPollSeconds
        config.defaultDeadlineSeconds = try reader.int("default_deadline_seconds", in: nil, range: 1...(86400 * 365)) ?? config.defaultDeadlineSeconds
        config.researchers = try researchers(reader.value("researchers"), file: path)
        return config
    }

    /// Parses `researchers`: a list of `{name, token_sha256}` with unique names.
    public static func researchers(_ value: Any?, file: String) throws -> [ResearcherToken] {
        guard let value else { return [] }
        guard let list = value as? [Any] else {
            throw ConfigurationError(file: file, key: "researchers", message: "expected a list of {name, token_sha256}")
        }
        var out: [ResearcherToken] = []
        for (index, item) in list.enumerated() {
            let key = "researchers[\(index)]"
            guard let entry = item as? [String: Any], Set(entry.keys) == ["name", "token_sha256"],
                  let name = entry["name"] as? String, let hash = entry["token_sha256"] as? String else {
                throw ConfigurationError(file: file, key: key, message: "expected exactly the keys name and token_sha256")
            }
            guard !name.isEmpty, name.utf8.count <= 64, name.allSatisfy({ $0.isLetter || $0.isNumber || "._-@".contains($0) }) else {
                throw ConfigurationError(file: file, key: key + ".name", message: "expected 1–64 letters, digits, '.', '_', '-' or '@'")
            }
            guard hash.utf8.count == 64, hash.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
                throw ConfigurationError(file: file, key: key + ".token_sha256", message: "expected 64 lowercase hex digits (the SHA-256 of the token, not the token)")
            }
            guard !out.contains(where: { $0.name == name }) else {
                throw ConfigurationError(file: file, key: key + ".name", message: "duplicate researcher name \(name)")
            }
            out.append(ResearcherToken(name: name, sha256: hash))
        }
        return out
    }
}

