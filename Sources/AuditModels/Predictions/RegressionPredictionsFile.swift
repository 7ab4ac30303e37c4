import AuditStats
import AuditTable
import Foundation

/// The predictions file of a continuous outcome: `row_id,[site,]group,y,yhat_generic,yhat_as:<key>…`
/// — the layout of ``PredictionsFile`` with the observed value `y` for the label and predictions
/// ŷ (any finite number) for probabilities. Rows are put in canonical order (by row id) and key
/// columns sorted on reading; floats are written in shortest round-trip form.
public enum RegressionPredictionsFile {
    /// Predictions with their row ids, in canonical order.
    public struct Contents: Sendable, Equatable {
        /// Row ids, parallel to the predictions' rows.
        public var rowIDs: [String]
        /// The predictions.
        public var predictions: RegressionPredictions
        /// Creates contents.
        public init(rowIDs: [String], predictions: RegressionPredictions) {
            self.rowIDs = rowIDs
            self.predictions = predictions
        }
    }

    static let prefix = "yhat_as:"

    /// Whether a file's header has the regression layout (a `yhat_generic` column).
    public static func isRegressionFile(path: String) throws -> Bool {
        try DataTable.read(path: path, kinds: [:]).column(named: "yhat_generic") != nil
    }

    /// Reads and validates a regression predictions file. Errors name the file, column and data
    /// row, never a value.
    public static func read(path: String) throws -> Contents {
        var kinds: [String: ColumnKind] = ["row_id": .categorical, "group": .categorical]
        let probe = try DataTable.read(path: path, kinds: [:])
        if probe.column(named: "site") != nil { kinds["site"] = .categorical }
        let table = probe.columnNames.contains("row_id") && probe.columnNames.contains("group")
            ? try DataTable.read(path: path, kinds: kinds) : probe
        let file = table.source
        func fail(_ column: String?, _ message: String) -> DataError {
            DataError(code: .invalidPredictions, file: file, line: nil, column: column, message: message)
        }
        for required in ["row_id", "group", "y", "yhat_generic"] where table.column(named: required) == nil {
            throw fail(required, "missing required column '\(required)'; expected header row_id,[site,]group,y,yhat_generic,yhat_as:<key>,…")
        }
        let known: Set<String> = ["row_id", "site", "group", "y", "yhat_generic"]
        if let first = table.columnNames.first(where: { !known.contains($0) && !$0.hasPrefix(prefix) }) {
            throw fail(first, "unexpected column; expected only row_id, site, group, y, yhat_generic and yhat_as:<key> columns")
        }
        let keyColumns = table.columnNames.filter { $0.hasPrefix(prefix) }.sorted()
        guard !keyColumns.isEmpty else { throw fail(nil, "no yhat_as:<key> columns") }
        let keys = keyColumns.map { String($0.dropFirst(prefix.count)) }
        let n = table.rowCount
        let rowIDs = try PredictionsFile.texts(table, "row_id", fail)
        let groupTexts = try PredictionsFile.texts(table, "group", fail)
        let sites = table.column(named: "site") != nil ? try PredictionsFile.texts(table, "site", fail) : Array(repeating: "local", count: n)
        func finite(_ name: String) throws -> [Double] {
            let values = try PredictionsFile.numbers(table, name, fail)
            if let i = values.firstIndex(where: { !$0.isFinite }) { throw fail(name, "data row \(i + 1): expected a finite number") }
            return values
        }
        let outcomes = try finite("y"), generic = try finite("yhat_generic")
        let columns = try keyColumns.map { try finite($0) }
        let keyIndex = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, Int32($0)) })
        var groups = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            guard let g = keyIndex[groupTexts[i]] else { throw fail("group", "data row \(i + 1): the row's group has no yhat_as column") }
            groups[i] = g
        }
        guard Set(rowIDs).count == n else { throw fail("row_id", "row ids must be unique") }
        let order = PredictionsFile.canonicalOrder(rowIDs)
        let m = keys.count
        var personalized = [Double](repeating: 0, count: n * m)
        for (k, i) in order.enumerated() { for j in 0..<m { personalized[k * m + j] = columns[j][i] } }
        let predictions = RegressionPredictions(
            keys: keys, sites: order.map { sites[$0] }, groups: order.map { groups[$0] },
            outcomes: order.map { outcomes[$0] }, generic: order.map { generic[$0] }, personalized: personalized)
        return Contents(rowIDs: order.map { rowIDs[$0] }, predictions: predictions)
    }

    /// Writes predictions atomically; the `site` column only when there are several sites.
    public static func write(_ contents: Contents, to path: String) throws {
        let p = contents.predictions
        let withSites = p.siteIDs.count > 1 || (p.siteIDs.first.map { $0 != "local" } ?? false)
        var out = "row_id," + (withSites ? "site," : "") + "group,y,yhat_generic,"
        out += p.keys.map { prefix + $0 }.joined(separator: ",") + "\n"
        for i in 0..<p.count {
            out += contents.rowIDs[i] + ","
            if withSites { out += p.sites[i] + "," }
            out += p.keys[Int(p.groups[i])] + "," + p.outcomes[i].description + "," + p.generic[i].description
            for j in 0..<p.groupCount { out += "," + p.personalized[i * p.groupCount + j].description }
            out += "\n"
        }
        try AtomicFile.write(Data(out.utf8), to: path)
    }
}
