import Foundation

/// Platt scaling (Platt 1999, "Probabilistic outputs for support vector machines and comparisons
/// to regularized likelihood methods", Advances in Large Margin Classifiers 10(3):61–74):
/// P(y = 1 | s) = σ(a·s + b), fitted to held-out scores s by maximum likelihood against Platt's
/// smoothed targets t₊ = (N₊ + 1)/(N₊ + 2) for positives and t₋ = 1/(N₋ + 2) for negatives,
/// which keep the fit finite when the scores separate the classes.
///
/// The minimizer is found by Newton's method with backtracking, started at a = 0,
/// b = log((N₊ + 1)/(N₋ + 1)), as in Lin, Lin & Weng (2007), "A note on Platt's probabilistic
/// outputs for support vector machines", Machine Learning 68:267–276 (their A, B are −a, −b).
public struct PlattScaling: Sendable, Codable, Equatable {
    /// Slope on the score.
    public var a: Double
    /// Intercept.
    public var b: Double
    /// Newton iterations taken.
    public var iterations: Int

    /// The calibrated probability of a score.
    public func probability(_ score: Double) -> Double {
        LogisticRegression.Kernels.sigmoid(a * score + b)
    }

    /// Fits a and b to `scores` with 0/1 `labels` and optional non-negative weights (N₊, N₋ are
    /// then weighted counts). Needs at least one row of each class with positive weight.
    public static func fit(scores: [Double], labels: [UInt8], weights: [Double]? = nil) throws(ModelError) -> PlattScaling {
        guard scores.count == labels.count, weights.map({ $0.count == scores.count }) ?? true else {
            throw ModelError(code: .shapeMismatch, message: "\(scores.count) scores for \(labels.count) labels")
        }
        guard scores.allSatisfy(\.isFinite) else { throw ModelError(code: .nonFinite, message: "a calibration score is not finite") }
        let w = weights ?? [Double](repeating: 1, count: scores.count)
        var positives = 0.0, negatives = 0.0
        for (y, wi) in zip(labels, w) { if y == 1 { positives += wi } else { negatives += wi } }
        guard positives > 0, negatives > 0 else {
            throw ModelError(code: .singleClass, message: "Platt scaling needs held-out rows of both classes")
        }
        let high = (positives + 1) / (positives + 2), low = 1 / (negatives + 2)
        let targets = labels.map { $0 == 1 ? high : low }
        /// Σ w·(softplus(z) − t·z), z = a·s + b: the log-loss against the targets.
        func objective(_ a: Double, _ b: Double) -> Double {
            var f = 0.0
            for i in scores.indices {
                let z = a * scores[i] + b
                f += w[i] * ((z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))) - targets[i] * z)
            }
            return f
        }
        var a = 0.0, b = log((positives + 1) / (negatives + 1))
        var f = objective(a, b), iterations = 0
        for iteration in 1...100 {
            var ga = 0.0, gb = 0.0, haa = 1e-12, hab = 0.0, hbb = 1e-12
            for i in scores.indices {
                let p = LogisticRegression.Kernels.sigmoid(a * scores[i] + b), s = scores[i]
                let r = w[i] * (p - targets[i]), c = w[i] * p * (1 - p)
                ga += r * s
                gb += r
                haa += c * s * s
                hab += c * s
                hbb += c
            }
            iterations = iteration - 1
            if max(abs(ga), abs(gb)) < 1e-10 * max(1, positives + negatives) { break }
            let det = haa * hbb - hab * hab
            let da = -(hbb * ga - hab * gb) / det, db = -(-hab * ga + haa * gb) / det
            var step = 1.0, improved = false
            while step >= 1e-10 {
                let candidate = objective(a + step * da, b + step * db)
                if candidate < f + 1e-4 * step * (ga * da + gb * db) {
                    a += step * da
                    b += step * db
                    f = candidate
                    improved = true
                    break
                }
                step /= 2
            }
            iterations = iteration
            if !improved { break }
        }
        return PlattScaling(a: a, b: b, iterations: iterations)
    }
}
