import AuditLogging
import AuditPostgres
import AuditSpec
import Foundation
import Testing
@testable import AuditCoordinator

/// One hostile or malformed `coordinator.yaml` and the exact error it must produce.
struct InvalidCoordinatorConfiguration: Sendable, CustomTestStringConvertible {
    var label: String
    var yaml: String
    var code: ConfigurationError.Code
    var key: String?
    var line: Int?
    /// The whole `file:line: key: message` text.
    var description: String
    var testDescription: String { label }
}

/// A minimal valid `coordinator.yaml` (lines 1–5), with `extra` appended from line 6.
private func coordinator(_ extra: String = "") -> String {
    """
    tls:
      certificate: coordinator.pem
      key: coordinator-key.pem
      ca: ca.pem
    database: sqlite:fairuse.db

    """ + extra
}

private let zeros = String(repeating: "0", count: 64)

@Suite("coordinator.yaml errors name the file, line and key, like the spec's")
struct CoordinatorConfigurationTests {
    static let file = "/srv/fairuse/coordinator.yaml"

    static let cases: [InvalidCoordinatorConfiguration] = [
        .init(label: "misspelt top-level key", yaml: coordinator("limts:\n  long_poll_seconds: 5\n"), code: .unknownKey, key: "limts", line: 6,
              description: "\(file):6: limts: unknown key 'limts'; expected one of listen, tls, database, postgres, port_file, limits, default_deadline_seconds, observability, logging, researchers, retention, replicas (did you mean 'limits'?)"),
        .init(label: "misspelt nested key", yaml: coordinator("listen: { host: 0.0.0.0, prot: 8443 }\n"), code: .unknownKey, key: "listen.prot", line: 6,
              description: "\(file):6: listen.prot: unknown key 'prot' in listen; expected one of host, port (did you mean 'port'?)"),
        .init(label: "string for a port", yaml: coordinator("listen:\n  port: https\n"), code: .wrongType, key: "listen.port", line: 7,
              description: "\(file):7: listen.port: expected an integer, found the string 'https'"),
        .init(label: "port out of range", yaml: coordinator("listen:\n  port: 70000\n"), code: .invalidValue, key: "listen.port", line: 7,
              description: "\(file):7: listen.port: expected an integer in 0 … 65535, found 70000"),
        .init(label: "missing tls", yaml: "database: sqlite:fairuse.db\n", code: .missingKey, key: "tls", line: nil,
              description: "\(file): tls: missing required key 'tls'; expected a mapping with the keys certificate, key, ca, crl, crl_when_stale"),
        .init(label: "a stale-list policy other than warn or refuse",
              yaml: coordinator().replacingOccurrences(of: "  ca: ca.pem\n", with: "  ca: ca.pem\n  crl_when_stale: ignore\n"),
              code: .invalidValue, key: "tls.crl_when_stale", line: 5,
              description: "\(file):5: tls.crl_when_stale: expected warn or refuse, found 'ignore'"),
        .init(label: "missing tls.ca", yaml: coordinator().replacingOccurrences(of: "  ca: ca.pem\n", with: ""), code: .missingKey, key: "tls.ca", line: 1,
              description: "\(file):1: tls.ca: missing required key 'ca' in tls; expected the federation CA certificate (PEM) path"),
        .init(label: "PostgreSQL without a user", yaml: coordinator().replacingOccurrences(of: "sqlite:fairuse.db", with: "postgres://db/fairuse"),
              code: .invalidValue, key: "database", line: 5,
              description: "\(file):5: database: 'postgres://db/fairuse' names no user (USER@ before the host); expected postgres://USER@HOST[:PORT]/DATABASE"),
        .init(label: "neither sqlite nor postgres", yaml: coordinator().replacingOccurrences(of: "sqlite:fairuse.db", with: "mysql:fairuse"),
              code: .invalidValue, key: "database", line: 5,
              description: "\(file):5: database: expected sqlite:PATH or postgres://USER@HOST[:PORT]/DATABASE"),
        .init(label: "a password in the database URL",
              yaml: coordinator().replacingOccurrences(of: "sqlite:fairuse.db", with: "postgres://fairuse:s3cret@db.example.org/fairuse"),
              code: .invalidValue, key: "database", line: 5,
              description: "\(file):5: database: the URL contains a password (user:password@…), which is not shown here and not accepted in a URL; put the password in a file named by postgres.password_file or in an environment variable named by postgres.password_env, and write postgres://USER@HOST[:PORT]/DATABASE"),
        .init(label: "a postgres section beside a SQLite database", yaml: coordinator("postgres: { tls: require }\n"),
              code: .invalidValue, key: "postgres", line: 6,
              description: "\(file):6: postgres: the postgres section is read only with database: postgres://USER@HOST[:PORT]/DATABASE"),
        .init(label: "TLS off to a remote database",
              yaml: coordinator("postgres:\n  password_file: pw\n  tls: disable\n").replacingOccurrences(of: "sqlite:fairuse.db", with: "postgres://fairuse@db.example.org/fairuse"),
              code: .invalidValue, key: "postgres.tls", line: 8,
              description: "\(file):8: postgres.tls: tls: disable is accepted only for a loopback host, and db.example.org is not one: the login and every row would cross the network unencrypted; use verify-full (with postgres.ca) or require"),
        .init(label: "unknown TLS mode",
              yaml: coordinator("postgres: { tls: prefer }\n").replacingOccurrences(of: "sqlite:fairuse.db", with: "postgres://fairuse@db.example.org/fairuse"),
              code: .invalidValue, key: "postgres.tls", line: 6,
              description: "\(file):6: postgres.tls: expected disable, require or verify-full, found 'prefer'"),
        .init(label: "two password sources",
              yaml: coordinator("postgres: { password_file: pw, password_env: PGPW }\n").replacingOccurrences(of: "sqlite:fairuse.db", with: "postgres://fairuse@db.example.org/fairuse"),
              code: .invalidValue, key: "postgres.password_file", line: 6,
              description: "\(file):6: postgres.password_file: set either postgres.password_file or postgres.password_env, not both"),
        .init(label: "an inline password key",
              yaml: coordinator("postgres: { password: s3cret }\n").replacingOccurrences(of: "sqlite:fairuse.db", with: "postgres://fairuse@db.example.org/fairuse"),
              code: .unknownKey, key: "postgres.password", line: 6,
              description: "\(file):6: postgres.password: unknown key 'password' in postgres; expected one of password_file, password_env, tls, ca, connections (did you mean 'password_file'?)"),
        .init(label: "too many connections",
              yaml: coordinator("postgres: { connections: 500 }\n").replacingOccurrences(of: "sqlite:fairuse.db", with: "postgres://fairuse@db.example.org/fairuse"),
              code: .invalidValue, key: "postgres.connections", line: 6,
              description: "\(file):6: postgres.connections: expected an integer in 1 … 64, found 500"),
        .init(label: "researchers as a mapping", yaml: coordinator("researchers: { name: alice }\n"), code: .wrongType, key: "researchers", line: 6,
              description: "\(file):6: researchers: expected a list of mappings with the keys name, token_sha256, found a mapping"),
        .init(label: "misspelt researcher key", yaml: coordinator("researchers:\n  - { name: alice, token_sha: \(zeros) }\n"),
              code: .unknownKey, key: "researchers[0].token_sha", line: 7,
              description: "\(file):7: researchers[0].token_sha: unknown key 'token_sha' in researchers[0]; expected one of name, token_sha256 (did you mean 'token_sha256'?)"),
        .init(label: "a token where its hash belongs", yaml: coordinator("researchers:\n  - name: alice\n    token_sha256: s3cret-token\n"),
              code: .invalidValue, key: "researchers[0].token_sha256", line: 8,
              description: "\(file):8: researchers[0].token_sha256: expected 64 lowercase hex digits (the SHA-256 of the token, not the token)"),
        .init(label: "researcher without a name", yaml: coordinator("researchers:\n  - token_sha256: \(zeros)\n"),
              code: .missingKey, key: "researchers[0].name", line: 7,
              description: "\(file):7: researchers[0].name: missing required key 'name' in researchers[0]; expected the researcher's name"),
        .init(label: "unclosed mapping", yaml: coordinator("limits: { long_poll_seconds: 5\nport_file: p\n"), code: .yamlSyntax, key: nil, line: 7,
              description: "\(file):7: invalid YAML at column 10: did not find expected ',' or '}' (while parsing a flow mapping, line 6)"),
        .init(label: "metrics listener on every interface", yaml: coordinator("observability: { listen: \"0.0.0.0:9464\" }\n"),
              code: .invalidValue, key: "observability.listen", line: 6,
              description: "\(file):6: observability.listen: 0.0.0.0:9464 is not a loopback address, and this listener is plain HTTP without client certificates; use 127.0.0.1:PORT, or add allow_non_loopback: true if only trusted scrapers can reach that address"),
        .init(label: "metrics listener without a port", yaml: coordinator("observability: { listen: localhost }\n"),
              code: .invalidValue, key: "observability.listen", line: 6,
              description: "\(file):6: observability.listen: expected host:port (or [v6]:port) with a port 0–65535, e.g. 127.0.0.1:9464, found 'localhost'"),
        .init(label: "unknown log level", yaml: coordinator("logging: { level: loud }\n"), code: .invalidValue, key: "logging.level", line: 6,
              description: "\(file):6: logging.level: expected one of trace, debug, info, notice, warning, error, critical, found 'loud'"),
        .init(label: "a combine lease too short for its heartbeat", yaml: coordinator("replicas: { combine_lease_seconds: 1 }\n"),
              code: .invalidValue, key: "replicas.combine_lease_seconds", line: 6,
              description: "\(file):6: replicas.combine_lease_seconds: expected an integer in 3 … 3600, found 1"),
        .init(label: "misspelt replicas key", yaml: coordinator("replicas:\n  combine_lease: 30\n"),
              code: .unknownKey, key: "replicas.combine_lease", line: 7,
              description: "\(file):7: replicas.combine_lease: unknown key 'combine_lease' in replicas; expected one of combine_lease_seconds (did you mean 'combine_lease_seconds'?)"),
        .init(label: "duplicate key", yaml: coordinator("database: sqlite:other.db\n"), code: .duplicate, key: "database", line: 5,
              description: "\(file):5: database: key 'database' appears more than once in the same mapping (first at line 5)"),
    ]

    @Test(arguments: cases)
    func rejects(_ bad: InvalidCoordinatorConfiguration) throws {
        let error = try #require(throws: ConfigurationError.self) {
            try CoordinatorConfiguration.parse(yaml: bad.yaml, file: Self.file)
        }
        #expect(error.code == bad.code)
        #expect(error.file == Self.file)
        #expect(error.key == bad.key)
        #expect(error.line == bad.line)
        #expect(error.description == bad.description)
        #expect(!error.description.contains("s3cret"))
    }

    @Test func readsThePostgresSectionAndResolvesItsPaths() throws {
        let yaml = coordinator("""
            postgres:
              password_file: secrets/db-password
              tls: verify-full
              ca: db-ca.pem
              connections: 12
            """).replacingOccurrences(of: "sqlite:fairuse.db", with: "postgres://fairuse@db.example.org:6432/audits")
        let config = try CoordinatorConfiguration.parse(yaml: yaml, file: Self.file)
        let location = try #require(config.postgres)
        #expect(location.description == "fairuse@db.example.org:6432/audits")
        #expect(location.password == .file("/srv/fairuse/secrets/db-password"))
        #expect(location.tls == .verifyFull)
        #expect(location.caFile == "/srv/fairuse/db-ca.pem")
        #expect(location.keys.tls == "postgres.tls")
        #expect(config.postgresConnections == 12)
        #expect(config.databasePath == "")
        // SQLite stays the default, with no PostgreSQL location.
        #expect(try CoordinatorConfiguration.parse(yaml: coordinator(), file: Self.file).postgres == nil)
    }

    @Test func readsEveryKeyAndResolvesPathsAgainstTheFile() throws {
        let yaml = coordinator("""
            listen: { host: 0.0.0.0, port: 0 }
            port_file: coordinator.port
            limits: { max_compressed_bytes: 2048, long_poll_seconds: 5 }
            default_deadline_seconds: 60
            researchers:
              - { name: alice, token_sha256: \(zeros) }

            """)
        let configuration = try CoordinatorConfiguration.parse(yaml: yaml, file: Self.file)
        #expect(configuration.host == "0.0.0.0" && configuration.port == 0)
        #expect(configuration.caPath == "/srv/fairuse/ca.pem" && configuration.databasePath == "/srv/fairuse/fairuse.db")
        #expect(configuration.portFile == "/srv/fairuse/coordinator.port")
        #expect(configuration.maxCompressedBytes == 2048 && configuration.maxDecompressedBytes == 256 << 20)   // protocol §6 default
        #expect(configuration.longPollSeconds == 5 && configuration.defaultDeadlineSeconds == 60)
        #expect(configuration.researchers == [.init(name: "alice", sha256: zeros)])
        #expect(configuration.observability == nil && configuration.logging == .init())
    }

    @Test func readsObservabilityAndLogging() throws {
        let yaml = coordinator("""
            observability: { listen: "[::1]:9464", port_file: metrics.port }
            logging: { format: json, level: debug }

            """)
        let configuration = try CoordinatorConfiguration.parse(yaml: yaml, file: Self.file)
        #expect(configuration.observability == ObservabilityConfiguration(listen: ListenAddress(host: "::1", port: 9464),
                                                                          portFile: "/srv/fairuse/metrics.port"))
        #expect(configuration.logging == .init(format: .json, level: .debug))
        let open = try CoordinatorConfiguration.parse(
            yaml: coordinator("observability: { listen: \"10.0.0.5:9464\", allow_non_loopback: true }\n"), file: Self.file)
        #expect(open.observability?.listen == ListenAddress(host: "10.0.0.5", port: 9464) && open.observability?.allowNonLoopback == true)
    }

    /// The combine lease: 30 s unless `replicas.combine_lease_seconds` says otherwise.
    @Test func readsTheCombineLease() throws {
        #expect(try CoordinatorConfiguration.parse(yaml: coordinator(), file: Self.file).combineLeaseSeconds == 30)
        let configuration = try CoordinatorConfiguration.parse(yaml: coordinator("replicas: { combine_lease_seconds: 12 }\n"), file: Self.file)
        #expect(configuration.combineLeaseSeconds == 12)
    }

    /// The shipped example and the defaults say what protocol.md §6–§7 say: 32 MiB on the wire,
    /// 256 MiB inflated, long-poll capped within 0 … 60 s (the numbers are the document's, written here).
    @Test func theExampleConfigurationAndTheDefaultsCarryTheProtocolsLimits() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Deploy/coordinator.example.yaml").standardizedFileURL.path
        let configuration = try CoordinatorConfiguration.load(path: example)
        #expect(configuration.maxCompressedBytes == 32 * 1024 * 1024)
        #expect(configuration.maxDecompressedBytes == 256 * 1024 * 1024)
        #expect((0...60).contains(configuration.longPollSeconds))
        let defaults = try CoordinatorConfiguration.parse(yaml: coordinator(""), file: Self.file)
        #expect(defaults.maxCompressedBytes == 32 * 1024 * 1024 && defaults.maxDecompressedBytes == 256 * 1024 * 1024)
        #expect(throws: ConfigurationError.self) {
            try CoordinatorConfiguration.parse(yaml: coordinator("limits: { long_poll_seconds: 61 }\n"), file: Self.file)
        }
    }
}
