import AuditCore
import GRDB

// The identifier types are stored as their text. Reading goes through `Row.identifier`, which
// validates and turns a malformed stored id into `StoreError.corrupt` naming the column, instead of
// GRDB's fatal error on a failed conversion.

extension SiteID: DatabaseValueConvertible {}
extension AuditID: DatabaseValueConvertible {}
extension TaskID: DatabaseValueConvertible {}

extension ValidatedIdentifier where Self: DatabaseValueConvertible {
    /// The id's text.
    public var databaseValue: DatabaseValue { rawValue.databaseValue }

    /// The id, or nil when the stored value is not text matching the rule.
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Self? {
        String.fromDatabaseValue(dbValue).flatMap(Self.init(rawValue:))
    }
}

extension Row {
    /// The identifier in `column`, or `StoreError.corrupt` naming `what` and the column.
    func identifier<ID: ValidatedIdentifier>(_ column: String, of what: String) throws -> ID {
        guard let text: String = self[column], let id = ID(rawValue: text) else {
            throw StoreError.corrupt("\(what) has a malformed \(column)")
        }
        return id
    }

    /// The optional identifier in `column` (NULL is nil), or `StoreError.corrupt` when it is malformed.
    func optionalIdentifier<ID: ValidatedIdentifier>(_ column: String, of what: String) throws -> ID? {
        guard let text: String = self[column] else { return nil }
        guard let id = ID(rawValue: text) else { throw StoreError.corrupt("\(what) has a malformed \(column)") }
        return id
    }
}
