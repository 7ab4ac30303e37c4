/// A dense row-major design matrix (rows = examples, columns = features; no intercept column).
///
/// Row `i` occupies entries `i * columnCount ..< (i + 1) * columnCount`, so one example is one
/// contiguous run of memory, which is what the fitting kernels stream over.
///
/// The entries are stored in double precision, or in single precision for a large design
/// (``Precision/single``, chosen by ``Precision/automatic(entries:)``): half the memory and half the
/// memory traffic of every pass over it. Fits read single-precision entries widened to double and
/// keep every sum in double, so a fit on a single-precision design is the exact fit of the design
/// rounded to 24 significant bits (relative 6e-8 per entry). Model classes without a
/// single-precision path read ``values``, a widened copy.
public struct DesignMatrix: Sendable {
    /// How the entries are stored.
    public enum Precision: String, Sendable {
        /// 64-bit doubles.
        case double
        /// 32-bit floats, each entry rounded to nearest.
        case single

        /// The fewest entries (rows × columns) stored in single precision by ``automatic(entries:)``:
        /// 2^20, the size from which mixed-precision L-BFGS already rounds the design to single
        /// precision for its bulk passes (`LogisticRegression.mixedPrecisionMinimumEntries`). The
        /// bundled sites, flchain and every test design built in code stay in double precision,
        /// with their results unchanged to the bit.
        public static let singleMinimumEntries = 1 << 20

        /// Single precision from ``singleMinimumEntries`` entries on, double below.
        public static func automatic(entries: Int) -> Precision {
            entries >= singleMinimumEntries ? .single : .double
        }
    }

    /// The stored entries.
    enum Storage: Sendable {
        case double([Double])
        case single([Float])
    }

    /// The number of rows (examples).
    public let rowCount: Int
    /// The number of columns (features).
    public let columnCount: Int
    /// The entries in their stored precision.
    private(set) var storage: Storage

    /// The entries, row-major, `count == rowCount * columnCount`, in double precision. For a
    /// single-precision design this is a widened copy (as much memory again as the design, twice
    /// over): the large-design paths read ``withEntries(_:)`` instead. Setting it stores doubles.
    public var values: [Double] {
        get {
            switch storage {
            case .double(let values): values
            case .single(let values): values.map(Double.init)
            }
        }
        set { storage = .double(newValue) }
    }

    /// The number of stored entries (`rowCount * columnCount` unless ``values`` was set otherwise,
    /// which the fits reject with a shape error).
    public var entryCount: Int {
        switch storage {
        case .double(let values): values.count
        case .single(let values): values.count
        }
    }

    /// How the entries are stored.
    public var precision: Precision {
        switch storage {
        case .double: .double
        case .single: .single
        }
    }

    /// The stored entries when single precision, else nil.
    public var singleValues: [Float]? {
        if case .single(let values) = storage { return values }
        return nil
    }

    /// Wraps row-major values; `values.count` must equal `rowCount * columnCount`.
    public init(rowCount: Int, columnCount: Int, values: [Double]) {
        self.init(rowCount: rowCount, columnCount: columnCount, count: values.count, storage: .double(values))
    }

    /// Wraps row-major single-precision values; `values.count` must equal `rowCount * columnCount`.
    public init(rowCount: Int, columnCount: Int, singleValues values: [Float]) {
        self.init(rowCount: rowCount, columnCount: columnCount, count: values.count, storage: .single(values))
    }

    /// Checks the shape against the `count` values of `storage`.
    private init(rowCount: Int, columnCount: Int, count: Int, storage: Storage) {
        precondition(rowCount >= 0 && columnCount >= 0, "DesignMatrix: negative shape")
        precondition(count == rowCount * columnCount, "DesignMatrix: \(count) values for \(rowCount) x \(columnCount)")
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.storage = storage
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

    /// The same in single precision, except that `fill` receives *uninitialized* memory and must
    /// write every entry: so the pages of a large design are first touched, and become resident,
    /// as `fill` writes them (a design built while the table it comes from is released grows as
    /// the table shrinks; see `Preprocessor.designs`).
    public static func single(rowCount: Int, columnCount: Int,
                              filling fill: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows -> DesignMatrix {
        precondition(rowCount >= 0 && columnCount >= 0, "DesignMatrix: negative shape")
        let count = rowCount * columnCount
        let values = try MemoryAdvice.floats(count: count) { try fill(UnsafeMutableBufferPointer(start: $0, count: count)) }
        return DesignMatrix(rowCount: rowCount, columnCount: columnCount, singleValues: values)
    }

    /// The entries in their stored precision, for kernels that read either.
    enum Entries {
        case double(UnsafeBufferPointer<Double>)
        case single(UnsafeBufferPointer<Float>)
    }

    /// Runs `body` on the stored entries (no copy).
    func withEntries<R>(_ body: (Entries) throws -> R) rethrows -> R {
        switch storage {
        case .double(let values): try values.withUnsafeBufferPointer { try body(.double($0)) }
        case .single(let values): try values.withUnsafeBufferPointer { try body(.single($0)) }
        }
    }

    /// The entry at (`row`, `column`).
    public subscript(row: Int, column: Int) -> Double {
        precondition(row >= 0 && row < rowCount && column >= 0 && column < columnCount,
                     "DesignMatrix: index (\(row), \(column)) out of range")
        switch storage {
        case .double(let values): return values[row * columnCount + column]
        case .single(let values): return Double(values[row * columnCount + column])
        }
    }

    /// The rows at the given indices, in that order (for decoupled per-group models), in this
    /// matrix's precision.
    public func rows(_ indices: [Int]) -> DesignMatrix {
        let d = columnCount
        for i in indices { precondition(i >= 0 && i < rowCount, "DesignMatrix.rows: row \(i) out of range") }
        func gather<E>(_ src: UnsafeBufferPointer<E>, _ dst: UnsafeMutablePointer<E>) {
            for (k, i) in indices.enumerated() {
                (dst + k * d).initialize(from: src.baseAddress! + i * d, count: d)
            }
        }
        switch storage {
        case .double(let values):
            guard d > 0 else { return DesignMatrix(rowCount: indices.count, columnCount: 0, values: []) }
            let out = values.withUnsafeBufferPointer { src in MemoryAdvice.doubles(count: indices.count * d) { gather(src, $0) } }
            return DesignMatrix(rowCount: indices.count, columnCount: d, values: out)
        case .single(let values):
            guard d > 0 else { return DesignMatrix(rowCount: indices.count, columnCount: 0, singleValues: []) }
            let out = values.withUnsafeBufferPointer { src in MemoryAdvice.floats(count: indices.count * d) { gather(src, $0) } }
            return DesignMatrix(rowCount: indices.count, columnCount: d, singleValues: out)
        }
    }

    /// This matrix with extra columns appended (e.g. group indicators), in this matrix's precision
    /// (a single-precision matrix rounds the appended entries).
    public func appendingColumns(_ extra: DesignMatrix) -> DesignMatrix {
        precondition(extra.rowCount == rowCount,
                     "DesignMatrix.appendingColumns: \(extra.rowCount) rows, expected \(rowCount)")
        let a = columnCount, b = extra.columnCount, d = a + b
        let right = extra.values
        switch storage {
        case .double(let values):
            guard d > 0 else { return DesignMatrix(rowCount: rowCount, columnCount: 0, values: []) }
            let out = values.withUnsafeBufferPointer { left in
                right.withUnsafeBufferPointer { right in
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
        case .single(let values):
            guard d > 0 else { return DesignMatrix(rowCount: rowCount, columnCount: 0, singleValues: []) }
            let out = values.withUnsafeBufferPointer { left in
                MemoryAdvice.floats(count: rowCount * d) { dst in
                    for i in 0..<rowCount {
                        let row = dst + i * d
                        if a > 0 { row.initialize(from: left.baseAddress! + i * a, count: a) }
                        for k in 0..<b { (row + a + k).initialize(to: Float(right[i * b + k])) }
                    }
                }
            }
            return DesignMatrix(rowCount: rowCount, columnCount: d, singleValues: out)
        }
    }
}
