import AuditTable
import Crypto
import Foundation

/// A query's rows on their way into the audit's table: each row is typed into the table as it
/// arrives (``DataTableBuilder``, the CSV engine's semantics) and hashed into the dataset digest,
/// then dropped. No row is written to disk, and the rows are never all held as text.
///
/// The digest is the SHA-256 of the rows' canonical CSV (see ``DatasetDigest``): the column
/// names as the query returns them, then one line per row, fields joined by `,`, each field its
/// ``TableCell/field`` spelling, quoted (RFC 4180) when it holds `,`, `"`, CR or LF, NULL empty,
/// every line ending in LF. A CSV file written that way has the same digest as the query.
struct StreamedRows {
    private var builder: DataTableBuilder
    private var hasher = SHA256()

    /// Starts the table of a result with these column names (as the database returns them).
    /// Kinds of columns the result lacks are dropped: ``AuditModels/AuditDataset/build(table:spec:)``
    /// then names the spec key whose column is missing.
    init(label: String, columns: [String], kinds: [String: ColumnKind]) throws {
        let present = Set(columns.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \t")) })
        builder = try DataTableBuilder(source: label, columns: columns, kinds: kinds.filter { present.contains($0.key) })
        hash(line: columns.map(Self.quote))
    }

    /// Types one row into the table and adds it to the digest.
    mutating func append(_ cells: [TableCell]) throws {
        try builder.append(cells)
        hash(line: cells.map { $0 == .missing ? "" : Self.quote($0.field) })
    }

    /// Rows so far.
    var rowCount: Int { builder.rowCount }

    /// The table and the lowercase hex digest of the rows.
    func finish() throws -> (table: DataTable, digest: String) {
        let table = try builder.finish()
        return (table, hasher.finalize().map { String(format: "%02x", $0) }.joined())
    }

    private mutating func hash(line fields: [String]) {
        var line = fields.joined(separator: ",")
        line.append("\n")
        line.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
    }

    /// A CSV field, quoted only when it must be.
    static func quote(_ text: String) -> String {
        text.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
