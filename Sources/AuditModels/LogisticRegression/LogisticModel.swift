import Foundation

/// Settings for ``LogisticRegression/fit(_:labels:weights:configuration:)``.
public struct LogisticRegressionConfiguration: Sendable, Codable, Equatable {
    /// scikit-learn's C: the objective is C · Σ w_i · logloss_i + ‖β‖²/2; finite and > 0.
    public var inverseRegularization: Double = 1.0
    /// The fit stops once max |∇(objective / Σw)| is at most this; ≥ 0.
    public var gradientTolerance: Double = 1e-10
    /// The most solver iterations (Newton steps or L-BFGS steps); ≥ 0.
    public var maxIterations: Int = 1000

    /// Creates a configuration; the defaults are C = 1, tolerance 1e-10, 1000 iterations.
    public init(inverseRegularization: Double = 1.0, gradientTolerance: Double = 1e-10, maxIterations: Int = 1000) {
        self.inverseRegularization = inverseRegularization
        self.gradientTolerance = gradientTolerance
        self.maxIterations = maxIterations
    }
}

/// A fitted model; predicts P(y = 1 | x).
public struct LogisticModel: Sendable, Codable, Equatable {
    /// The unpenalized intercept b.
    public var intercept: Double
    /// The coefficients β, one per design column.
    public var coefficients: [Double]
    /// The solver iterations taken (0 for a constant model).
    public var iterations: Int
    /// Whether the fit met its gradient tolerance (true for a constant model).
    public var converged: Bool
    /// The achieved max |∇(objective / Σw)| at the returned parameters.
    public var maxAbsGradient: Double
    /// The solver that produced the model: `"newton"`, `"lbfgs"` or `"constant"`.
    public var solver: String

    /// A model from its parts.
    public init(intercept: Double, coefficients: [Double], iterations: Int, converged: Bool,
                maxAbsGradient: Double, solver: String) {
        self.intercept = intercept
        self.coefficients = coefficients
        self.iterations = iterations
        self.converged = converged
        self.maxAbsGradient = maxAbsGradient
        self.solver = solver
    }

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
        precondition(design.values.count == n * d, "LogisticModel: design values do not match its shape")
        guard n > 0 else { return [] }
        guard d > 0 else { return [Double](repeating: intercept, count: n) }
        let b = intercept
        return [Double](unsafeUninitializedCapacity: n) { out, initialized in
            design.values.withUnsafeBufferPointer { x in
                coefficients.withUnsafeBufferPointer { beta in
                    let chunks = LogisticRegression.Kernels.chunkRanges(rowCount: n, columnCount: d)
                    let xP = LogisticRegression.Shared(value: x.baseAddress!)
                    let betaP = LogisticRegression.Shared(value: beta.baseAddress!)
                    let outP = LogisticRegression.Shared(value: out.baseAddress!)
                    LogisticRegression.Kernels.forEachChunk(chunks.count) { k in
                        LogisticRegression.Kernels.scores(x: xP.value, d: d, rows: chunks[k], beta: betaP.value,
                                                          intercept: b, out: outP.value)
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

    /// A model that predicts a constant probability (used when training data has one class).
    ///
    /// The intercept is logit(p); for p = 0 or 1 it is ∓750, finite (so the model encodes to JSON)
    /// and far enough out that σ returns exactly 0 or 1.
    public static func constant(probability: Double, columnCount: Int) -> LogisticModel {
        precondition(probability >= 0 && probability <= 1, "LogisticModel.constant: probability outside [0, 1]")
        precondition(columnCount >= 0, "LogisticModel.constant: negative column count")
        let logit = log(probability) - log1p(-probability)
        return LogisticModel(intercept: min(max(logit, -750), 750),
                             coefficients: [Double](repeating: 0, count: columnCount),
                             iterations: 0, converged: true, maxAbsGradient: 0, solver: "constant")
    }
}
