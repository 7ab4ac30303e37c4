import Foundation
import GRDB

/// The coordinator's durable state in SQLite: sites, audits, site tasks, submissions and the event log.
///
/// A value that can be shared freely across tasks: GRDB serialises writes, and every method that changes
/// state runs in one write transaction (all or nothing). Methods that change an audit or a task go through
/// ``AuditStateMachine`` (see ``AuditLifecycle``), so every transition is persisted with its `event` rows.
/// Nothing here logs; statement arguments never appear in errors (`publicStatementArguments` stays off).
public struct Store: Sendable {
    /// The connection: a `DatabasePool` (WAL) for a file, a `DatabaseQueue` in memory.
    let writer: any DatabaseWriter

    /// Wraps `writer` and brings its schema up to date.
    init(writer: any DatabaseWriter) throws {
        self.writer = writer
        do {
            try StoreSchema.migrator.migrate(writer)
        } catch let error as DatabaseError {
            throw StoreError.database(error, during: "migrating the store")
        }
    }

    /// Opens (creating if needed) the database file at `path` as a WAL-mode pool and runs pending migrations.
    public static func open(path: String) throws -> Store {
        do {
            return try Store(writer: DatabasePool(path: path, configuration: configuration()))
        } catch let error as DatabaseError {
            throw StoreError.database(error, during: "opening the store at \(path)")
        }
    }

    /// A fresh, private in-memory database (for tests and `fairuse local`), migrated.
    public static func inMemory() throws -> Store {
        do {
            return try Store(writer: DatabaseQueue(configuration: configuration()))
        } catch let error as DatabaseError {
            throw StoreError.database(error, during: "opening an in-memory store")
        }
    }

    /// The names of the migrations applied to this database, oldest first.
    public func appliedMigrations() async throws -> [String] {
        try await read("listing migrations") { db in try StoreSchema.migrator.appliedMigrations(db) }
    }

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.label = "fairuse.coordinator.store"
        configuration.foreignKeysEnabled = true
        // Statement arguments carry site payloads: keep them out of error descriptions.
        configuration.publicStatementArguments = false
        // Another process (e.g. the sqlite3 shell) holding a lock makes writers wait, not fail at once.
        configuration.busyMode = .timeout(5)
        return configuration
    }

    // MARK: - Transactions

    /// Runs `body` in one write transaction; database errors become ``StoreError`` naming `operation`.
    func write<T: Sendable>(_ operation: String, _ body: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.write(body)
        } catch let error as DatabaseError {
            throw StoreError.database(error, during: operation)
        }
    }

    /// Runs `body` in a read-only snapshot; database errors become ``StoreError`` naming `operation`.
    func read<T: Sendable>(_ operation: String, _ body: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.read(body)
        } catch let error as DatabaseError {
            throw StoreError.database(error, during: operation)
        }
    }
}
