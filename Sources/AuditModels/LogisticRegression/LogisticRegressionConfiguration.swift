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
