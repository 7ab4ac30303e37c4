import AuditStats
import AuditTable
import Foundation

/// The predictions file shared with the Python reference (`../shared/reference/README.md`):
/// `row_id,group,label,p_generic,p_as:<key>…`, keys `attr1=value1;attr2=value2`, `p_as:` columns
/// sorted by key, plus an optional `site` column (after `row_id`) that makes sites bootstrap and
/// AUC strata. Floats are written in shortest round-trip form, so a file reads back bit for bit.
public enum PredictionsFile {
    /// Predictions with their row ids, in canonical order.
    public struct Contents: Sendable, Equatable {
        /// Row ids, parallel to the predictions' rows.
        public var rowIDs: [String]
        /// The predictions.
        public var predictions: Predictions
        /// Creates contents.
        public init(rowIDs: [String], predictions: Predictions) {
            self.rowIDs = rowIDs
            self.predictions = predictions
        }
    }

    static let prefix = "p_as:"

    /// Reads and validates a predictions file; rows are put in canonical order (by row id,
    /// compared as integers when all are integers) and key columns sorted, so the audit does not
    /// depend on the order of rows or columns in the file.
    public static func read(path: String) throws -> Contents {
        let probe = try DataTable.read(path: path, kinds: [:])
        var kinds: [String: ColumnKind] = ["row_id": .categorical, "group": .categorical]
        if probe.column(named: "site") != nil { kinds["site"] = .categorical }
        let table = probe.columnNames.contains("row_id") && probe.columnNames.contains("group")
            ? try DataTable.read(path: path, kinds: kinds) : probe
        return try contents(of: table)
    }

    /// Validates a typed table as predictions (see `read(path:)`).
    public static func contents(of table: DataTable) throws -> Contents {
        let file = table.source
        func fail(_ column: String?, _ message: String) -> DataError {
            DataError(code: .invalidPredictions, file: file, line: nil, column: column, message: message)
        }
        for required in ["row_id", "group", "label", "p_generic"] where table.column(named: required) == nil {
            throw fail(required, "missing required column '\(required)'; expected header row_id,[site,]group,label,p_generic,p_as:<key>,…")
        }
        let known: Set<String> = ["row_id", "site", "group", "label", "p_generic"]
        let extra = table.columnNames.filter { !known.contains($0) && !$0.hasPrefix(prefix) }
        if let first = extra.first { throw fail(first, "unexpected column; expected only row_id, site, group, label, p_generic and p_as:<key> columns") }
        let keyColumns = table.columnNames.filter { $0.hasPrefix(prefix) }.sorted()
        guard !keyColumns.isEmpty else { throw fail(nil, "no p_as:<key> columns") }
        let keys = keyColumns.map { String($0.dropFirst(prefix.count)) }
        let n = table.rowCount
        let rowIDs = try texts(table, "row_id", fail)
        let groupTexts = try texts(table, "group", fail)
        let sites = table.column(named: "site") != nil ? try texts(table, "site", fail) : Array(repeating: "local", count: n)
        let labelValues = try numbers(table, "label", fail)
        var labels = [UInt8](repeating: 0, count: n)
        for i in 0..<n {
            guard labelValues[i] == 0 || labelValues[i] == 1 else {
                throw fail("label", "data row \(i + 1): expected 0 or 1")
            }
            labels[i] = UInt8(labelValues[i])
        }
        let keyIndex = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, Int32($0)) })
        var groups = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            guard let g = keyIndex[groupTexts[i]] else {
                throw fail("group", "data row \(i + 1): the row's group has no p_as column")
            }
            groups[i] = g
        }
        let generic = try probabilities(table, "p_generic", fail)
        let columns = try keyColumns.map { try probabilities(table, $0, fail) }
        guard Set(rowIDs).count == n else { throw fail("row_id", "row ids must be unique") }
        let order = canonicalOrder(rowIDs)
        let m = keys.count
        var personalized = [Double](repeating: 0, count: n * m)
        for (k, i) in order.enumerated() {
            for j in 0..<m { personalized[k * m + j] = columns[j][i] }
        }
        let predictions = Predictions(
            keys: keys, sites: order.map { sites[$0] }, groups: order.map { groups[$0] },
            labels: order.map { labels[$0] }, generic: order.map { generic[$0] }, personalized: personalized)
        return Contents(rowIDs: order.map { rowIDs[$0] }, predictions: predictions)
    }

    /// Row order by id: as integers when every id is an integer literal, else as strings.
    static func canonicalOrder(_ ids: [String]) -> [Int] {
        let integers = ids.map { Int($0) }
        if integers.allSatisfy({ $0 != nil }) {
            return ids.indices.sorted { integers[$0]! < integers[$1]! }
        }
        return ids.indices.sorted { ids[$0] < ids[$1] }
    }

    static func texts(_ table: DataTable, _ name: String, _ fail: (String?, String) -> DataError) throws -> [String] {
        guard let column = table.column(named: name) else { throw fail(name, "missing column") }
        switch column.values {
        case .categorical(let levels, let codes):
            return try codes.enumerated().map { i, code in
                guard code >= 0 else { throw fail(name, "data row \(i + 1): missing value") }
                return levels[Int(code)]
            }
        case .numeric(let values):
            return try values.enumerated().map { i, v in
                guard !v.isNaN else { throw fail(name, "data row \(i + 1): missing value") }
                return v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
            }
        case .single:
            // Predictions files are read with exact numbers (`DataTable.read`'s default).
            throw fail(name, "expected exact numbers, found a column read in single precision")
        }
    }

    static func numbers(_ table: DataTable, _ name: String, _ fail: (String?, String) -> DataError) throws -> [Double] {
        guard let column = table.column(named: name) else { throw fail(name, "missing column") }
        guard case .numeric(let values) = column.values else { throw fail(name, "expected numbers") }
        if let i = values.firstIndex(where: { $0.isNaN }) { throw fail(name, "data row \(i + 1): missing value") }
        return values
    }

    static func probabilities(_ table: DataTable, _ name: String, _ fail: (String?, String) -> DataError) throws -> [Double] {
        let values = try numbers(table, name, fail)
        if let i = values.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw fail(name, "data row \(i + 1): expected a probability in [0, 1]")
        }
        return values
    }

    /// Writes predictions atomically (a temporary file renamed into place), so a failed write
    /// never leaves a partial file behind. The `site` column is written only when there are
    /// several sites, so single-site files are exactly the reference format.
    public static func write(_ contents: Contents, to path: String) throws {
        let p = contents.predictions
        let withSites = p.siteIDs.count > 1 || (p.siteIDs.first.map { $0 != "local" } ?? false)
        var out = "row_id," + (withSites ? "site," : "") + "group,label,p_generic,"
        out += p.keys.map { prefix + $0 }.joined(separator: ",") + "\n"
        out.reserveCapacity(p.count * (p.groupCount + 2) * 20)
        for i in 0..<p.count {
            out += contents.rowIDs[i] + ","
            if withSites { out += p.sites[i] + "," }
            out += p.keys[Int(p.groups[i])] + "," + String(p.labels[i]) + "," + p.generic[i].description
            for j in 0..<p.groupCount { out += "," + p.personalized[i * p.groupCount + j].description }
            out += "\n"
        }
        try AtomicFile.write(Data(out.utf8), to: path)
    }
}
