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

    /// The entry at (`row`, `column`).
    public subscript(row: Int, column: Int) -> Double {
        precondition(row >= 0 && row < rowCount && column >= 0 && column < columnCount,
                     "DesignMatrix: index (\(row), \(column)) out of range")
        return values[row * columnCount + column]
    }

    /// The rows at the given indices, in that order (for decoupled per-group models).
    public func rows(_ indices: [Int]) -> DesignMatrix {
        let d = columnCount
        var out = [Double](repeating: 0, count: indices.count * d)
        if d > 0 {
            values.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    for (k, i) in indices.enumerated() {
                        precondition(i >= 0 && i < rowCount, "DesignMatrix.rows: row \(i) out of range")
                        (dst.baseAddress! + k * d).update(from: src.baseAddress! + i * d, count: d)
                    }
                }
            }
        } else {
            for i in indices { precondition(i >= 0 && i < rowCount, "DesignMatrix.rows: row \(i) out of range") }
        }
        return DesignMatrix(rowCount: indices.count, columnCount: d, values: out)
    }

    /// This matrix with extra columns appended (e.g. group indicators).
    public func appendingColumns(_ extra: DesignMatrix) -> DesignMatrix {
        precondition(extra.rowCount == rowCount,
                     "DesignMatrix.appendingColumns: \(extra.rowCount) rows, expected \(rowCount)")
        let a = columnCount, b = extra.columnCount, d = a + b
        var out = [Double](repeating: 0, count: rowCount * d)
        if d > 0 {
            values.withUnsafeBufferPointer { left in
                extra.values.withUnsafeBufferPointer { right in
                    out.withUnsafeMutableBufferPointer { dst in
                        for i in 0..<rowCount {
                            let row = dst.baseAddress! + i * d
                            if a > 0 { row.update(from: left.baseAddress! + i * a, count: a) }
                            if b > 0 { (row + a).update(from: right.baseAddress! + i * b, count: b) }
                        }
                    }
                }
            }
        }
        return DesignMatrix(rowCount: rowCount, columnCount: d, values: out)
    }
}
