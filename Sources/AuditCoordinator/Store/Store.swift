import AuditPostgres
import Foundation
import GRDB

/// The coordinator's durable state: sites, audits, site tasks, submissions and the event log, in SQLite
/// (one file) or PostgreSQL (shared by coordinator replicas).
///
/// A value that can be shared freely across tasks. Every method that changes state runs in one write
/// transaction (all or nothing) through the backend seam (``StoreTransaction``), so the logic is written
/// once for both backends. Methods that change an audit or a task go through ``AuditStateMachine``
/// (see ``AuditLifecycle``), so every transition is persisted with its `event` rows. Nothing here logs;
/// statement arguments never appear in errors.
public struct Store: Sendable {
    let backend: any StoreBackend

    /// Wraps `backend` and brings its schema up to date (refusing a schema newer than this binary).
    init(backend: any StoreBackend, migrations: [StoreMigration] = StoreSchema.migrations) async throws {
        self.backend = backend
        do {
            try await StoreMigrator.migrate(backend, migrations: migrations)
        } catch {
            await backend.close()
            throw error
        }
    }

    /// Opens (creating if needed) the SQLite file at `path` as a WAL-mode pool and runs pending migrations.
    public static func open(path: String) async throws -> Store {
        try await open(path: path, migrations: StoreSchema.migrations)
    }

    static func open(path: String, migrations: [StoreMigration]) async throws -> Store {
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration())
        } catch let error as DatabaseError {
            throw StoreError.database(error, during: "opening the store at \(path)")
        }
        return try await Store(backend: SQLiteBackend(writer: pool, name: "the store at \(path)"), migrations: migrations)
    }

    /// Connects to the PostgreSQL database at `location` and runs pending migrations. A wrong password,
    /// an unreachable server or an untrusted certificate fails here, naming the key and `user@host:port/db`.
    /// `connections` bounds the connections (and threads) this store uses.
    public static func open(postgres location: PostgresLocation, connections: Int = 8) async throws -> Store {
        try await open(postgres: location, connections: connections, migrations: StoreSchema.migrations)
    }

    static func open(postgres location: PostgresLocation, connections: Int = 8, migrations: [StoreMigration]) async throws -> Store {
        try await Store(backend: try await PostgresBackend(location: location, connections: connections), migrations: migrations)
    }

    /// Opens the backend's pool of connections now rather than during the first requests
    /// (PostgreSQL; a serving coordinator calls it once at start). Returns how many are open.
    @discardableResult
    public func openConnections() async -> Int {
        await backend.openConnections()
    }

    /// A fresh, private in-memory SQLite database (for tests and `fairuse local`), migrated.
    public static func inMemory() async throws -> Store {
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(configuration: configuration())
        } catch let error as DatabaseError {
            throw StoreError.database(error, during: "opening an in-memory store")
        }
        return try await Store(backend: SQLiteBackend(writer: queue, name: "an in-memory store"))
    }

    /// The PostgreSQL database this store uses, or nil for SQLite: what coordinator replicas share (for
    /// LISTEN/NOTIFY wake-ups and advisory locks of their own, on connections of their own).
    public var postgresLocation: PostgresLocation? { backend.postgresLocation }

    /// How errors name this store: `the store at PATH` or `the store at user@host:port/db`.
    public var name: String { backend.name }

    /// Closes the store's PostgreSQL connections (nothing for SQLite). The store must not be used after.
    public func close() async { await backend.close() }

    /// The names of the migrations applied to this database, oldest first.
    public func appliedMigrations() async throws -> [String] {
        let applied = try await StoreMigrator.appliedNames(backend)
        return StoreSchema.names.filter(applied.contains) + applied.subtracting(StoreSchema.names).sorted()
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
    /// On PostgreSQL `body` may run more than once (see ``PostgresBackend``): no side effects outside it.
    func write<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await backend.write(operation, body)
    }

    /// Runs `body` in a read-only snapshot; database errors become ``StoreError`` naming `operation`.
    func read<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await backend.read(operation, body)
    }

    /// Runs `body`, which makes exactly one read statement, as that statement alone.
    ///
    /// One statement is atomic and sees one snapshot by itself, so on PostgreSQL it needs no
    /// `BEGIN` and `COMMIT`: one round trip instead of three. Every agent request makes a few such
    /// reads and writes (its certificate, its ledger head, its contact time), and those round trips
    /// were most of the coordinator's and the server's work under load (`fairuse benchmark load`).
    /// A second statement in `body` is refused (a ``StoreError`` naming it), so a method that grows
    /// a statement fails its tests on PostgreSQL instead of silently losing its atomicity.
    func readStatement<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await backend.readStatement(operation, body)
    }

    /// Runs `body`, which makes exactly one write statement, as that statement alone (see
    /// ``readStatement(_:_:)``); a statement is atomic by itself, and retried like a write.
    func writeStatement<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await backend.writeStatement(operation, body)
    }
}

extension Store {
    /// Runs one raw statement in a write transaction and returns the rows it changed. For tests and
    /// repair tools that must reach below the store's methods; errors are ``StoreError``s.
    func execute(raw sql: String, _ arguments: StoreArguments = []) async throws -> Int {
        try await write("running a raw statement") { tx in try tx.execute(sql, arguments) }
    }

    /// Runs one raw query and returns the first column of each row as text (NULL as nil).
    func column(raw sql: String, _ arguments: StoreArguments = []) async throws -> [String?] {
        try await read("running a raw query") { tx in
            try tx.fetchAll(sql, arguments).map { row -> String? in
                guard let name = row.firstColumn else { return nil }
                switch row.values[name] ?? .null {
                case .null: return nil
                case .integer(let number): return String(number)
                case .real(let number): return String(number)
                case .text(let text): return text
                case .bool(let flag): return flag ? "1" : "0"
                case .blob, .date: return try row.get(name, as: String?.self)
                }
            }
        }
    }
}
