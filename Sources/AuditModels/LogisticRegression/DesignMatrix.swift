/// A dense row-major design matrix (rows = examples, columns = features; no intercept column).
///
/// Row `i` occupies `values[i * columnCount ..< (i + 1) * columnCount]`, so one example is one
/// contiguous run of memory, which is what the fitting kernels stream over.
public struct DesignMatrix: Sendable {
    /// The number of rows (examples).
    public let rowCount: Int
    /// The number of columns (features).
    public let columnCount: Int
    /// The entries, row-major, `count == rowCount * columnCount`.
    public var values: [Double]

    /// Wraps row-major values; `values.count` must equal `rowCount * columnCount`.
    public init(rowCount: Int, columnCount: Int, values: [Double]) {
        precondition(rowCount >= 0 && columnCount >= 0, "DesignMatrix: negative shape")
        precondition(values.count == rowCount * columnCount,
                     "DesignMatrix: \(values.count) values for \(rowCount) x \(columnCount)")
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.values = values
    }

    /// A `rowCount × columnCount` matrix of zeros that `fill` then writes into (row-major, entry
    /// (i, j) at `i * columnCount + j`).
    ///
    /// Prefer this to building a large `[Double]` first: the storage is requested in huge pages
    /// where the OS supports it, which makes allocating a design of many megabytes several times
    /// cheaper on Linux (see `MemoryAdvice`). Writing the entries row by row is much faster than
    /// column by column.
    public init(rowCount: Int, columnCount: Int, filling fill: (inout UnsafeMutableBufferPointer<Double>) throws -> Void) rethrows {
        precondition(rowCount >= 0 && columnCount >= 0, "DesignMatrix: negative shape")
        let count = rowCount * columnCount
        var values = MemoryAdvice.doubles(count: count) { $0.initialize(repeating: 0, count: count) }
        try values.withUnsafeMutableBufferPointer { try fill(&$0) }
        self.init(rowCount: rowCount, columnCount: columnCount, values: values)
    }

    /// The entry at (`row`, `column`).
    public subscript(row: Int, column: Int) -> Double {
        precondition(row >= 0 && row < rowCount && column >= 0 && column < columnCount,
                     "DesignMatrix: index (\(row), \(column)) out of range")
        return values[row * columnCount + column]
    }

    /// The rows at the given indices, in that order (for decoupled per-group models).
    public func rows(_ indices: [Int]) -> DesignMatrix {
        let d = columnCount
        for i in indices { precondition(i >= 0 && i < rowCount, "DesignMatrix.rows: row \(i) out of range") }
        guard d > 0 else { return DesignMatrix(rowCount: indices.count, columnCount: 0, values: []) }
        let out = values.withUnsafeBufferPointer { src in
            MemoryAdvice.doubles(count: indices.count * d) { dst in
                for (k, i) in indices.enumerated() {
                    (dst + k * d).initialize(from: src.baseAddress! + i * d, count: d)
                }
            }
        }
        return DesignMatrix(rowCount: indices.count, columnCount: d, values: out)
    }

    /// This matrix with extra columns appended (e.g. group indicators).
    public func appendingColumns(_ extra: DesignMatrix) -> DesignMatrix {
        precondition(extra.rowCount == rowCount,
                     "DesignMatrix.appendingColumns: \(extra.rowCount) rows, expected \(rowCount)")
        let a = columnCount, b = extra.columnCount, d = a + b
        guard d > 0 else { return DesignMatrix(rowCount: rowCount, columnCount: 0, values: []) }
        let out = values.withUnsafeBufferPointer { left in
            extra.values.withUnsafeBufferPointer { right in
                MemoryAdvice.doubles(count: rowCount * d) { dst in
                    for i in 0..<rowCount {
                        let row = dst + i * d
                        if a > 0 { row.initialize(from: left.baseAddress! + i * a, count: a) }
                        if b > 0 { (row + a).initialize(from: right.baseAddress! + i * b, count: b) }
                    }
                }
            }
        }
        return DesignMatrix(rowCount: rowCount, columnCount: d, values: out)
    }
}
