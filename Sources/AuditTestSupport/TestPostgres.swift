import AuditPostgres
import Foundation
import Logging
import PostgresNIO

/// The throwaway PostgreSQL server of `.ci/postgres`, found through `FAIRUSE_TEST_POSTGRES_URL`,
/// `FAIRUSE_TEST_POSTGRES_PASSWORD_FILE` and `FAIRUSE_TEST_POSTGRES_CA`. Every test that uses it
/// creates its own database with a unique name and drops it at the end, so parallel tests (and other
/// people's test runs against the same server) never see each other's rows.
public enum TestPostgres {
    static let environment = ProcessInfo.processInfo.environment
    /// Whether a server is configured; PostgreSQL tests are skipped, saying so, when it is not.
    public static let isAvailable = environment["FAIRUSE_TEST_POSTGRES_URL"] != nil
    /// The message of a skipped PostgreSQL test.
    public static let skipReason = "FAIRUSE_TEST_POSTGRES_URL is unset: no PostgreSQL server to test against (bash .ci/postgres start, then source its env)"
    static let logger = Logger(label: "fairuse.test.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The server's own database, with TLS verified against its CA and the password from its file.
    public static func serverLocation() throws -> PostgresLocation {
        try PostgresLocation(url: environment["FAIRUSE_TEST_POSTGRES_URL"] ?? "",
                             passwordFile: environment["FAIRUSE_TEST_POSTGRES_PASSWORD_FILE"],
                             tls: "verify-full", caFile: environment["FAIRUSE_TEST_POSTGRES_CA"])
    }

    /// Creates an empty database with a unique name (`fairuse_test_<uuid>`) and returns its location.
    public static func createDatabase() async throws -> PostgresLocation {
        let name = "fairuse_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let server = try serverLocation()
        try await server.withConnection(logger: logger) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        var location = server
        location.database = name
        return location
    }

    /// Drops the database of `location` (closing any connection still open to it).
    public static func dropDatabase(_ location: PostgresLocation) async throws {
        precondition(location.database.hasPrefix("fairuse_test_"), "only test databases are dropped")
        try await serverLocation().withConnection(logger: logger) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(location.database) WITH (FORCE)"), logger: logger)
        }
    }

    /// Creates a database, runs `body` with its location, and drops it whatever `body` does.
    public static func withDatabase<T: Sendable>(_ body: (PostgresLocation) async throws -> T) async throws -> T {
        let location = try await createDatabase()
        do {
            let value = try await body(location)
            try await dropDatabase(location)
            return value
        } catch {
            try? await dropDatabase(location)
            throw error
        }
    }

    /// Runs one SQL statement (no arguments) on the database of `location`, on a connection of its own,
    /// and returns the first column of every row as text: an oracle independent of the store's code.
    public static func query(_ sql: String, in location: PostgresLocation) async throws -> [String?] {
        try await location.withConnection(logger: logger) { connection in
            var out: [String?] = []
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            for try await row in rows {
                let cell = row.first
                out.append(try cell.flatMap { $0.bytes == nil ? nil : try $0.decode(String.self) })
            }
            return out
        }
    }
}
