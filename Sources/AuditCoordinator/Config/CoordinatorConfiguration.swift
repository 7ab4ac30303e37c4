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
/// ```
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
        try reader.allowOnly(["listen", "tls", "database", "port_file", "limits", "default_deadline_seconds"])
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
        return config
    }
}

