import AuditCore
import Foundation

/// One SQL value as the store passes it to either backend (SQLite through GRDB, PostgreSQL through
/// postgres-nio) and reads it back. Dates and booleans keep their kind so each backend stores them its
/// own way (SQLite: GRDB's text format and 0/1; PostgreSQL: `timestamptz` and `boolean`).
enum StoreValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
    case date(Date)
    case bool(Bool)

    /// The kind, for messages (never the value: it may be a site's payload).
    var kind: String {
        switch self {
        case .null: "NULL"
        case .integer: "an integer"
        case .real: "a real"
        case .text: "text"
        case .blob: "a blob"
        case .date: "a timestamp"
        case .bool: "a boolean"
        }
    }
}

/// A Swift value that can be a statement argument.
protocol StoreBindable: Sendable {
    /// The value as the store binds it.
    var storeValue: StoreValue { get }
}

/// A Swift value that can be read from a column; `nil` when the stored value has another kind.
protocol StoreReadable {
    /// Converts `value`; `textDate` parses a date stored as text (SQLite's representation).
    init?(storeValue value: StoreValue, textDate: (String) -> Date?)
}

extension String: StoreBindable, StoreReadable {
    var storeValue: StoreValue { .text(self) }
    init?(storeValue value: StoreValue, textDate: (String) -> Date?) {
        guard case .text(let text) = value else { return nil }
        self = text
    }
}

extension Int64: StoreBindable, StoreReadable {
    var storeValue: StoreValue { .integer(self) }
    init?(storeValue value: StoreValue, textDate: (String) -> Date?) {
        switch value {
        case .integer(let number): self = number
        case .bool(let flag): self = flag ? 1 : 0
        default: return nil
        }
    }
}

extension Int: StoreBindable, StoreReadable {
    var storeValue: StoreValue { .integer(Int64(self)) }
    init?(storeValue value: StoreValue, textDate: (String) -> Date?) {
        guard let number = Int64(storeValue: value, textDate: textDate) else { return nil }
        self = Int(number)
    }
}

extension Double: StoreBindable, StoreReadable {
    var storeValue: StoreValue { .real(self) }
    init?(storeValue value: StoreValue, textDate: (String) -> Date?) {
        switch value {
        case .real(let number): self = number
        case .integer(let number): self = Double(number)
        default: return nil
        }
    }
}

extension Bool: StoreBindable, StoreReadable {
    var storeValue: StoreValue { .bool(self) }
    init?(storeValue value: StoreValue, textDate: (String) -> Date?) {
        switch value {
        case .bool(let flag): self = flag
        case .integer(let number): self = number != 0
        default: return nil
        }
    }
}

extension Data: StoreBindable, StoreReadable {
    var storeValue: StoreValue { .blob(self) }
    init?(storeValue value: StoreValue, textDate: (String) -> Date?) {
        guard case .blob(let bytes) = value else { return nil }
        self = bytes
    }
}

extension Date: StoreBindable, StoreReadable {
    var storeValue: StoreValue { .date(self) }
    init?(storeValue value: StoreValue, textDate: (String) -> Date?) {
        switch value {
        case .date(let date): self = date
        case .text(let text):
            guard let date = textDate(text) else { return nil }
            self = date
        default: return nil
        }
    }
}

extension Optional: StoreBindable where Wrapped: StoreBindable {
    var storeValue: StoreValue { self?.storeValue ?? .null }
}

extension Optional: StoreReadable where Wrapped: StoreReadable {
    init?(storeValue value: StoreValue, textDate: (String) -> Date?) {
        if case .null = value { self = .none; return }
        guard let wrapped = Wrapped(storeValue: value, textDate: textDate) else { return nil }
        self = .some(wrapped)
    }
}

extension SiteID: StoreBindable { var storeValue: StoreValue { .text(rawValue) } }
extension AuditID: StoreBindable { var storeValue: StoreValue { .text(rawValue) } }
extension TaskID: StoreBindable { var storeValue: StoreValue { .text(rawValue) } }
