import AuditModelTypes

extension LogisticModel {
    /// P(y = 1 | x) = σ(b + x·β) for one row of `coefficients.count` features.
    public func probability(_ row: UnsafeBufferPointer<Double>) -> Double {
        precondition(row.count == coefficients.count, "LogisticModel: row has \(row.count) features, expected \(coefficients.count)")
        guard let base = row.baseAddress, !coefficients.isEmpty else {
            return LogisticRegression.Kernels.sigmoid(intercept)
        }
        let z = coefficients.withUnsafeBufferPointer { beta in
            LogisticRegression.Kernels.dot(base, beta.baseAddress!, beta.count) + intercept
        }
        return LogisticRegression.Kernels.sigmoid(z)
    }

    /// Linear score b + x·β for every row (one pass; the caller adds group offsets itself).
    public func scores(_ design: DesignMatrix) -> [Double] {
        let d = design.columnCount, n = design.rowCount
        precondition(d == coefficients.count, "LogisticModel: design has \(d) columns, expected \(coefficients.count)")
        precondition(design.entryCount == n * d, "LogisticModel: design values do not match its shape")
        guard n > 0 else { return [] }
        guard d > 0 else { return [Double](repeating: intercept, count: n) }
        let b = intercept
        return [Double](unsafeUninitializedCapacity: n) { out, initialized in
            design.withEntries { entries in
                coefficients.withUnsafeBufferPointer { beta in
                    let chunks = LogisticRegression.Kernels.chunkRanges(rowCount: n, columnCount: d)
                    let betaP = LogisticRegression.Shared(value: beta.baseAddress!)
                    let outP = LogisticRegression.Shared(value: out.baseAddress!)
                    switch entries {
                    case .double(let x):
                        let xP = LogisticRegression.Shared(value: x.baseAddress!)
                        LogisticRegression.Kernels.forEachChunk(chunks.count) { k in
                            LogisticRegression.Kernels.scores(x: xP.value, d: d, rows: chunks[k], beta: betaP.value,
                                                              intercept: b, out: outP.value)
                        }
                    case .single(let x):
                        let xP = LogisticRegression.Shared(value: x.baseAddress!)
                        LogisticRegression.Kernels.forEachChunk(chunks.count) { k in
                            LogisticRegression.Kernels.scores(x: xP.value, d: d, rows: chunks[k], beta: betaP.value,
                                                              intercept: b, out: outP.value)
                        }
                    }
                }
            }
            initialized = n
        }
    }

    /// P(y = 1 | x) for every row: σ of ``scores(_:)``.
    public func probabilities(_ design: DesignMatrix) -> [Double] {
        scores(design).map(LogisticRegression.Kernels.sigmoid)
    }
}
