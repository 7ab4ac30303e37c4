import Foundation

/// The principal branch W₀ of the Lambert W function (w·eʷ = x, x ≥ −1/e), by Halley's iteration
/// from a log-based start (Corless et al. 1996, "On the Lambert W function", Adv. Comput. Math. 5).
/// Relative accuracy ≈ 1e-15; NaN below −1/e.
public enum LambertW {
    /// W₀(x).
    public static func principal(_ x: Double) -> Double {
        if x.isNaN || x < -1 / M_E { return .nan }
        if x == 0 { return 0 }
        if x.isInfinite { return .infinity }
        var w: Double
        if x < 0 {
            let p = max(0, 2 * (M_E * x + 1)).squareRoot()
            if p < 1e-8 { return -1 + p }                 // at the branch point −1/e
            w = -1 + p - p * p / 3 + 11 / 72 * p * p * p   // series at the branch point
        } else if x < M_E {
            w = log1p(x) * 0.75
        } else {
            let l = log(x)
            w = l - log(max(l, 1e-300))
            if w <= 0 { w = l }
        }
        for _ in 0..<100 {
            let e = exp(w)
            let f = w * e - x
            let next = w - f / (e * (w + 1) - (w + 2) * f / (2 * w + 2))
            if abs(next - w) <= 1e-15 * (1 + abs(next)) { return next }
            w = next
        }
        return w
    }
}
