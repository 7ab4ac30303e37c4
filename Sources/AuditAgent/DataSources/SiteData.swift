import AuditModels
import AuditSpec
import AuditTable
import Foundation

/// The site's data as the audit pipeline reads it, from the configured source: a CSV file read
/// by the CSV engine, or a database query whose rows stream into the same table engine with the
/// same typing (``DataTableBuilder``). No source writes a file of patient rows.
public struct SiteData: Sendable {
    /// One read of the data for one spec.
    public struct Loaded: Sendable {
        /// The rows read against the spec.
        public var dataset: AuditDataset
        /// The data's identity in the release register (``DatasetDigest``); empty when not asked for.
        public var digest: String
        /// The typed table of a query source (kept so another spec with the same column kinds
        /// reuses it instead of running the query again); nil for a CSV file.
        var table: DataTable?
        /// The column kinds the table was read with.
        var kinds: [String: ColumnKind]
    }

    /// The configured source.
    public let source: AgentConfiguration.DataSource

    /// Wraps a source.
    public init(_ source: AgentConfiguration.DataSource) { self.source = source }

    /// What messages call the data: the CSV file's path, or the key of the query
    /// (`data.query (sqlite)`, `data.query (postgres user@host:port/db)`), never a password.
    public var label: String {
        switch source {
        case .csv(let path): path
        case .sqlite: "data.query (sqlite)"
        case .postgres(let location, _): "data.query (postgres \(location))"
        }
    }

    /// Reads the data with the column kinds `spec` implies; `digest` asks for the register's
    /// digest (always computed for a query, where it costs nothing extra).
    public func load(spec: AuditSpec, digest: Bool = false) async throws -> Loaded {
        let kinds = AuditDataset.columnKinds(for: spec)
        switch source {
        case .csv(let path):
            // A file that cannot be read is the data's problem (data_invalid), not the register's.
            let sha = digest ? try DatasetDigest.sha256(ofFile: path) : ""
            return Loaded(dataset: try AuditDataset.load(path: path, spec: spec), digest: sha, table: nil, kinds: kinds)
        case .sqlite(let path, let query):
            let read = try SQLiteSource.read(database: path, query: query, label: label, kinds: kinds)
            return Loaded(dataset: try AuditDataset.build(table: read.table, spec: spec), digest: read.digest,
                          table: read.table, kinds: kinds)
        case .postgres(let location, let query):
            let read = try await PostgresSource.read(location, query: query, label: label, kinds: kinds)
            return Loaded(dataset: try AuditDataset.build(table: read.table, spec: spec), digest: read.digest,
                          table: read.table, kinds: kinds)
        }
    }

    /// Reads the data for another spec on the same rows as `first` (the cross-audit check's
    /// earlier releases): the same table when the column kinds agree, else a new read, which
    /// must give the same digest — rows that changed under a task fail it rather than being
    /// weighed against releases on different data.
    public func load(spec: AuditSpec, sameAs first: Loaded) async throws -> AuditDataset {
        let kinds = AuditDataset.columnKinds(for: spec)
        if let table = first.table, kinds == first.kinds { return try AuditDataset.build(table: table, spec: spec) }
        let again = try await load(spec: spec, digest: first.table != nil)
        if first.table != nil, again.digest != first.digest {
            throw SourceError(key: "data.query", "the query's rows changed while the task ran (their digest differs between two reads); run the task again")
        }
        return again.dataset
    }

    /// The data's column names without reading its rows: the CSV header, or the query's result
    /// columns (prepared for SQLite; run with `LIMIT 0` for PostgreSQL).
    public func columns() async throws -> [String] {
        switch source {
        case .csv(let path): try DataHeader.csvHeader(path: path)
        case .sqlite(let path, let query): try SQLiteSource.columns(database: path, query: query)
        case .postgres(let location, let query): try await PostgresSource.columns(location, query: query)
        }
    }
}
