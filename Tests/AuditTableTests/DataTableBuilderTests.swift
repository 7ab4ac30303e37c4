import AuditTable
import Foundation
import Testing

/// A table streamed row by row (`DataTableBuilder`) must equal the CSV reader's table of a file
/// with the same field spellings, bit for bit, errors included: the CSV reader is the oracle.
@Suite("Row stream builder")
struct DataTableBuilderTests {
    /// Builds from rows of cells.
    static func build(_ names: [String], _ rows: [[TableCell]], kinds: [String: ColumnKind] = [:]) throws(DataError) -> DataTable {
        var builder = try DataTableBuilder(source: "q", columns: names, kinds: kinds)
        for row in rows { try builder.append(row) }
        return try builder.finish()
    }

    /// The CSV text of the same rows: every field quoted (RFC 4180), LF line ends.
    static func csv(_ names: [String], _ rows: [[TableCell]]) -> String {
        func quote(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        var text = names.map(quote).joined(separator: ",") + "\n"
        for row in rows { text += row.map { $0 == .missing && row.count > 1 ? "" : quote($0.field) }.joined(separator: ",") + "\n" }
        return text
    }

    /// Whether two tables are identical: names, kinds, levels by bytes, codes, numbers bit for bit.
    static func identical(_ a: DataTable, _ b: DataTable) -> Bool {
        guard a.columns == b.columns, a.rowCount == b.rowCount else { return false }
        for (x, y) in zip(a.columns, b.columns) {
            if case .numeric(let u) = x.values, case .numeric(let v) = y.values, !csvSameBits(u, v) { return false }
        }
        return true
    }

    /// The outcome of building, as a table or an error.
    static func outcome(_ body: () throws(DataError) -> DataTable) -> Result<DataTable, DataError> {
        Result { () throws(DataError) -> DataTable in try body() }
    }

    /// Checks one table both ways: equal tables, or the same error code and column, with the
    /// builder's row equal to the CSV line minus one (no field spans lines, so line = row + 1).
    static func compare(_ names: [String], _ rows: [[TableCell]], kinds: [String: ColumnKind] = [:],
                        sourceLocation: SourceLocation = #_sourceLocation) {
        let streamed = outcome { () throws(DataError) in try build(names, rows, kinds: kinds) }
        let read = outcome { () throws(DataError) in
            try DataTable.parse(bytes: Array(csv(names, rows).utf8), source: "t.csv", kinds: kinds)
        }
        switch (streamed, read) {
        case (.success(let a), .success(let b)):
            #expect(identical(a, b), "streamed and CSV tables differ", sourceLocation: sourceLocation)
        case (.failure(let a), .failure(let b)):
            #expect(a.code == b.code && a.column == b.column, "\(a) vs \(b)", sourceLocation: sourceLocation)
            if let line = b.line, b.code != .noDataRows, b.code != .duplicateColumn, b.code != .emptyColumnName {
                #expect(a.row == line - 1, "\(a) vs \(b)", sourceLocation: sourceLocation)
            }
        default:
            Issue.record("streamed \(streamed) but CSV \(read)", sourceLocation: sourceLocation)
        }
    }

    /// Field spellings that exercise every path of the CSV typing.
    static let numberSpellings = ["0", "-0", "42", "+7", "1.50", "0.1", " 3 ", "1e3", "2.5E-3", "12345678901234567890123",
                                  "9007199254740993", "-.5", "5.", "NAN", "-nan", "Infinity", "inf", "1e999"]
    static let missingSpellings = ["", "NA", "N/A", "NaN", "nan", "NULL"]
    static let textSpellings = ["yes", "no", "Ünïcode", "e\u{301}", "\u{E9}", "a,b", "say \"hi\"", "  padded ", "null", "na", "-", "1.2.3", "0x10"]

    @Test("random tables: streamed text cells equal the CSV reader, errors included")
    func randomTextCells() {
        var rng = TableTestRNG(seed: 20261204)
        for _ in 0..<400 {
            let width = Int.random(in: 1...5, using: &rng)
            let height = Int.random(in: 0...12, using: &rng)
            let names = (0..<width).map { "c\($0)" }
            var kinds: [String: ColumnKind] = [:]
            for name in names where Int.random(in: 0..<6, using: &rng) == 0 {
                kinds[name] = Bool.random(using: &rng) ? .numeric : .categorical
            }
            // Per column: how likely a text field is (0 = never, so it stays numeric unless forced).
            let textOdds = names.map { _ in [0, 0, 0, 8, 30][Int.random(in: 0..<5, using: &rng)] }
            var rows: [[TableCell]] = []
            for _ in 0..<height {
                rows.append(names.indices.map { c in
                    let roll = Int.random(in: 0..<100, using: &rng)
                    if roll < textOdds[c] { return .text(Self.textSpellings.randomElement(using: &rng)!) }
                    if roll < textOdds[c] + 10 {
                        let m = Self.missingSpellings.randomElement(using: &rng)!
                        return m.isEmpty && Bool.random(using: &rng) ? .missing : .text(m)
                    }
                    if roll < textOdds[c] + 30 { return .text(Self.numberSpellings.randomElement(using: &rng)!) }
                    return Bool.random(using: &rng)
                        ? .integer(Int64.random(in: -1_000_000...1_000_000, using: &rng))
                        : .real(Double(Int.random(in: -100_000...100_000, using: &rng)) / 997)
                })
            }
            Self.compare(names, rows, kinds: kinds)
        }
    }

    @Test("typed cells are spelled and typed like their CSV text", arguments: [
        [TableCell.integer(0), .integer(-1), .integer(Int64.max), .integer(Int64.min), .integer(9_007_199_254_740_993)],
        [TableCell.real(0.1), .real(-0.0), .real(1e-5), .real(1e300), .real(.nan), .real(5e-324), .real(123456789.125)],
        [TableCell.real(2.5), .integer(3), .missing, .text("later text")],
        [TableCell.integer(9_007_199_254_740_993), .real(.nan), .missing, .text("NA"), .text("x")],
        [TableCell.real(.infinity), .integer(1)],
        [TableCell.real(-.infinity), .text("x")],
    ])
    func typedCells(_ cells: [TableCell]) {
        let rows = cells.map { [$0, .text("k")] }
        Self.compare(["v", "k"], rows)
        Self.compare(["v", "k"], rows, kinds: ["v": .categorical])
        Self.compare(["v", "k"], rows, kinds: ["v": .numeric])
    }

    @Test("the bundled sites' CSV files, streamed row by row, give the same tables")
    func bundledSites() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sites").standardized.path
        for site in ["olmsted-north", "olmsted-central", "olmsted-south"] {
            let path = "\(root)/\(site)/data.csv"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            // The files have no quoted fields: a line is a row, a comma separates fields.
            let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            let names = lines[0]
            let rows = lines.dropFirst().map { $0.map { TableCell.text($0) } }
            for kinds in [[:], ["death_5y": ColumnKind.categorical, "flc_grp": .categorical, "kappa": .numeric]] {
                let streamed = try Self.build(names, Array(rows), kinds: kinds)
                let read = try DataTable.read(path: path, kinds: kinds)
                #expect(Self.identical(streamed, read), "\(site) with kinds \(kinds)")
                #expect(streamed.rowCount == lines.count - 1)
            }
        }
    }

    @Test("errors name the source, the row and the column, never the value")
    func errors() throws {
        func error(_ names: [String], _ rows: [[TableCell]], kinds: [String: ColumnKind] = [:]) -> DataError? {
            do { _ = try Self.build(names, rows, kinds: kinds); return nil } catch { return error }
        }
        let forced = try #require(error(["id", "age"], [[.integer(1), .integer(50)], [.integer(2), .text("secret-value-71")]],
                                        kinds: ["age": .numeric]))
        #expect(forced.code == .notNumeric && forced.row == 2 && forced.column == "age")
        #expect(forced.description == "q: row 2: column 'age': expected a number (the column is declared numeric), found a non-numeric value")
        #expect(!forced.description.contains("secret-value-71"))
        let infinite = try #require(error(["x"], [[.real(1)], [.real(.infinity)]]))
        #expect(infinite.code == .nonFinite && infinite.row == 2 && infinite.column == "x")
        #expect(error(["x"], [])?.code == .noDataRows)
        #expect(error(["x", " x "], [[.missing, .missing]])?.code == .duplicateColumn)
        #expect(error(["x", "  "], [[.missing, .missing]])?.description == "q: result column 2 has no name; name every column (e.g. SELECT x AS name)")
        #expect(error(["x"], [[.missing, .missing]])?.code == .raggedRow)
        #expect(error(["x"], [[.missing]], kinds: ["y": .numeric])?.code == .unknownColumn)
    }
}
