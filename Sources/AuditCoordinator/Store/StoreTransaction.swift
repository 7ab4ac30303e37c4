import Foundation

/// The SQL dialect of a backend, for the few statements that differ.
enum StoreDialect: String, Sendable {
    case sqlite
    case postgres
}

/// Arguments of one statement, in `?` order.
typealias StoreArguments = [(any StoreBindable)?]

/// One open transaction on either backend: the seam every store method and ``AuditLifecycle`` use,
/// so their logic is written once, synchronously, and runs on SQLite and PostgreSQL alike.
///
/// Statements use `?` placeholders (the PostgreSQL backend rewrites them to `$1, $2, …`) and the
/// SQL both dialects share; where they differ, code asks ``dialect``. A transaction is used only
/// inside the closure that received it, on that closure's thread.
protocol StoreTransaction {
    /// Which backend this is.
    var dialect: StoreDialect { get }

    /// Runs one statement and returns the number of rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: StoreArguments) throws -> Int

    /// Runs one query and returns all its rows.
    func fetchAll(_ sql: String, _ arguments: StoreArguments) throws -> [StoreRow]
}

extension StoreTransaction {
    /// Runs one statement without arguments.
    @discardableResult
    func execute(_ sql: String) throws -> Int { try execute(sql, []) }

    /// The first row of a query, or nil.
    func fetchOne(_ sql: String, _ arguments: StoreArguments = []) throws -> StoreRow? {
        try fetchAll(sql, arguments).first
    }

    /// Whether a query returns at least one row.
    func exists(_ sql: String, _ arguments: StoreArguments = []) throws -> Bool {
        try fetchOne(sql, arguments) != nil
    }

    /// The first column of each row, as `T`.
    func fetchColumn<T: StoreReadable>(_ sql: String, _ arguments: StoreArguments = [], as type: T.Type = T.self) throws -> [T] {
        try fetchAll(sql, arguments).map { row in
            guard let column = row.firstColumn else { throw StoreError.corrupt("a query returned no column") }
            return try row.get(column, as: T.self)
        }
    }

    /// `FOR UPDATE` on PostgreSQL (lock the rows read until commit), nothing on SQLite, whose single
    /// writer already serialises write transactions.
    var forUpdate: String { dialect == .postgres ? " FOR UPDATE" : "" }
}

extension StoreRow {
    /// The name of the first column, as the backend reported it.
    var firstColumn: String? { columnOrder.first }
}
