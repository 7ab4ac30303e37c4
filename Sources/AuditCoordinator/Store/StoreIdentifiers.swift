import AuditCore
import GRDB

// The identifier types are stored as their text. Reading goes through `StoreRow.identifier`, which
// validates and turns a malformed stored id into `StoreError.corrupt` naming the column. The GRDB
// conformance lets tests and tools bind ids in raw SQLite statements.

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
