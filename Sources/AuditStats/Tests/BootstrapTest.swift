import Foundation

/// One-sided percentile bootstrap test of a paired gain (spec §2.1; Efron & Tibshirani 1993
/// §16; Davison & Hinkley 1997 ch. 4), from replicate gains Δ*_b.
///
/// p_violation = (1 + #{Δ* ≥ 0}) / (B + 1) tests H1: Δ < 0; p_gain = (1 + #{Δ* ≤ 0}) / (B + 1)
/// tests H1: Δ > 0. Ties at 0 count against the alternative (conservative). The percentile
/// interval uses the linear-interpolation quantile (Hyndman & Fan type 7, numpy's default).
/// Caution (decision D2): anti-conservative when a group has few discordant rows.
public struct BootstrapTest: Sendable, Equatable {
    /// p for H1: Δ < 0.
    public let pViolation: Double
    /// p for H1: Δ > 0.
    public let pGain: Double
    /// Standard deviation of Δ* (denominator B − 1); nil when B < 2.
    public let standardError: Double?
    /// Percentile interval of Δ* at the given level.
    public let interval: ClosedRange<Double>?

    /// The test from replicate gains; `sign` compares exactly (use exact numerators where possible).
    public init(replicateGains: [Double], level: Double) {
        let b = replicateGains.count
        precondition(b > 0, "no replicates")
        var atLeastZero = 0, atMostZero = 0
        for d in replicateGains {
            if d >= 0 { atLeastZero += 1 }
            if d <= 0 { atMostZero += 1 }
        }
        pViolation = Double(1 + atLeastZero) / Double(b + 1)
        pGain = Double(1 + atMostZero) / Double(b + 1)
        if b >= 2 {
            let mean = replicateGains.reduce(0, +) / Double(b)
            let ss = replicateGains.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            standardError = (ss / Double(b - 1)).squareRoot()
        } else {
            standardError = nil
        }
        var values = replicateGains
        let tail = (1 - level) / 2
        let lower = BootstrapTest.quantile(&values, tail)
        interval = lower...max(lower, BootstrapTest.quantile(&values, 1 - tail))
    }

    /// Type-7 quantile, by selection (expected linear time; reorders `values`).
    static func quantile(_ values: inout [Double], _ q: Double) -> Double {
        let h = Double(values.count - 1) * q
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, values.count - 1)
        let a = select(&values, lo)
        let b = hi == lo ? a : select(&values, hi)
        return a + (h - Double(lo)) * (b - a)
    }

    /// The k-th smallest value (Hoare's quickselect with median-of-three pivots).
    static func select(_ values: inout [Double], _ k: Int) -> Double {
        var low = 0, high = values.count - 1
        while low < high {
            let mid = (low + high) / 2
            if values[mid] < values[low] { values.swapAt(mid, low) }
            if values[high] < values[low] { values.swapAt(high, low) }
            if values[high] < values[mid] { values.swapAt(high, mid) }
            let pivot = values[mid]
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while pivot < values[j] { j -= 1 }
                if i <= j { values.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { high = j } else if k >= i { low = i } else { return values[k] }
        }
        return values[k]
    }
}
