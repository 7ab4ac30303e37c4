import Foundation

/// Tail probabilities of the symmetric binomial distribution Bin(n, ½), the null law of the
/// exact McNemar test (McNemar 1947; spec §2.2).
public enum SymmetricBinomial {
    /// P(X ≤ k) for X ~ Bin(n, ½). Exact (integer arithmetic, one rounding) for n ≤ 62;
    /// otherwise the smaller tail is summed by the term-ratio recurrence
    /// C(n, j−1) = C(n, j)·j/(n−j+1) from the largest term down, relative error ≈ √k·ε.
    /// Returns 0 for k < 0 and 1 for k ≥ n.
    public static func cdf(_ k: Int, n: Int) -> Double {
        precondition(n >= 0, "n must be non-negative")
        if k < 0 { return 0 }
        if k >= n { return 1 }
        if n <= 62 { return exactCDF(k, n: n) }
        // Sum the smaller tail; use symmetry P(X ≤ k) = 1 − P(X ≤ n − k − 1) otherwise.
        if 2 * k < n { return lowerTail(k, n: n) }
        return 1 - lowerTail(n - k - 1, n: n)
    }

    /// P(X ≥ k) = P(X ≤ n − k) by symmetry.
    public static func survival(atLeast k: Int, n: Int) -> Double {
        cdf(n - k, n: n)
    }

    private static func exactCDF(_ k: Int, n: Int) -> Double {
        var term: UInt64 = 1  // C(n, 0)
        var sum: UInt64 = 1
        if k >= 1 {
            for j in 1...k {
                term = term * UInt64(n - j + 1) / UInt64(j)  // exact: C(n,j) = C(n,j-1)(n-j+1)/j
                sum += term
            }
        }
        // sum ≤ 2^62 converts with one rounding; division by 2^n is exact.
        return Double(sum) * pow(2.0, Double(-n))
    }

    /// Σ_{j ≤ k} C(n, j)/2ⁿ for 2k < n, where the terms decrease away from k.
    private static func lowerTail(_ k: Int, n: Int) -> Double {
        // log C(n, k) − n log 2 accumulated as a scaled product to avoid lgamma's absolute error.
        var mantissa = 1.0
        var exponent = 0
        if k > 0 {
            for j in 1...k {
                mantissa *= Double(n - k + j) / Double(j)
                let parts = frexp(mantissa)
                mantissa = parts.0
                exponent += parts.1
            }
        }
        let termK = scalbn(mantissa, exponent - n)
        var ratioSum = 1.0
        var ratio = 1.0
        var j = k
        while j > 0 {
            ratio *= Double(j) / Double(n - j + 1)
            ratioSum += ratio
            if ratio < ratioSum * 1e-17 { break }
            j -= 1
        }
        return min(1, termK * ratioSum)
    }
}
