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

    /// Inserts `rows` (each with one value per column) with multi-row `INSERT … VALUES (…), (…)`
    /// statements of at most `rowsPerStatement` rows, in order. One statement per chunk instead of one
    /// per row: a launch of 200 sites wrote ~400 rows one by one, 1.7 s on PostgreSQL over TLS
    /// (`fairuse benchmark load`), where each statement is a round trip.
    func insert(into table: String, columns: [String], rows: [StoreArguments], rowsPerStatement: Int = 100) throws {
        let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + rowsPerStatement, rows.count)]
            precondition(chunk.allSatisfy { $0.count == columns.count }, "insert(into: \(table)): a row has the wrong number of values")
            try execute("INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
                        + Array(repeating: placeholders, count: chunk.count).joined(separator: ", "),
                        Array(chunk.joined()))
            start += chunk.count
        }
    }

    /// `FOR UPDATE` on PostgreSQL (lock the rows read until commit), nothing on SQLite, whose single
    /// writer already serialises write transactions.
    var forUpdate: String { dialect == .postgres ? " FOR UPDATE" : "" }
}

/// `ids` in chunks of at most `size`, each with its `?, ?, …` list, for `… WHERE id IN (\(marks))`
/// queries: one statement per chunk instead of one per id (each a round trip on PostgreSQL).
/// A chunk's list is padded to a power of two by repeating its last id (harmless in `IN`), so a
/// query has at most ⌈log₂ size⌉ + 1 distinct texts for the statement caches, not one per length.
func inListChunks<ID>(_ ids: [ID], size: Int = 256) -> [(marks: String, ids: [ID])] {
    stride(from: 0, to: ids.count, by: size).map { start in
        var chunk = Array(ids[start..<min(start + size, ids.count)])
        let padded = 1 << (Int.bitWidth - (chunk.count - 1).leadingZeroBitCount)
        if chunk.count > 1 { chunk += Array(repeating: chunk[chunk.count - 1], count: padded - chunk.count) }
        return (Array(repeating: "?", count: chunk.count).joined(separator: ", "), chunk)
    }
}

extension StoreRow {
    /// The name of the first column, as the backend reported it.
    var firstColumn: String? { columnOrder.first }
}
