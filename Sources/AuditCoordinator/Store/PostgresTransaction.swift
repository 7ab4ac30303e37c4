import Foundation
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// A PostgreSQL connection inside one transaction, seen through the seam. Runs on a thread of the
/// backend's thread pool (never an event loop), so it may wait for postgres-nio's futures.
struct PostgresTransaction: StoreTransaction {
    let connection: PostgresConnection
    let logger: Logger
    /// How many statements the body may still run, when it runs outside a transaction; nil inside one.
    var statements: StatementBudget? = nil

    var dialect: StoreDialect { .postgres }

    func execute(_ sql: String, _ arguments: StoreArguments) throws -> Int {
        try run(sql, arguments).metadata.rows ?? 0
    }

    func fetchAll(_ sql: String, _ arguments: StoreArguments) throws -> [StoreRow] {
        try run(sql, arguments).rows.map(Self.row)
    }

    private func run(_ sql: String, _ arguments: StoreArguments) throws -> PostgresQueryResult {
        try statements?.spend(sql)
        var binds = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument?.storeValue ?? .null {
            case .null: binds.appendNull()
            case .integer(let number): binds.append(number)
            case .real(let number): binds.append(number)
            case .text(let text): binds.append(text)
            case .blob(let bytes): binds.append(ByteBuffer(bytes: bytes))
            case .date(let date): binds.append(date)
            case .bool(let flag): binds.append(flag)
            }
        }
        let query = PostgresQuery(unsafeSQL: Self.numbered(sql), binds: binds)
        do {
            return try connection.query(query, logger: logger).wait()
        } catch {
            throw PostgresStatementFailure(error)
        }
    }

    /// The store's statements are a fixed set of texts (`IN` lists padded to powers of two), so
    /// each is numbered once per process, not on every run (it showed in profiles under load).
    private static let numberedTexts = Mutex<[String: String]>([:])

    /// ``numberedPlaceholders(_:)`` of `sql`, remembered (at most 4,096 texts, then started over).
    static func numbered(_ sql: String) -> String {
        if let known = numberedTexts.withLock({ $0[sql] }) { return known }
        let numbered = numberedPlaceholders(sql)
        numberedTexts.withLock { texts in
            if texts.count >= 4_096 { texts.removeAll(keepingCapacity: true) }
            texts[sql] = numbered
        }
        return numbered
    }

    /// `?` → `$1, $2, …`, outside string literals, quoted identifiers and comments.
    static func numberedPlaceholders(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.count + 16)
        var number = 0
        var quote: Character?
        var lineComment = false
        var previous: Character?
        for character in sql {
            if lineComment {
                if character == "\n" { lineComment = false }
            } else if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "-" && previous == "-" {
                lineComment = true
            } else if character == "?" {
                number += 1
                out += "$\(number)"
                previous = character
                continue
            }
            out.append(character)
            previous = character
        }
        return out
    }

    private static func row(_ row: PostgresRow) -> StoreRow {
        StoreRow(columns: row.map { cell in (cell.columnName, value(of: cell)) })
    }

    private static func value(of cell: PostgresCell) -> StoreValue {
        guard cell.bytes != nil else { return .null }
        do {
            switch cell.dataType {
            case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
            case .float4, .float8: return .real(try cell.decode(Double.self))
            case .bool: return .bool(try cell.decode(Bool.self))
            case .bytea:
                var buffer = try cell.decode(ByteBuffer.self)
                return .blob(buffer.readData(length: buffer.readableBytes) ?? Data())
            case .timestamptz, .timestamp: return .date(try cell.decode(Date.self))
            default: return .text(try cell.decode(String.self))
            }
        } catch {
            // A column type the store never creates: reported as an unreadable value by StoreRow.
            return .blob(Data())
        }
    }
}

/// A statement or connection failure on PostgreSQL: the SQLSTATE and the server's one-line message
/// (which names tables and constraints; statement arguments are never included), or the kind of
/// connection failure.
struct PostgresStatementFailure: Error, Sendable {
    /// The SQLSTATE, or nil when the connection failed rather than the statement.
    let sqlState: String?
    /// The server's primary message, or the connection failure.
    let message: String

    init(sqlState: String?, message: String) {
        self.sqlState = sqlState
        self.message = message
    }

    init(_ error: any Error) {
        if let error = error as? PostgresStatementFailure {
            self = error
        } else if let error = error as? PSQLError, error.code == .server {
            self.init(sqlState: error.serverInfo?[.sqlState], message: error.serverInfo?[.message] ?? "no message")
        } else if let error = error as? PSQLError {
            self.init(sqlState: nil, message: "the connection failed (\(error.code))")
        } else {
            self.init(sqlState: nil, message: "the connection failed (\(type(of: error)))")
        }
    }

    /// Serialization failure, deadlock or unique violation: the transaction may succeed if run again
    /// (the store's write closures check before they insert, so a rerun sees the winner's row).
    var isRetryable: Bool { sqlState == "40001" || sqlState == "40P01" || sqlState == "23505" }
}

/// The statements left to a body that runs outside a transaction (``Store/readStatement(_:_:)``):
/// one statement is atomic by itself, two are not, so the second is refused before it runs.
final class StatementBudget: @unchecked Sendable {
    // Used by one thread at a time: the body runs on one pool thread, synchronously.
    private var left: Int

    init(_ statements: Int) { left = statements }

    func spend(_ sql: String) throws {
        guard left > 0 else {
            throw StoreError(code: .database, message: "a single-statement store call ran a second statement: "
                             + String(sql.prefix(60)).replacingOccurrences(of: "\n", with: " "))
        }
        left -= 1
    }
}
