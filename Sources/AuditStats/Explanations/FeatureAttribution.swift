import Foundation

/// Per-row feature attributions of a model's log-odds, against a baseline row x⁰, for the
/// explanation benefit BoP-X (Cornelis, Bernárdez, Jeong & Miolane, arXiv 2502.02786).
///
/// Rows are row-major `[Double]` (row i at `i·d ..< (i+1)·d`) and so are the attributions.
/// A model is reached only through a batch predictor `(rows, rowCount) -> P(y = 1)`, so any
/// model class (logistic regression, random forest, neural network) can be explained.
public enum FeatureAttribution {
    /// Exact attributions of a linear log-odds b + x·β: a_ij = β_j (x_ij − x⁰_j).
    ///
    /// For a linear f these are at once its baseline Shapley values (each feature adds β_j(x_j − x⁰_j)
    /// in every coalition; Lundberg & Lee 2017, "linear SHAP" with a single reference) and its
    /// integrated gradients from x⁰ (Sundararajan et al. 2017). Integrated gradients of the
    /// *probability* σ(f) are these times one positive factor per row, so they rank features alike.
    public static func linear(rows: [Double], rowCount n: Int, coefficients beta: [Double], baseline: [Double]) -> [Double] {
        let d = beta.count
        precondition(rows.count == n * d && baseline.count == d, "FeatureAttribution.linear: shape mismatch")
        var out = [Double](repeating: 0, count: n * d)
        for i in 0..<n {
            for j in 0..<d { out[i * d + j] = beta[j] * (rows[i * d + j] - baseline[j]) }
        }
        return out
    }

    /// Baseline Shapley values of the log-odds logit(p(x)) by permutation sampling (Castro, Gómez &
    /// Tejada 2009; Štrumbelj & Kononenko 2014): for each of `permutations` random orders π, features
    /// are switched from x⁰ to x in the order π and each is credited with the change of logit(p).
    /// Unbiased; efficient (Σ_j φ_j = f(x) − f(x⁰)) for every sample; exact for additive f.
    ///
    /// Row i draws its orders from `Xoshiro256StarStar(seed: mix(seed, i))`, so results do not depend
    /// on batching. Evaluations are batched (`permutations · d` rows per data row) into `predict`.
    public static func sampledShapley(rows: [Double], rowCount n: Int, columnCount d: Int, baseline: [Double],
                                      permutations: Int, seed: UInt64,
                                      predict: ([Double], Int) -> [Double]) -> [Double] {
        precondition(rows.count == n * d && baseline.count == d && permutations > 0, "FeatureAttribution.sampledShapley: bad shape")
        var out = [Double](repeating: 0, count: n * d)
        guard n > 0, d > 0 else { return out }
        let base = logit(predict(baseline, 1)[0])
        let perRow = permutations * d
        let chunk = max(1, 200_000 / max(1, perRow * d))   // ≈ 200k values per batch
        var order = [Int](repeating: 0, count: d)
        var z = baseline
        var start = 0
        while start < n {
            let end = min(n, start + chunk)
            var batch = [Double](); batch.reserveCapacity((end - start) * perRow * d)
            var orders = [[Int]]()
            orders.reserveCapacity((end - start) * permutations)
            for i in start..<end {
                var rng = Xoshiro256StarStar(seed: SplitMix64.mix(seed ^ (UInt64(i) &* 0x9E37_79B9_7F4A_7C15)))
                for _ in 0..<permutations {
                    for j in 0..<d { order[j] = j }
                    for j in stride(from: d - 1, to: 0, by: -1) { order.swapAt(j, Int(rng.nextBounded(UInt64(j + 1)))) }
                    orders.append(order)
                    for j in 0..<d { z[j] = baseline[j] }
                    for j in order {
                        z[j] = rows[i * d + j]
                        batch.append(contentsOf: z)
                    }
                }
            }
            let p = predict(batch, (end - start) * perRow)
            precondition(p.count == (end - start) * perRow, "FeatureAttribution.sampledShapley: predictor returned \(p.count) values")
            for (r, i) in (start..<end).enumerated() {
                for m in 0..<permutations {
                    var previous = base
                    let o = orders[r * permutations + m]
                    for (k, j) in o.enumerated() {
                        let value = logit(p[r * perRow + m * d + k])
                        out[i * d + j] += value - previous
                        previous = value
                    }
                }
                for j in 0..<d { out[i * d + j] /= Double(permutations) }
            }
            start = end
        }
        return out
    }

    /// logit(p) with p clamped to [1e−15, 1 − 1e−15] so that saturated models stay finite.
    static func logit(_ p: Double) -> Double {
        let q = min(max(p, 1e-15), 1 - 1e-15)
        return log(q) - log1p(-q)
    }
}
