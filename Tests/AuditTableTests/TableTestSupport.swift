import AuditTable
import Foundation
import Testing

/// Parses CSV text given inline (source "t.csv").
func csvTable(_ text: String, kinds: [String: ColumnKind] = [:]) throws(DataError) -> DataTable {
    try DataTable.parse(bytes: Array(text.utf8), source: "t.csv", kinds: kinds)
}

/// The error parsing `bytes` raises, or nil when it parses.
func csvError(bytes: [UInt8], kinds: [String: ColumnKind] = [:]) -> DataError? {
    do {
        _ = try DataTable.parse(bytes: bytes, source: "t.csv", kinds: kinds)
        return nil
    } catch {
        return error
    }
}

/// The error parsing CSV text raises, or nil when it parses.
func csvError(_ text: String, kinds: [String: ColumnKind] = [:]) -> DataError? {
    csvError(bytes: Array(text.utf8), kinds: kinds)
}

/// The numbers of a numeric column (fails the test otherwise).
func csvNumbers(_ table: DataTable, _ name: String) -> [Double] {
    guard case .numeric(let values)? = table.column(named: name)?.values else {
        Issue.record("column \(name) is not numeric")
        return []
    }
    return values
}

/// The levels and codes of a categorical column (fails the test otherwise).
func csvCategories(_ table: DataTable, _ name: String) -> (levels: [String], codes: [Int32]) {
    guard case .categorical(let levels, let codes)? = table.column(named: name)?.values else {
        Issue.record("column \(name) is not categorical")
        return ([], [])
    }
    return (levels, codes)
}

/// The per-row texts of a categorical column, nil for missing.
func csvTexts(_ table: DataTable, _ name: String) -> [String?] {
    let (levels, codes) = csvCategories(table, name)
    return codes.map { $0 < 0 ? nil : levels[Int($0)] }
}

/// Whether two arrays hold the same doubles bit for bit (so NaN == NaN, -0 != +0).
func csvSameBits(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
}

/// A small deterministic generator (TableTestRNG) so random tests are reproducible.
struct TableTestRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
