import AuditCore
import Foundation

/// One result row, read by column name, the same on both backends.
///
/// Reads are typed and throwing: a column that is missing or holds another kind of value is a
/// `database` ``StoreError`` naming the column and the kinds, never the value and never a crash.
struct StoreRow: Sendable {
    /// The row's values by column name (the first of duplicate names wins).
    let values: [String: StoreValue]
    /// The column names in the order the query returned them.
    let columnOrder: [String]
    /// Parses a date stored as text (SQLite); PostgreSQL returns `timestamptz` values as dates.
    let textDate: @Sendable (String) -> Date?

    init(columns: [(String, StoreValue)], textDate: @escaping @Sendable (String) -> Date? = { _ in nil }) {
        self.values = Dictionary(columns, uniquingKeysWith: { first, _ in first })
        self.columnOrder = columns.map(\.0)
        self.textDate = textDate
    }

    /// The value of `column` as `T` (an optional `T` reads NULL as nil).
    func get<T: StoreReadable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let value = values[column] else { throw StoreError.corrupt("a row has no column \(column)") }
        guard let converted = T(storeValue: value, textDate: textDate) else {
            throw StoreError.corrupt("column \(column) holds \(value.kind), expected \(T.self)")
        }
        return converted
    }

    /// The identifier in `column`, or a `database` error naming `what` and the column.
    func identifier<ID: ValidatedIdentifier>(_ column: String, of what: String) throws -> ID {
        guard let text = try? get(column, as: String.self), let id = ID(rawValue: text) else {
            throw StoreError.corrupt("\(what) has a malformed \(column)")
        }
        return id
    }

    /// The optional identifier in `column` (NULL is nil), or a `database` error when it is malformed.
    func optionalIdentifier<ID: ValidatedIdentifier>(_ column: String, of what: String) throws -> ID? {
        if case .null? = values[column] { return nil }
        return try identifier(column, of: what) as ID
    }
}
