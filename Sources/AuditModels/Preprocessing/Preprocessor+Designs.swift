import AuditModelTypes
import Dispatch

extension Preprocessor {
    /// The training and test designs of `dataset` (`train` and `test` are ascending row indices),
    /// in `precision`; with `releasing`, the dataset's numeric columns are taken from it and the
    /// memory of each is returned to the system as the designs are written.
    ///
    /// In double precision this is ``design(_:rows:)`` twice, unchanged. In single precision the
    /// two designs are written in one sweep over the data rows, window by window in row order;
    /// the pages of a design are first touched as they are written, and with `releasing` the pages
    /// of the columns below the window are dropped (`MemoryAdvice.release`) once it is written. So
    /// the designs grow as the columns shrink and a large table is never held beside whole
    /// designs: at 10 M rows × 50 features, 2 GB of single-precision columns become 2 GB of
    /// designs with a peak near 2 GB, not 4. `releasing` is for a caller that owns the dataset
    /// (`fairuse local`); a column another value still shares is copied first (copy-on-write), so
    /// releasing never changes anyone else's data.
    public func designs(_ dataset: inout AuditDataset, train: [Int], test: [Int],
                        precision: DesignMatrix.Precision, releasing: Bool) -> (train: DesignMatrix, test: DesignMatrix) {
        guard precision == .single, dataset.count > 0 else {
            let designs = (design(dataset, rows: train), design(dataset, rows: test))
            if releasing { dataset.numeric = [] }
            return designs
        }
        precondition(zip(train, train.dropFirst()).allSatisfy { $0 < $1 } && zip(test, test.dropFirst()).allSatisfy { $0 < $1 },
                     "Preprocessor.designs: rows must be ascending")
        // Each column in a box of its own, so that the sweep can hold all of them at once (and,
        // when releasing, be their only owner).
        var features = dataset.numeric
        if releasing { dataset.numeric = [] }
        let boxes = numeric.map { column in SweepColumn(features.first { $0.name == column.name }!.numbers) }
        features = []
        return SweepColumn.withSources(boxes, mutable: releasing) { sources in
            sweep(dataset, sources: sources, train: train, test: test, releasing: releasing)
        }
    }

    /// The single-precision sweep of ``designs(_:train:test:precision:releasing:)`` over columns
    /// already pinned in memory.
    private func sweep(_ dataset: AuditDataset, sources: [SweepColumn.Source], train: [Int], test: [Int],
                       releasing: Bool) -> (train: DesignMatrix, test: DesignMatrix) {
        let width = designColumns.count
        let categoricalByName = Dictionary(uniqueKeysWithValues: dataset.categorical.map { ($0.name, $0) })
        var categoricalColumns: [SweepCategorical] = []
        var offset = numeric.count
        for column in categorical {
            let feature = categoricalByName[column.name]!
            let index = Dictionary(uniqueKeysWithValues: column.levels.enumerated().map { ($1, $0) })
            categoricalColumns.append(SweepCategorical(codes: feature.codes, offset: offset,
                                                       mapped: feature.levels.map { index[$0] },
                                                       missing: index[Preprocessor.missingLevel]))
            offset += column.levels.count
        }
        let categoricalWidth = width - numeric.count
        let columns = numeric, parts = categoricalColumns
        let window = 1 << 16, blockRows = 256
        var trainOut: [Float] = [], testOut: [Float] = []
        trainOut = MemoryAdvice.floats(count: train.count * width) { trainBase in
            testOut = MemoryAdvice.floats(count: test.count * width) { testBase in
                let destinations = [SweepDestination(base: trainBase, rows: train), SweepDestination(base: testBase, rows: test)]
                // Fills design rows `lower..<upper` of destination `t`.
                let fill = { @Sendable (t: Int, lower: Int, upper: Int) in
                    let out = destinations[t]
                    for (j, column) in columns.enumerated() {
                        sources[j].write(rows: out.rows, lower, upper, into: out.base, width: width, column: j,
                                         mean: column.mean, scale: column.scale)
                    }
                    if categoricalWidth > 0 {
                        for k in lower..<upper {
                            (out.base + k * width + columns.count).update(repeating: 0, count: categoricalWidth)
                        }
                        for c in parts {
                            for k in lower..<upper {
                                let code = c.codes[out.rows[k]]
                                if let level = code < 0 ? c.missing : c.mapped[Int(code)] {
                                    out.base[k * width + c.offset + level] = 1
                                }
                            }
                        }
                    }
                }
                var next = (train: 0, test: 0)
                var windowStart = 0
                while windowStart < dataset.count {
                    let windowEnd = min(dataset.count, windowStart + window)
                    var trainEnd = next.train, testEnd = next.test
                    while trainEnd < train.count && train[trainEnd] < windowEnd { trainEnd += 1 }
                    while testEnd < test.count && test[testEnd] < windowEnd { testEnd += 1 }
                    var blocks: [(Int, Int, Int)] = []
                    for (t, range) in [(0, next.train..<trainEnd), (1, next.test..<testEnd)] {
                        var lower = range.lowerBound
                        while lower < range.upperBound {
                            blocks.append((t, lower, min(range.upperBound, lower + blockRows)))
                            lower += blockRows
                        }
                    }
                    let work = blocks
                    if work.count < 2 {
                        for (t, lower, upper) in work { fill(t, lower, upper) }
                    } else {
                        DispatchQueue.concurrentPerform(iterations: 2) { w in
                            var b = w
                            while b < work.count { fill(work[b].0, work[b].1, work[b].2); b += 2 }
                        }
                    }
                    if releasing {
                        // From a little before the window, so that the page it shares with the
                        // previous window (kept by that release) goes too.
                        for source in sources { source.release(rows: max(0, windowStart - 1024)..<windowEnd) }
                    }
                    next = (trainEnd, testEnd)
                    windowStart = windowEnd
                }
            }
        }
        return (DesignMatrix(rowCount: train.count, columnCount: width, singleValues: trainOut),
                DesignMatrix(rowCount: test.count, columnCount: width, singleValues: testOut))
    }
}

/// One numeric column during the sweep, boxed so that many can be pinned at once.
private final class SweepColumn {
    var doubles: [Double] = []
    var floats: [Float] = []
    let single: Bool

    init(_ numbers: AuditDataset.NumericFeature.Numbers) {
        switch numbers {
        case .double(let values): doubles = values; single = false
        case .single(let values): floats = values; single = true
        }
    }

    /// A pinned column: its first entry, in either precision.
    struct Source: @unchecked Sendable {
        let doubles: UnsafePointer<Double>?
        let floats: UnsafePointer<Float>?

        /// Writes the standardized value of data row `rows[k]` (missing → the mean) at entry
        /// (k, column) of a row-major design of `width` columns, for k in `lower..<upper`.
        func write(rows: [Int], _ lower: Int, _ upper: Int, into out: UnsafeMutablePointer<Float>, width: Int,
                   column j: Int, mean: Double, scale: Double) {
            if let doubles { Self.write(doubles, rows, lower, upper, out, width, j, mean, scale) }
            if let floats { Self.write(floats, rows, lower, upper, out, width, j, mean, scale) }
        }

        private static func write<E: BinaryFloatingPoint>(_ source: UnsafePointer<E>, _ rows: [Int], _ lower: Int, _ upper: Int,
                                                          _ out: UnsafeMutablePointer<Float>, _ width: Int, _ j: Int,
                                                          _ mean: Double, _ scale: Double) {
            for k in lower..<upper {
                let x = source[rows[k]]
                out[k * width + j] = Float(((x.isNaN ? mean : Double(x)) - mean) / scale)
            }
        }

        /// Returns the whole pages of data rows `rows` to the system (their values are not read again).
        func release(rows: Range<Int>) {
            if let doubles { MemoryAdvice.release(UnsafeRawPointer(doubles + rows.lowerBound), byteCount: rows.count * 8) }
            if let floats { MemoryAdvice.release(UnsafeRawPointer(floats + rows.lowerBound), byteCount: rows.count * 4) }
        }
    }

    /// Runs `body` with every column pinned (mutably, i.e. uniquely owned, when `mutable`).
    static func withSources<R>(_ boxes: [SweepColumn], mutable: Bool, _ body: ([Source]) -> R) -> R {
        var sources: [Source] = []
        func pin(_ j: Int) -> R {
            if j == boxes.count { return body(sources) }
            let box = boxes[j]
            if box.single {
                if mutable {
                    return box.floats.withUnsafeMutableBufferPointer { p in
                        sources.append(Source(doubles: nil, floats: UnsafePointer(p.baseAddress)))
                        return pin(j + 1)
                    }
                }
                return box.floats.withUnsafeBufferPointer { p in
                    sources.append(Source(doubles: nil, floats: p.baseAddress))
                    return pin(j + 1)
                }
            }
            if mutable {
                return box.doubles.withUnsafeMutableBufferPointer { p in
                    sources.append(Source(doubles: UnsafePointer(p.baseAddress), floats: nil))
                    return pin(j + 1)
                }
            }
            return box.doubles.withUnsafeBufferPointer { p in
                sources.append(Source(doubles: p.baseAddress, floats: nil))
                return pin(j + 1)
            }
        }
        return pin(0)
    }
}

/// A categorical column during the sweep: codes, design offset, each code's level, the missing level.
private struct SweepCategorical: Sendable {
    let codes: [Int32]
    let offset: Int
    let mapped: [Int?]
    let missing: Int?
}

/// A design being written by the sweep: its first entry and the data row of each design row.
private struct SweepDestination: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
    let rows: [Int]
}
