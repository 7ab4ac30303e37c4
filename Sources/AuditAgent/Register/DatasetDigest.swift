import Crypto
import Foundation

/// The identity of a site's data: the SHA-256 of the CSV file the pipeline reads, or for a query
/// source (SQLite, PostgreSQL) of its rows' canonical CSV, hashed as they stream in
/// (``StreamedRows``): the result's column names, then one LF-ended line per row, fields joined by
/// `,`, each the cell's ``AuditTable/TableCell/field`` spelling (integers in decimal, doubles as
/// their shortest round-trip text, numeric as the server's exact decimal text, NULL empty),
/// quoted per RFC 4180 only when it holds `,`, `"`, CR or LF. A CSV file with those bytes has the
/// same digest as the query, and a SQLite source keeps the digest its rows had when they were
/// exported to a CSV file (the same bytes). Releases on the same digest describe the same rows in
/// the same order, so the cross-audit check can rebuild their sets; a query should therefore
/// `ORDER BY` a key. The path never enters the register.
enum DatasetDigest {
    /// Lowercase hex SHA-256 of the file at `path`, read in 1 MiB chunks.
    static func sha256(ofFile path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The cohort definition of a source: `csv`, or `<sqlite|postgres> query <SHA-256 of the query>`.
    static func cohort(_ source: AgentConfiguration.DataSource) -> String {
        switch source {
        case .csv: "csv"
        case .sqlite(_, let query): "sqlite query " + EgressLedger.sha256(Data(query.utf8))
        case .postgres(_, let query): "postgres query " + EgressLedger.sha256(Data(query.utf8))
        }
    }
}
