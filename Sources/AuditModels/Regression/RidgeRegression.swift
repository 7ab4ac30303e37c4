import AuditModelTypes
import AuditSpec

/// Ridge regression by its closed form (Hoerl & Kennard 1970; Hastie, Tibshirani & Friedman,
/// The Elements of Statistical Learning, 2nd ed., §3.4.1), in scikit-learn's `Ridge` convention
/// (`fit_intercept=True`): with column means x̄ and ȳ,
///
///   β = (X_cᵀ X_c + λ I)⁻¹ X_cᵀ (y − ȳ),   b = ȳ − x̄ᵀβ,   X_c = X − 1 x̄ᵀ,
///
/// minimizing ‖y − Xβ − b‖² + λ‖β‖² with the intercept unpenalized. The system is solved by
/// Cholesky (``Cholesky``); λ > 0 makes it positive definite even for collinear columns (the
/// intersectional indicators sum to the intercept). Cost O(n p² + p³) for p columns.
public enum RidgeRegression {
    /// Fits on the rows of `design` with the columns of `extra` appended (not copied), or on
    /// `design` alone. Throws when shapes differ, there are no rows, a value is not finite, or
    /// λ is not > 0; messages never quote a value.
    public static func fit(_ design: DesignMatrix, appending extra: DesignMatrix? = nil, targets: [Double],
                           alpha: Double) throws(ModelError) -> LinearRegressionModel {
        let n = design.rowCount, d = design.columnCount, e = extra?.columnCount ?? 0, p = d + e
        guard targets.count == n, extra == nil || extra!.rowCount == n else {
            throw ModelError(code: .shapeMismatch, message: "\(targets.count) targets for \(n) design rows")
        }
        guard n > 0 else { throw ModelError(code: .noRows, message: "no rows to fit") }
        guard alpha.isFinite, alpha > 0 else {
            throw ModelError(code: .invalidValue, message: "the ridge penalty alpha must be finite and > 0")
        }
        guard targets.allSatisfy(\.isFinite), design.values.allSatisfy(\.isFinite),
              extra?.values.allSatisfy(\.isFinite) ?? true else {
            throw ModelError(code: .nonFinite, message: "the targets or the design hold a NaN or an infinity")
        }
        // Column means and the outcome mean.
        var means = [Double](repeating: 0, count: p)
        var targetMean = 0.0
        for i in 0..<n {
            for j in 0..<d { means[j] += design.values[i * d + j] }
            if let extra { for j in 0..<e { means[d + j] += extra.values[i * e + j] } }
            targetMean += targets[i]
        }
        let nn = Double(n)
        for j in 0..<p { means[j] /= nn }
        targetMean /= nn
        // Centred normal equations, accumulated row by row (lower triangle of the Gram matrix).
        var gram = [Double](repeating: 0, count: p * p)
        var right = [Double](repeating: 0, count: p)
        var row = [Double](repeating: 0, count: p)
        for i in 0..<n {
            for j in 0..<d { row[j] = design.values[i * d + j] - means[j] }
            if let extra { for j in 0..<e { row[d + j] = extra.values[i * e + j] - means[d + j] } }
            let yc = targets[i] - targetMean
            for a in 0..<p {
                let ra = row[a]
                right[a] += ra * yc
                for b in 0...a { gram[a * p + b] += ra * row[b] }
            }
        }
        for a in 0..<p { gram[a * p + a] += alpha }
        guard let beta = Cholesky.solve(gram, dimension: p, right) else {
            throw ModelError(code: .invalidValue, message: "the ridge system is not positive definite")
        }
        var intercept = targetMean
        for j in 0..<p { intercept -= means[j] * beta[j] }
        return LinearRegressionModel(intercept: intercept, coefficients: beta, alpha: alpha)
    }
}

/// Trains the regressor class a spec names. The one switch over regressor classes; a class
/// without a regressor here is refused with a clear error.
public enum Regressor {
    /// Fits `model.modelClass` on `design` (+ `extra` columns) to `targets`.
    public static func fit(_ model: ModelSpec, design: DesignMatrix, appending extra: DesignMatrix? = nil,
                           targets: [Double]) throws(ModelError) -> FittedRegressor {
        switch model.modelClass {
        case .ridgeRegression:
            return .ridge(try RidgeRegression.fit(design, appending: extra, targets: targets, alpha: model.ridgeAlpha))
        default:
            throw ModelError(code: .invalidValue, message: "model class \(model.modelClass) cannot fit a continuous outcome")
        }
    }
}
