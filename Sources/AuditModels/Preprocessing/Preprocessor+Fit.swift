import AuditModelTypes
import Dispatch

extension Preprocessor {
    /// Fits the preprocessing on the given training rows.
    public init(dataset: AuditDataset, trainingRows: [Int]) {
        var numeric: [NumericColumn] = [], dropped: [String] = []
        for feature in dataset.numeric {
            let moments = switch feature.numbers {
            case .double(let values): Self.moments(values, trainingRows)
            case .single(let values): Self.moments(values, trainingRows)
            }
            guard let (mean, sd) = moments else { dropped.append(feature.name); continue }
            numeric.append(NumericColumn(name: feature.name, mean: mean, scale: sd > 0 ? sd : 1))
        }
        let categorical = dataset.categorical.map { feature -> CategoricalColumn in
            var seen = Set<String>()
            for i in trainingRows {
                let code = feature.codes[i]
                seen.insert(code < 0 ? Preprocessor.missingLevel : feature.levels[Int(code)])
            }
            return CategoricalColumn(name: feature.name, levels: seen.sorted())
        }
        self.init(numeric: numeric, categorical: categorical, dropped: dropped)
    }

    /// The mean of the observed values of `values` at `rows` and the standard deviation with the
    /// missing ones imputed by the mean (two passes, in double); nil when none is observed.
    static func moments<E: BinaryFloatingPoint>(_ values: [E], _ rows: [Int]) -> (mean: Double, sd: Double)? {
        var sum = 0.0, observed = 0
        for i in rows where !values[i].isNaN {
            sum += Double(values[i])
            observed += 1
        }
        guard observed > 0 else { return nil }
        let mean = sum / Double(observed)
        var squares = 0.0
        for i in rows {
            let x = values[i].isNaN ? mean : Double(values[i])
            squares += (x - mean) * (x - mean)
        }
        return (mean, (squares / Double(rows.count)).squareRoot())
    }

    /// The standardized design of the given rows, in double precision.
    ///
    /// Filled in blocks of rows, column by column within a block, so both the source columns and
    /// the row-major destination are read and written in cache-sized runs, on up to 2 threads
    /// (blocks are disjoint, so the result does not depend on the split).
    public func design(_ dataset: AuditDataset, rows: [Int]) -> DesignMatrix {
        let width = designColumns.count
        let numericByName = Dictionary(uniqueKeysWithValues: dataset.numeric.map { ($0.name, $0.values) })
        let numericSources = numeric.map { numericByName[$0.name]! }
        let categoricalByName = Dictionary(uniqueKeysWithValues: dataset.categorical.map { ($0.name, $0) })
        // Per categorical column: its codes, its design offset, each code's level (nil: no column)
        // and the missing level's column.
        var categoricalColumns: [(codes: [Int32], offset: Int, mapped: [Int?], missing: Int?)] = []
        var offset = numeric.count
        for column in categorical {
            let feature = categoricalByName[column.name]!
            let index = Dictionary(uniqueKeysWithValues: column.levels.enumerated().map { ($1, $0) })
            categoricalColumns.append((feature.codes, offset, feature.levels.map { index[$0] }, index[Preprocessor.missingLevel]))
            offset += column.levels.count
        }
        let columns = numeric, categoricalSources = categoricalColumns
        return DesignMatrix(rowCount: rows.count, columnCount: width) { values in
            let out = DesignFill(base: values.baseAddress)
            let blockRows = 256
            let blocks = (rows.count + blockRows - 1) / blockRows
            let fill = { @Sendable (block: Int) in
                guard let values = out.base else { return }
                let lower = block * blockRows, upper = min(rows.count, lower + blockRows)
                for (j, column) in columns.enumerated() {
                    numericSources[j].withUnsafeBufferPointer { source in
                        for k in lower..<upper {
                            let x = source[rows[k]]
                            values[k * width + j] = ((x.isNaN ? column.mean : x) - column.mean) / column.scale
                        }
                    }
                }
                for c in categoricalSources {
                    for k in lower..<upper {
                        let code = c.codes[rows[k]]
                        if let level = code < 0 ? c.missing : c.mapped[Int(code)] {
                            values[k * width + c.offset + level] = 1
                        }
                    }
                }
            }
            let workers = min(2, blocks)
            if workers <= 1 || rows.count * max(width, 1) < 1 << 18 {
                for block in 0..<blocks { fill(block) }
            } else {
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    var block = w
                    while block < blocks { fill(block); block += workers }
                }
            }
        }
    }
}

/// The destination of ``Preprocessor/design(_:rows:)``, shared by workers that write disjoint rows.
private struct DesignFill: @unchecked Sendable {
    let base: UnsafeMutablePointer<Double>?
}
