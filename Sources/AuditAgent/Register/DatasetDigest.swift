import Crypto
import Foundation

/// The identity of a site's data: the SHA-256 of the file the pipeline reads (for a SQLite source,
/// its query's rows as CSV). Releases on the same digest describe the same rows in the same order,
/// so the cross-audit check can rebuild their sets; the path never enters the register.
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

    /// The cohort definition of a source: `csv`, or `sqlite query <SHA-256 of the query>`.
    static func cohort(_ source: AgentConfiguration.DataSource) -> String {
        switch source {
        case .csv: "csv"
        case .sqlite(_, let query): "sqlite query " + EgressLedger.sha256(Data(query.utf8))
        }
    }
}
