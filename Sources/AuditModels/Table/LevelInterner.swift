/// A level's text compared by its exact UTF-8 bytes (not by Swift's canonical equivalence), so
/// distinct byte sequences stay distinct levels, as in Python.
struct LevelKey: Hashable {
    let text: String

    static func == (lhs: LevelKey, rhs: LevelKey) -> Bool {
        lhs.text.utf8.elementsEqual(rhs.text.utf8)
    }

    func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

/// Assigns integer codes to the distinct texts of one categorical column.
struct LevelInterner {
    private var codeByLevel: [LevelKey: Int32] = [:]
    private(set) var levels: [String] = []
    /// Codes in order of first appearance; -1 = missing.
    var codes: [Int32] = []

    init(expectedRows: Int) { codes.reserveCapacity(expectedRows) }

    /// Records a missing value.
    mutating func appendMissing() { codes.append(-1) }

    /// Records a value; returns false (recording nothing) when the bytes are not valid UTF-8.
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let text = String(validating: bytes, as: UTF8.self) else { return false }
        let key = LevelKey(text: text)
        if let code = codeByLevel[key] {
            codes.append(code)
        } else {
            let code = Int32(levels.count)
            codeByLevel[key] = code
            levels.append(text)
            codes.append(code)
        }
        return true
    }

    /// Levels sorted by Unicode code point (UTF-8 byte order, as Python sorts `str`) and codes
    /// renumbered to match.
    func sorted() -> (levels: [String], codes: [Int32]) {
        let order = levels.indices.sorted { levels[$0].utf8.lexicographicallyPrecedes(levels[$1].utf8) }
        var newCode = [Int32](repeating: 0, count: levels.count)
        for (rank, old) in order.enumerated() { newCode[old] = Int32(rank) }
        let sortedLevels = order.map { levels[$0] }
        let remapped = codes.map { $0 < 0 ? $0 : newCode[Int($0)] }
        return (sortedLevels, remapped)
    }
}
