import AuditPostgres
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// The PostgreSQL backend: a few connections, each used by one transaction at a time on a thread of
/// the backend's own thread pool, so the store's synchronous closures can wait for postgres-nio.
///
/// Write transactions run at READ COMMITTED and lock what they change first (the audit row, with
/// `SELECT … FOR UPDATE` in ``AuditLifecycle``; the site row when a site changes), so concurrent
/// coordinator replicas sharing the database serialise per audit and per site. A write that fails
/// with a serialization failure (40001), a deadlock (40P01) or a unique violation (23505, a
/// concurrent insert of the same key) is rolled back and run again, at most ``maxAttempts`` times;
/// the closure has no effect outside the database, so a rerun is safe. Reads run in a READ ONLY,
/// REPEATABLE READ snapshot.
final class PostgresBackend: StoreBackend {
    let location: PostgresLocation
    let maxAttempts = 12
    /// Connections at most, one per thread.
    let connections: Int
    private let threads: NIOThreadPool
    private let idle = Mutex<[PostgresConnection]>([])
    private let nextID = Mutex<Int>(0)
    private let logger = Logger(label: "fairuse.coordinator.store.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    var dialect: StoreDialect { .postgres }
    var postgresLocation: PostgresLocation? { location }
    var name: String { "the store at \(location)" }

    /// Connects once (so a wrong password or an unreachable server fails here, clearly) and keeps the
    /// connection for the first transaction. `connections` bounds the threads and so the connections.
    init(location: PostgresLocation, connections: Int = 8) async throws {
        self.location = location
        self.connections = max(1, connections)
        self.threads = NIOThreadPool(numberOfThreads: self.connections)
        threads.start()
        do {
            let first = try await location.connect(logger: logger, id: 0)
            idle.withLock { $0.append(first) }
        } catch {
            try? await threads.shutdownGracefully()
            throw error
        }
    }

    deinit {
        for connection in idle.withLock({ $0 }) { Self.discard(connection) }
        threads.shutdownGracefully { _ in }
    }

    /// Opens the pool's remaining connections at once. Opened on demand, they arrived in the first
    /// burst of requests (each a TLS handshake, a SCRAM exchange and a server process: tens of
    /// milliseconds), which made the first agents' requests the slowest (`fairuse benchmark load`).
    /// A connection that cannot be opened now is opened on demand later, as before.
    func openConnections() async -> Int {
        let missing = connections - idle.withLock { $0.count }
        guard missing > 0 else { return connections }
        let base = nextID.withLock { value in defer { value += missing }; return value + 1 }
        let opened = await withTaskGroup(of: PostgresConnection?.self) { group in
            for k in 0..<missing {
                group.addTask { try? await self.location.connect(logger: self.logger, id: base + k) }
            }
            var opened: [PostgresConnection] = []
            for await connection in group { if let connection { opened.append(connection) } }
            return opened
        }
        return idle.withLock { idle in
            idle += opened
            return idle.count
        }
    }

    func close() async {
        let connections = idle.withLock { all in defer { all = [] }; return all }
        for connection in connections { try? await connection.close() }
    }

    func write<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await threads.runIfActive { try self.transaction(operation, write: true, body) }
    }

    func read<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await threads.runIfActive { try self.transaction(operation, write: false, body) }
    }

    func readStatement<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await threads.runIfActive { try self.transaction(operation, write: false, alone: true, body) }
    }

    func writeStatement<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await threads.runIfActive { try self.transaction(operation, write: true, alone: true, body) }
    }

    /// Runs `body` in a transaction on a pooled connection, retrying retryable failures of writes;
    /// `alone`, its one statement runs by itself, without `BEGIN` and `COMMIT` (``Store/readStatement(_:_:)``).
    private func transaction<T>(_ operation: String, write: Bool, alone: Bool = false,
                                _ body: (any StoreTransaction) throws -> T) throws -> T {
        var attempt = 1
        while true {
            let connection = try checkOut()
            let transaction = PostgresTransaction(connection: connection, logger: logger, statements: alone ? StatementBudget(1) : nil)
            do {
                if !alone {
                    try transaction.execute(write ? "BEGIN ISOLATION LEVEL READ COMMITTED" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                }
                let value = try body(transaction)
                if !alone { try transaction.execute("COMMIT") }
                checkIn(connection)
                return value
            } catch {
                let failure = error as? PostgresStatementFailure
                if failure == nil || failure?.sqlState != nil {
                    // The connection is fine; end the transaction (if one is open) and keep it.
                    if alone || (try? transaction.execute("ROLLBACK")) != nil { checkIn(connection) } else { Self.discard(connection) }
                } else {
                    Self.discard(connection)
                }
                guard let failure else { throw error }
                if write && failure.isRetryable && attempt < maxAttempts {
                    attempt += 1
                    // A short, growing, jittered pause lets the winner commit before the rerun.
                    usleep(UInt32.random(in: 1_000...(2_000 * UInt32(attempt))))
                    continue
                }
                throw StoreError.postgres(failure, during: operation, in: location)
            }
        }
    }

    private func checkOut() throws -> PostgresConnection {
        while let connection = idle.withLock({ $0.popLast() }) {
            if !connection.isClosed { return connection }
        }
        let id = nextID.withLock { value in value += 1; return value }
        do {
            let configuration = try location.connectionConfiguration()
            return try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration,
                                                  id: id, logger: logger).wait()
        } catch {
            let described = location.connectionFailure(error)
            throw StoreError(code: .database, message: "\(name): \(described.message)")
        }
    }

    /// Closes `connection` without waiting, keeping it alive until the close completes (postgres-nio
    /// asserts that a connection is closed before it is released).
    private static func discard(_ connection: PostgresConnection) {
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    private func checkIn(_ connection: PostgresConnection) {
        idle.withLock { $0.append(connection) }
    }
}

extension StoreError {
    /// A PostgreSQL failure without statement arguments: the operation, the server's SQLSTATE and message.
    static func postgres(_ failure: PostgresStatementFailure, during operation: String, in location: PostgresLocation) -> StoreError {
        let state = failure.sqlState.map { "PostgreSQL \($0)" } ?? "PostgreSQL at \(location)"
        return StoreError(code: .database, message: "\(operation): \(state): \(failure.message)")
    }
}
