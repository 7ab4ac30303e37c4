import AuditPostgres
import AuditTable
import Logging
import PostgresNIO

/// A PostgreSQL data source (`data: { postgres: URL, password_file: …, tls: …, ca: …, query: SQL }`),
/// for a warehouse such as an OMOP CDM: the query's rows stream from postgres-nio's row sequence
/// (which applies back-pressure: the server sends more only as rows are consumed) into the audit's
/// table (``StreamedRows``). No row is collected or written.
///
/// Column types map to cells: `smallint`/`integer`/`bigint` → integer, `double precision` →
/// double, `real` → its shortest decimal text, `numeric` → the server's exact decimal text
/// (``PostgresNumericText``), `text`/`varchar`/`char`/`name` → text, `boolean` → `true`/`false`,
/// NULL → missing. Other types are refused before any row is read, naming the column and its type.
/// Errors name the `agent.yaml` key and `user@host:port/db`, never the password; a server message
/// that may quote a value (a data exception) is withheld.
enum PostgresSource {
    /// The PostgreSQL types a cell is read from.
    static let readable: Set<PostgresDataType> = [.int2, .int4, .int8, .float4, .float8, .numeric, .text, .varchar,
                                                   .bpchar, .name, .bool]

    /// Runs `query` and streams its rows into a table with `kinds`; returns the table and the rows' digest.
    static func read(_ location: PostgresLocation, query: String, label: String,
                     kinds: [String: ColumnKind]) async throws -> (table: DataTable, digest: String) {
        try await location.withConnection(logger: logger) { connection in
            let rows = try await run(query, on: connection, location: location)
            let columns = Array(rows.columns)
            try checkTypes(columns, location: location)
            let names = columns.map(\.name)
            var stream = try StreamedRows(label: label, columns: names, kinds: kinds)
            var cells = [TableCell](repeating: .missing, count: names.count)
            do {
                for try await row in rows {
                    for (i, cell) in row.enumerated() {
                        cells[i] = try Self.cell(cell, row: stream.rowCount + 1, label: label)
                    }
                    try stream.append(cells)
                }
            } catch let error as PSQLError {
                throw failure(error, location: location)
            }
            return try stream.finish()
        }
    }

    /// The query's result columns, from the query run wrapped so it returns no rows
    /// (`SELECT * FROM (<query>) AS q LIMIT 0`): the server plans and checks it, nothing is read.
    static func columns(_ location: PostgresLocation, query: String) async throws -> [String] {
        try await location.withConnection(logger: logger) { connection in
            let rows = try await run("SELECT * FROM (\(trimmed(query))) AS q LIMIT 0", on: connection, location: location)
            let columns = Array(rows.columns)
            for try await _ in rows {}
            try checkTypes(columns, location: location)
            return columns.map(\.name)
        }
    }

    /// postgres-nio logs at debug with statements; the agent's log keeps to warnings from it.
    static let logger: Logger = {
        var logger = Logger(label: "fairuse.agent.postgres")
        logger.logLevel = .warning
        return logger
    }()

    /// The query without the trailing semicolons and spaces a wrapped subquery cannot have.
    static func trimmed(_ query: String) -> String {
        var text = Substring(query)
        while let last = text.last, last == ";" || last.isWhitespace { text.removeLast() }
        return String(text)
    }

    private static func run(_ sql: String, on connection: PostgresConnection,
                            location: PostgresLocation) async throws -> PostgresRowSequence {
        do {
            return try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        } catch let error as PSQLError {
            throw failure(error, location: location)
        }
    }

    /// Refuses a result column of a type the audit does not read, before any row is.
    private static func checkTypes(_ columns: [PostgresColumn], location: PostgresLocation) throws {
        for column in columns where !readable.contains(column.dataType) {
            throw SourceError(key: "data.query", """
                column '\(column.name)' of the query on \(location) has PostgreSQL type \(column.dataType); expected \
                smallint, integer, bigint, real, double precision, numeric, text, varchar, char or boolean — cast it \
                in the query (e.g. EXTRACT(YEAR FROM \(column.name)) or \(column.name)::text)
                """)
        }
    }

    /// One cell; errors name the row and column, never the value.
    static func cell(_ cell: PostgresCell, row: Int, label: String) throws -> TableCell {
        guard var bytes = cell.bytes else { return .missing }
        let value: TableCell?
        switch cell.dataType {
        case .int2: value = bytes.readInteger(as: Int16.self).map { .integer(Int64($0)) }
        case .int4: value = bytes.readInteger(as: Int32.self).map { .integer(Int64($0)) }
        case .int8: value = bytes.readInteger(as: Int64.self).map { .integer($0) }
        case .float4: value = bytes.readInteger(as: UInt32.self).map { Float(bitPattern: $0) }.map { .text($0.isNaN ? "nan" : $0.description) }
        case .float8: value = bytes.readInteger(as: UInt64.self).map { .real(Double(bitPattern: $0)) }
        case .numeric: value = PostgresNumericText.text(&bytes).map { .text($0) }
        case .bool: value = bytes.readInteger(as: UInt8.self).map { .text($0 == 0 ? "false" : "true") }
        default: value = bytes.readString(length: bytes.readableBytes).map { .text($0) }
        }
        guard let value, bytes.readableBytes == 0 else {
            throw DataError(code: .invalidData, file: label, row: row, column: cell.columnName,
                            message: "the server sent a \(cell.dataType) value that could not be decoded")
        }
        return value
    }

    /// A server error while running the query: its SQLSTATE and, when it cannot quote a data
    /// value, its message; a connection lost mid-query names the server.
    static func failure(_ error: PSQLError, location: PostgresLocation) -> any Error {
        guard error.code == .server, let state = error.serverInfo?[.sqlState] else {
            return location.connectionFailure(error)
        }
        let said = error.serverInfo?[.message] ?? "no message"
        // Class 42 (syntax, undefined table or column, privilege) and 3F (schema) speak of the
        // query's names; other classes (22 data exceptions above all) may quote a row's value.
        if state.hasPrefix("42") || state.hasPrefix("3F") {
            return SourceError(key: "data.query", "the server refused the query on \(location) (SQLSTATE \(state): \(said)); "
                               + "expected a SELECT that yields the cohort table")
        }
        return SourceError(key: "data.query", "the query failed on \(location) with SQLSTATE \(state) (the server's message "
                           + "is withheld: it may quote a value of the data); run the query in psql to see it")
    }
}
