import Foundation

/// The beta distribution Beta(a, b), for exact binomial (Clopper–Pearson) intervals.
public enum BetaDistribution {
    /// P(X ≤ x) = I_x(a, b) (``SpecialFunctions/regularizedBeta(_:a:b:)``).
    public static func cdf(_ x: Double, a: Double, b: Double) -> Double {
        SpecialFunctions.regularizedBeta(x, a: a, b: b)
    }

    /// The quantile: the x in [0, 1] with I_x(a, b) = p, by bisection on the cdf (which is
    /// increasing) to the last representable bit; 0 at p = 0 and 1 at p = 1. Accuracy is that of
    /// `regularizedBeta`, ≈ 1e-14 relative.
    public static func quantile(_ p: Double, a: Double, b: Double) -> Double {
        precondition(p >= 0 && p <= 1, "probability out of range")
        precondition(a > 0 && b > 0, "a and b must be positive")
        if p == 0 { return 0 }
        if p == 1 { return 1 }
        var low = 0.0, high = 1.0
        for _ in 0..<2_000 {
            let mid = (low + high) / 2
            if mid <= low || mid >= high { break }  // adjacent doubles: done
            if cdf(mid, a: a, b: b) < p { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }
}

/// The exact (Clopper–Pearson 1934) confidence interval of a binomial proportion: for k successes
/// in n trials, [B(α/2; k, n − k + 1), B(1 − α/2; k + 1, n − k)] with B(q; a, b) the beta quantile,
/// α = 1 − level, and the ends 0 at k = 0 and 1 at k = n. It inverts the two one-sided exact
/// binomial tests at α/2 each (scipy `binomtest(k, n).proportion_ci(method="exact")`).
public enum ClopperPearson {
    /// The interval for k of n at two-sided `level` in (0, 1); nil when n = 0.
    public static func interval(successes k: Int, trials n: Int, level: Double) -> ClosedRange<Double>? {
        precondition(k >= 0 && k <= n, "successes out of range")
        guard n > 0, level > 0, level < 1 else { return nil }
        let tail = (1 - level) / 2
        let lower = k == 0 ? 0 : BetaDistribution.quantile(tail, a: Double(k), b: Double(n - k + 1))
        let upper = k == n ? 1 : BetaDistribution.quantile(1 - tail, a: Double(k + 1), b: Double(n - k))
        return lower...max(lower, upper)
    }
}
