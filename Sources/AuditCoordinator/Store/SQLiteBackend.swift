import AuditPostgres
import Foundation
import GRDB

/// The SQLite backend: a GRDB `DatabaseWriter` (a WAL `DatabasePool` for a file, a `DatabaseQueue` in
/// memory). GRDB serialises writes, so a write transaction never needs a retry here.
struct SQLiteBackend: StoreBackend {
    let writer: any DatabaseWriter
    /// `the store at PATH` or `an in-memory store`, for errors.
    let name: String

    var dialect: StoreDialect { .sqlite }
    var postgresLocation: PostgresLocation? { nil }

    func write<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        do {
            return try await writer.write { db in try body(SQLiteTransaction(db: db)) }
        } catch let error as DatabaseError {
            throw StoreError.database(error, during: operation)
        }
    }

    func read<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        do {
            return try await writer.read { db in try body(SQLiteTransaction(db: db)) }
        } catch let error as DatabaseError {
            throw StoreError.database(error, during: operation)
        }
    }

    func close() async {}
}

/// A GRDB `Database` inside one transaction, seen through the seam.
///
/// Statements come from the connection's statement cache: the store's SQL is a fixed set of texts
/// with `?` arguments, and compiling one (parser plus GRDB's authorizer callbacks) cost more than
/// running it on every request of a busy coordinator (measured with `fairuse benchmark load`).
struct SQLiteTransaction: StoreTransaction {
    let db: Database

    var dialect: StoreDialect { .sqlite }

    func execute(_ sql: String, _ arguments: StoreArguments) throws -> Int {
        try db.cachedStatement(sql: sql).execute(arguments: Self.arguments(arguments))
        return db.changesCount
    }

    func fetchAll(_ sql: String, _ arguments: StoreArguments) throws -> [StoreRow] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: Self.arguments(arguments)).map(Self.row)
    }

    private static func arguments(_ values: StoreArguments) -> StatementArguments {
        StatementArguments(values.map { value -> DatabaseValue in
            switch value?.storeValue ?? .null {
            case .null: .null
            case .integer(let number): number.databaseValue
            case .real(let number): number.databaseValue
            case .text(let text): text.databaseValue
            case .blob(let bytes): bytes.databaseValue
            case .date(let date): date.databaseValue
            case .bool(let flag): flag.databaseValue
            }
        })
    }

    private static func row(_ row: Row) -> StoreRow {
        StoreRow(columns: zip(row.columnNames, row.databaseValues).map { name, value in
            switch value.storage {
            case .null: (name, .null)
            case .int64(let number): (name, .integer(number))
            case .double(let number): (name, .real(number))
            case .string(let text): (name, .text(text))
            case .blob(let bytes): (name, .blob(bytes))
            }
        }, textDate: { Date.fromDatabaseValue($0.databaseValue) })
    }
}
