import Foundation
import GRDB

/// A SQLite data source: the configured query's rows become a private temporary CSV (mode 0600)
/// that the audit pipeline reads like any other file; it stays on the site's disk.
enum SQLiteSource {
    /// Runs `query` read-only and writes its result as CSV; returns the file's path.
    static func export(database path: String, query: String) throws -> String {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        let csv = try queue.read { db -> String in
            let statement = try db.makeStatement(sql: query)
            let columns = statement.columnNames
            var out = columns.map(quote).joined(separator: ",") + "\n"
            let rows = try Row.fetchCursor(statement)
            while let row = try rows.next() {
                out += columns.indices.map { i -> String in
                    let value = row[i] as DatabaseValue
                    switch value.storage {
                    case .null: return ""
                    case .int64(let v): return String(v)
                    case .double(let v): return v.description
                    case .string(let v): return quote(v)
                    case .blob: return ""
                    }
                }.joined(separator: ",") + "\n"
            }
            return out
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fairuse-sqlite-\(UUID().uuidString).csv").path
        guard FileManager.default.createFile(atPath: file, contents: Data(csv.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file])
        }
        return file
    }

    static func quote(_ text: String) -> String {
        text.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
