import AuditModelTypes

extension Preprocessor {
    /// Fits the preprocessing on the given training rows.
    public init(dataset: AuditDataset, trainingRows: [Int]) {
        var numeric: [NumericColumn] = [], dropped: [String] = []
        for feature in dataset.numeric {
            var sum = 0.0, observed = 0
            for i in trainingRows where !feature.values[i].isNaN {
                sum += feature.values[i]
                observed += 1
            }
            guard observed > 0 else { dropped.append(feature.name); continue }
            let mean = sum / Double(observed)
            var squares = 0.0
            for i in trainingRows {
                let x = feature.values[i].isNaN ? mean : feature.values[i]
                squares += (x - mean) * (x - mean)
            }
            let sd = (squares / Double(trainingRows.count)).squareRoot()
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

    /// The standardized design of the given rows.
    public func design(_ dataset: AuditDataset, rows: [Int]) -> DesignMatrix {
        let width = designColumns.count
        var values = [Double](repeating: 0, count: rows.count * width)
        let numericByName = Dictionary(uniqueKeysWithValues: dataset.numeric.map { ($0.name, $0.values) })
        for (j, column) in numeric.enumerated() {
            let source = numericByName[column.name]!
            for (k, i) in rows.enumerated() {
                let x = source[i].isNaN ? column.mean : source[i]
                values[k * width + j] = (x - column.mean) / column.scale
            }
        }
        var offset = numeric.count
        let categoricalByName = Dictionary(uniqueKeysWithValues: dataset.categorical.map { ($0.name, $0) })
        for column in categorical {
            let feature = categoricalByName[column.name]!
            let index = Dictionary(uniqueKeysWithValues: column.levels.enumerated().map { ($1, $0) })
            let mapped = feature.levels.map { index[$0] }
            let missing = index[Preprocessor.missingLevel]
            for (k, i) in rows.enumerated() {
                let code = feature.codes[i]
                if let level = code < 0 ? missing : mapped[Int(code)] {
                    values[k * width + offset + level] = 1
                }
            }
            offset += column.levels.count
        }
        return DesignMatrix(rowCount: rows.count, columnCount: width, values: values)
    }
}
