#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A level's text compared by its exact UTF-8 bytes (not by Swift's canonical equivalence), so
/// distinct byte sequences stay distinct levels, as in Python.
struct CSVLevelKey: Hashable {
    let text: String

    static func == (lhs: CSVLevelKey, rhs: CSVLevelKey) -> Bool {
        var a = lhs.text
        var b = rhs.text
        return a.withUTF8 { pa in
            b.withUTF8 { pb in
                pa.count == pb.count && (pa.count == 0 || memcmp(pa.baseAddress!, pb.baseAddress!, pa.count) == 0)
            }
        }
    }

    /// Code-point order (UTF-8 byte order), as Python compares `str`.
    static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        var a = lhs
        var b = rhs
        return a.withUTF8 { pa in
            b.withUTF8 { pb in
                let common = min(pa.count, pb.count)
                let order = common == 0 ? 0 : memcmp(pa.baseAddress!, pb.baseAddress!, common)
                return order < 0 || (order == 0 && pa.count < pb.count)
            }
        }
    }

    func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

/// Assigns integer codes, in order of first appearance, to the distinct texts of a column.
struct CSVLevelInterner {
    private var codeByLevel: [CSVLevelKey: Int32] = [:]
    /// The distinct texts; a text's code is its index here.
    private(set) var levels: [String] = []

    /// The code of a text, adding it as a new level when unseen; nil when it is not valid UTF-8.
    mutating func code(for bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let key = CSVLevelKey(text: text)
        if let code = codeByLevel[key] { return code }
        let code = Int32(levels.count)
        codeByLevel[key] = code
        levels.append(text)
        return code
    }
}

/// One chunk's part of a text column: codes for rows `firstRow..<rows` (before backfilling).
struct CSVTextPart {
    var interner = CSVLevelInterner()
    var codes: [Int32] = []
    /// The chunk row of `codes[0]`; rows before it are read again by the backfill pass.
    var firstRow: Int

    /// Records one field: missing spellings get -1. Returns false for invalid UTF-8 (recorded as -1).
    mutating func append(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        if CSVTokenizer.isMissingToken(field) {
            codes.append(-1)
            return true
        }
        guard let code = interner.code(for: field) else {
            codes.append(-1)
            return false
        }
        codes.append(code)
        return true
    }

    /// This part alone with its levels sorted by code point and codes renumbered to match.
    func sorted() -> (levels: [String], codes: [Int32]) {
        let levels = interner.levels
        let order = levels.indices.sorted { CSVLevelKey.precedes(levels[$0], levels[$1]) }
        var rank = [Int32](repeating: 0, count: levels.count)
        for (r, i) in order.enumerated() { rank[i] = Int32(r) }
        return (order.map { levels[$0] }, codes.map { $0 < 0 ? $0 : rank[Int($0)] })
    }

    /// Joins the chunks' parts of one column: levels sorted by Unicode code point (UTF-8 byte
    /// order, as Python sorts `str`) and codes renumbered to match.
    static func merge(_ parts: [CSVTextPart]) -> (levels: [String], codes: [Int32]) {
        if parts.count == 1 { return parts[0].sorted() }
        var index: [CSVLevelKey: Int] = [:]
        var all: [String] = []
        for part in parts {
            for level in part.interner.levels where index[CSVLevelKey(text: level)] == nil {
                index[CSVLevelKey(text: level)] = all.count
                all.append(level)
            }
        }
        let order = all.indices.sorted { CSVLevelKey.precedes(all[$0], all[$1]) }
        var rank = [Int32](repeating: 0, count: all.count)
        for (r, i) in order.enumerated() { rank[i] = Int32(r) }
        var codes: [Int32] = []
        codes.reserveCapacity(parts.reduce(0) { $0 + $1.codes.count })
        for part in parts {
            let toGlobal = part.interner.levels.map { rank[index[CSVLevelKey(text: $0)]!] }
            for code in part.codes { codes.append(code < 0 ? code : toGlobal[Int(code)]) }
        }
        return (order.map { all[$0] }, codes)
    }
}
