import AuditPostgres

/// Where the store's rows live: SQLite (``SQLiteBackend``) or PostgreSQL (``PostgresBackend``).
///
/// A backend runs a synchronous closure inside one transaction and maps its failures to
/// ``StoreError`` naming `operation`. A write closure may run more than once (PostgreSQL retries it
/// after a serialization failure or deadlock), so it must have no effect outside the database.
protocol StoreBackend: Sendable {
    /// The dialect of the backend's SQL.
    var dialect: StoreDialect { get }
    /// The PostgreSQL database, or nil for SQLite.
    var postgresLocation: PostgresLocation? { get }
    /// How errors name the store: `the store at /var/lib/fairuse.db` or `the store at user@host:port/db`.
    var name: String { get }

    /// Runs `body` in one write transaction (all or nothing).
    func write<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T

    /// Runs `body` in one read-only, consistent snapshot.
    func read<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T

    /// Runs `body`, which makes exactly one statement, as that statement alone (``Store/readStatement(_:_:)``).
    func readStatement<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T

    /// Runs `body`, which makes exactly one statement, as that statement alone (``Store/writeStatement(_:_:)``).
    func writeStatement<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T

    /// Releases connections (PostgreSQL); nothing for SQLite.
    func close() async

    /// Opens the connections a serving coordinator will use (PostgreSQL); nothing for SQLite.
    /// Returns how many are open.
    func openConnections() async -> Int
}

extension StoreBackend {
    func openConnections() async -> Int { 1 }

    func readStatement<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await read(operation, body)
    }

    func writeStatement<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await write(operation, body)
    }
}
