import AuditTable
import Foundation
import GRDB

/// A SQLite data source (`data: { sqlite: FILE, query: SQL }`): the query runs read-only and its
/// rows stream from a GRDB cursor into the audit's table (``StreamedRows``); nothing is written.
///
/// SQLite's storage classes map to cells as the old CSV export spelled them: INTEGER → integer,
/// REAL → double, TEXT → text, NULL → missing. A BLOB has no CSV spelling and is refused, naming
/// the column and row.
enum SQLiteSource {
    /// Runs `query` and streams its rows into a table with `kinds`; returns the table and the rows' digest.
    static func read(database path: String, query: String, label: String,
                     kinds: [String: ColumnKind]) throws -> (table: DataTable, digest: String) {
        let queue = try open(path)
        return try queue.read { db in
            let statement = try prepare(db, query)
            let names = statement.columnNames
            var rows = try StreamedRows(label: label, columns: names, kinds: kinds)
            let cursor = try Row.fetchCursor(statement)
            var cells = [TableCell](repeating: .missing, count: names.count)
            while let row = try cursor.next() {
                for i in names.indices {
                    switch (row[i] as DatabaseValue).storage {
                    case .null: cells[i] = .missing
                    case .int64(let v): cells[i] = .integer(v)
                    case .double(let v): cells[i] = .real(v)
                    case .string(let v): cells[i] = .text(v)
                    case .blob:
                        throw DataError(code: .invalidData, file: label, row: rows.rowCount + 1, column: names[i],
                                        message: "expected text or a number, found a binary value (BLOB); cast it in data.query")
                    }
                }
                try rows.append(cells)
            }
            return try rows.finish()
        }
    }

    /// The query's result columns; the statement is prepared, not run.
    static func columns(database path: String, query: String) throws -> [String] {
        try open(path).read { db in try prepare(db, query).columnNames }
    }

    private static func open(_ path: String) throws -> DatabaseQueue {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SourceError(key: "data.sqlite", "no SQLite database at the configured path; expected an existing file")
        }
        var configuration = Configuration()
        configuration.readonly = true
        do {
            return try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw SourceError(key: "data.sqlite", "the SQLite database cannot be opened read-only (\(Self.reason(error)))")
        }
    }

    private static func prepare(_ db: Database, _ query: String) throws -> Statement {
        do {
            return try db.makeStatement(sql: query)
        } catch {
            throw SourceError(key: "data.query", "SQLite refused the query (\(Self.reason(error))); expected a SELECT that yields the cohort table")
        }
    }

    /// SQLite's own words (e.g. `no such table: cohort`), without the statement or its arguments.
    private static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "SQLite error \(error.resultCode.rawValue)" }
        return "\(error)"
    }
}
