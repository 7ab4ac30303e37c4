import AuditPostgres
import Foundation
import Logging
import PostgresNIO
import Testing

/// The throwaway PostgreSQL server of `.ci/postgres`, found through `FAIRUSE_TEST_POSTGRES_URL`,
/// `FAIRUSE_TEST_POSTGRES_PASSWORD_FILE` and `FAIRUSE_TEST_POSTGRES_CA`.
enum TestServer {
    static let environment = ProcessInfo.processInfo.environment
    /// Whether a server is configured; suites that need it are disabled with ``skipReason`` otherwise.
    static let isAvailable = environment["FAIRUSE_TEST_POSTGRES_URL"] != nil
    static let skipReason: Comment = "FAIRUSE_TEST_POSTGRES_URL is unset: no PostgreSQL server to test against (bash .ci/postgres start, then source its env)"
    static let logger = Logger(label: "fairuse.test.postgres")

    /// The server's location with TLS verified against its CA and the password from its file.
    static func location(database: String? = nil) throws -> PostgresLocation {
        var location = try PostgresLocation(url: environment["FAIRUSE_TEST_POSTGRES_URL"] ?? "",
                                            passwordFile: environment["FAIRUSE_TEST_POSTGRES_PASSWORD_FILE"],
                                            tls: "verify-full", caFile: environment["FAIRUSE_TEST_POSTGRES_CA"])
        if let database { location.database = database }
        return location
    }

    /// Creates a database with a unique name, runs `body` with its location, and drops it.
    static func withDatabase<T: Sendable>(_ body: (PostgresLocation) async throws -> T) async throws -> T {
        let name = "fairuse_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try location()
        try await admin.withConnection(logger: logger) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        do {
            let value = try await body(try location(database: name))
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
}
