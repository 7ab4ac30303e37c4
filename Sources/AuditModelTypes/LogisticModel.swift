import Foundation

/// A fitted logistic regression: its parameters and how the fit went (prediction from them is
/// in AuditModels, `LogisticModel+Prediction.swift`, beside the kernels it uses).
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
