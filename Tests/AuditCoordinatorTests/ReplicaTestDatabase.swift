import AuditTestSupport
import AuditPostgres
import Foundation
import Logging
import PostgresNIO
import Testing

/// The throwaway PostgreSQL server of `.ci/postgres` (FAIRUSE_TEST_POSTGRES_URL, _PASSWORD_FILE,
/// _CA), for the replica tests: each test gets a database of its own, dropped afterwards.
enum ReplicaTestDatabase {
    static let environment = ProcessInfo.processInfo.environment
    /// Whether a server is configured; suites that need it are disabled with ``skipReason`` otherwise.
    static let isAvailable = environment["FAIRUSE_TEST_POSTGRES_URL"] != nil
    static let skipReason: Comment = "FAIRUSE_TEST_POSTGRES_URL is unset: no PostgreSQL server for the replica tests (bash .ci/postgres start DIR, then source DIR/env)"
    static let logger: Logger = {
        var logger = Logger(label: "fairuse.test.replicas")
        logger.logLevel = .warning
        return logger
    }()

    /// Creates a uniquely named database, runs `body` with its location, and drops it (forcing
    /// out any session left open): the one throwaway-database helper, `AuditTestSupport.TestPostgres`.
    static func withDatabase<T: Sendable>(_ body: (PostgresLocation) async throws -> T) async throws -> T {
        try await TestPostgres.withDatabase(body)
    }

    /// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
    static func eventually(timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async rethrows -> Bool {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }
}
