import AuditCoordinator
import AuditPostgres
import Foundation
import Logging
import PostgresNIO

/// The coordinator store a load benchmark runs on.
public enum BenchmarkDatabase: Sendable, Equatable {
    /// A throwaway SQLite file in the work folder.
    case sqlite
    /// A PostgreSQL server: the benchmark creates a database of its own there
    /// (`fairuse_load_<random>`, through the URL's database and credentials), runs the coordinator on
    /// it, and drops it at the end, so runs never share state and the URL's database is left as it was.
    case postgres(PostgresLocation)

    /// `sqlite` or `postgres`, for the figures.
    public var name: String {
        switch self {
        case .sqlite: "sqlite"
        case .postgres: "postgres"
        }
    }

    static let logger = Logger(label: "fairuse.benchmark", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Makes the store ready: for PostgreSQL, creates the run's database (a wrong password or an
    /// untrusted server is named here with its flag, before anything starts).
    func prepare(root: String) async throws -> PreparedStore {
        switch self {
        case .sqlite:
            return PreparedStore(yaml: "database: sqlite:\(root)/coordinator.db", dispose: {})
        case .postgres(let server):
            var generator = SystemRandomNumberGenerator()
            let name = "fairuse_load_" + (0..<12).map { _ in String(UInt8.random(in: 0...15, using: &generator), radix: 16) }.joined()
            try await server.withConnection(logger: Self.logger) { connection in
                _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: Self.logger)
            }
            var own = server
            own.database = name
            return PreparedStore(yaml: CoordinatorConfiguration.databaseYAML(own), dispose: {
                _ = try? await server.withConnection(logger: Self.logger) { connection in
                    _ = try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"),
                                                   logger: Self.logger)
                }
            })
        }
    }
}

/// A store made ready for one run, and how to remove it afterwards.
struct PreparedStore: Sendable {
    /// The `database…` lines of coordinator.yaml.
    let yaml: String
    /// Removes what ``BenchmarkDatabase/prepare(root:)`` made (after the coordinator stopped).
    let dispose: @Sendable () async -> Void
}
