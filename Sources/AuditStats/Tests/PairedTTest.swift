/// One-sided paired t-test of a mean loss difference (Student 1908; e.g. Casella & Berger 2002
/// §8.3; the regression test of Cornelis et al., "Benefit of Personalization"), from the
/// additive sums n, Σd, Σd² of d_i = ℓ_c,i − ℓ_g,i (``PairedDifferenceSums``):
///
///   d̄ = Σd / n,  s² = (Σd² − n·d̄²) / (n − 1),  SE = s / √n,  t = d̄ / SE,  ν = n − 1,
///   p_gain = P(T_ν ≥ t) (H1: Δ > 0),  p_violation = P(T_ν ≤ t) (H1: Δ < 0).
///
/// The gain Δ = d̄ is positive when h_g has the smaller mean loss. Assumes the d_i are
/// independent with a common mean (approximately normal mean for moderate n, by the CLT).
/// Edge cases (`unavailableReason` says which): n < 2 leaves the test undefined (nil p-values);
/// zero spread — every d_i equal, detected as s² ≤ 10⁻¹² · Σd²/n to absorb the cancellation of
/// the one-pass formula — with d̄ ≠ 0 is undefined too (never t = ±∞ or p = 0: a variance of 0
/// is too little information, not certainty); every d_i = 0 (identical losses, e.g. a decoupled
/// group that falls back to h0) gives p = 1 both ways (no evidence either way; the null law is a
/// point mass at 0).
public struct PairedTTest: Sendable, Equatable {
    /// The mean difference Δ = d̄; nil when n = 0.
    public let gain: Double?
    /// The t statistic; nil when undefined (n < 2, or every difference 0).
    public let t: Double?
    /// ν = n − 1; nil when n < 2.
    public let degreesOfFreedom: Int?
    /// SE = s / √n; nil when n < 2.
    public let standardError: Double?
    /// p for H1: Δ < 0; nil when n < 2.
    public let pViolation: Double?
    /// p for H1: Δ > 0; nil when n < 2.
    public let pGain: Double?
    /// Why the test is undefined, in plain words; nil when it is defined.
    public let unavailableReason: String?

    /// The test from the sums of the differences.
    public init(_ sums: PairedDifferenceSums) {
        let n = sums.count
        gain = sums.mean
        guard n >= 2, let mean = gain else {
            t = nil; degreesOfFreedom = nil; standardError = nil; pViolation = nil; pGain = nil
            unavailableReason = n == 0 ? "no rows" : "a single row: the t-test needs two to estimate a variance"
            return
        }
        let nn = Double(n)
        let centred = max(0, sums.sumOfSquares - nn * mean * mean)
        let noSpread = centred <= 1e-12 * sums.sumOfSquares
        let variance = noSpread ? 0 : centred / (nn - 1)
        degreesOfFreedom = n - 1
        standardError = (variance / nn).squareRoot()
        if sums.sumOfSquares == 0 {
            t = nil; pViolation = 1; pGain = 1; unavailableReason = nil
            return
        }
        if noSpread {
            t = nil; pViolation = nil; pGain = nil
            unavailableReason = "every row's loss difference is the same: zero variance, the t-test is undefined"
            return
        }
        unavailableReason = nil
        let statistic = mean / (variance / nn).squareRoot()
        let nu = nn - 1
        t = statistic
        // Both tails from the cdf at a non-positive argument, which is the accurate small tail.
        pGain = StudentT.cdf(-statistic, degreesOfFreedom: nu)
        pViolation = StudentT.cdf(statistic, degreesOfFreedom: nu)
    }

    /// The two-sided t interval d̄ ± t_{ν, 1−(1−level)/2} · SE at `level`; nil when the test is
    /// undefined or SE = 0 (identical losses: no spread to estimate).
    public func interval(level: Double) -> ClosedRange<Double>? {
        guard let gain, let standardError, let degreesOfFreedom, t != nil, standardError > 0,
              level > 0, level < 1 else { return nil }
        let half = StudentT.quantile(1 - (1 - level) / 2, degreesOfFreedom: Double(degreesOfFreedom)) * standardError
        return (gain - half)...(gain + half)
    }
}
