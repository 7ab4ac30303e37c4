import AuditPostgres
import AuditTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing
@testable import AuditAgent

/// The throwaway PostgreSQL server of `.ci/postgres` (`FAIRUSE_TEST_POSTGRES_URL`,
/// `FAIRUSE_TEST_POSTGRES_PASSWORD_FILE`, `FAIRUSE_TEST_POSTGRES_CA`); every test makes its own
/// database and drops it.
enum PostgresTestServer {
    static let environment = ProcessInfo.processInfo.environment
    /// Whether a server is configured; suites that need it are disabled with ``skipReason`` otherwise.
    static let isAvailable = environment["FAIRUSE_TEST_POSTGRES_URL"] != nil
    static let skipReason: Comment = "FAIRUSE_TEST_POSTGRES_URL is unset: no PostgreSQL server to test the PostgreSQL data source against (bash .ci/postgres start, then source its env)"
    static let logger = Logger(label: "fairuse.test.agent.postgres")

    /// `user@host:port` of the test server, as errors name it (the port is whatever `.ci/postgres` used).
    static var userAtHostPort: String {
        let url = environment["FAIRUSE_TEST_POSTGRES_URL"] ?? ""
        guard let scheme = url.range(of: "://"), let slash = url[scheme.upperBound...].firstIndex(of: "/") else { return url }
        return String(url[scheme.upperBound..<slash])
    }

    /// The `data:` section of an `agent.yaml` for `database` on the test server, parsed as the agent parses it.
    static func source(database: String, query: String, passwordFile: String? = nil, port: Int? = nil) throws -> AgentConfiguration.DataSource {
        var url = environment["FAIRUSE_TEST_POSTGRES_URL"] ?? ""
        url = String(url[..<url.lastIndex(of: "/")!]) + "/" + database
        if let port, let authority = url.range(of: "@"), let slash = url[authority.upperBound...].firstIndex(of: "/") {
            let host = url[authority.upperBound..<slash].split(separator: ":").first.map(String.init) ?? "127.0.0.1"
            url.replaceSubrange(authority.upperBound..<slash, with: "\(host):\(port)")
        }
        let yaml = """
            site: north
            coordinator: https://127.0.0.1:8443
            tls: { certificate: site.pem, key: site-key.pem, ca: ca.pem }
            data:
              postgres: \(url)
              password_file: \(passwordFile ?? environment["FAIRUSE_TEST_POSTGRES_PASSWORD_FILE"] ?? "")
              tls: verify-full
              ca: \(environment["FAIRUSE_TEST_POSTGRES_CA"] ?? "")
              query: "\(query.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n"))"
            """
        return try AgentConfiguration.parse(yaml: yaml, file: "/etc/fairuse/agent.yaml").data
    }

    /// The location of a parsed PostgreSQL source.
    static func location(_ source: AgentConfiguration.DataSource) throws -> PostgresLocation {
        guard case .postgres(let location, _) = source else { throw CancellationError() }
        return location
    }

    /// The server's administrative location (the env's database).
    static func admin() throws -> PostgresLocation {
        try PostgresLocation(url: environment["FAIRUSE_TEST_POSTGRES_URL"] ?? "",
                             passwordFile: environment["FAIRUSE_TEST_POSTGRES_PASSWORD_FILE"],
                             tls: "verify-full", caFile: environment["FAIRUSE_TEST_POSTGRES_CA"])
    }

    /// Creates a database with a unique name, runs `body` with a connection to it and its name, and drops it.
    static func withDatabase<T: Sendable>(_ body: (PostgresConnection, String) async throws -> T) async throws -> T {
        let name = "fairuse_agent_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try admin()
        try await admin.withConnection(logger: logger) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        var location = admin
        location.database = name
        do {
            let value = try await location.withConnection(logger: logger) { try await body($0, name) }
            try await drop(name, admin: admin)
            return value
        } catch {
            try? await drop(name, admin: admin)
            throw error
        }
    }

    private static func drop(_ name: String, admin: PostgresLocation) async throws {
        try await admin.withConnection(logger: logger) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger)
        }
    }

    /// Loads a bundled site's CSV into table `cohort` (with an `id` in file order): every column
    /// `text` as in the file, or typed (`integer`, `smallint`, `bigint`, `numeric`, `double
    /// precision`, `real`, `varchar`), empty fields NULL; the server converts the text.
    static func loadSite(_ site: String, typed: Bool, into connection: PostgresConnection) async throws {
        let (names, rows) = try SQLiteSourceTests.rows(site)
        try await connection.query(PostgresQuery(unsafeSQL: "CREATE TABLE staging (id integer, "
                                                 + names.map { "\($0) text" }.joined(separator: ", ") + ")"), logger: logger)
        for start in stride(from: 0, to: rows.count, by: 500) {
            var bindings = PostgresBindings()
            var tuples: [String] = []
            for (offset, row) in rows[start..<min(start + 500, rows.count)].enumerated() {
                bindings.append(start + offset + 1)
                var slots = ["$\(bindings.count)"]
                for field in row {
                    bindings.append(field)
                    slots.append("$\(bindings.count)")
                }
                tuples.append("(" + slots.joined(separator: ", ") + ")")
            }
            try await connection.query(PostgresQuery(unsafeSQL: "INSERT INTO staging VALUES " + tuples.joined(separator: ", "),
                                                     binds: bindings), logger: logger)
        }
        let types = ["sex": "text", "age_group": "varchar(8)", "sample_yr": "integer", "kappa": "numeric", "lambda": "double precision",
                     "flc_grp": "smallint", "creatinine": "real", "mgus": "bigint", "death_5y": "integer"]
        let columns = names.map { typed ? "NULLIF(\($0), '')::\(types[$0]!) AS \($0)" : $0 }
        try await connection.query(PostgresQuery(unsafeSQL: "CREATE TABLE cohort AS SELECT id, \(columns.joined(separator: ", ")) FROM staging"),
                                   logger: logger)
    }
}
