import Foundation

/// The smallest error-rate gain the exact one-sided McNemar test can detect in a group (spec §2.2),
/// for planning (`fairuse plan`): with n rows of which a fraction ψ are discordant (n_d = round(ψ n)),
/// the test rejects at level α when n10 ≥ c, c the smallest count with P(Bin(n_d, ½) ≥ c) ≤ α; under
/// a gain Δ, n10 ~ Bin(n_d, π) with π = (1 + Δ/ψ)/2. The detectable gain is the smallest Δ whose
/// power P(Bin(n_d, π) ≥ c) reaches the target. Conditioning on n_d is the usual approximation.
public enum McNemarPower {
    /// The minimum detectable gain Δ (in error-rate units), or nil when no gain up to ψ is detectable.
    public static func minimumDetectableGain(rows n: Int, discordantFraction psi: Double, alpha: Double,
                                             power: Double = 0.8) -> Double? {
        let nd = Int((Double(n) * psi).rounded())
        guard nd > 0, alpha > 0, alpha < 1 else { return nil }
        guard let c = (0...nd).first(where: { SymmetricBinomial.survival(atLeast: $0, n: nd) <= alpha }) else { return nil }
        func achieved(_ pi: Double) -> Double { binomialSurvival(atLeast: c, n: nd, p: pi) }
        if achieved(1) < power { return nil }
        var low = 0.5, high = 1.0
        for _ in 0..<100 {
            let mid = (low + high) / 2
            if achieved(mid) >= power { high = mid } else { low = mid }
        }
        return (2 * high - 1) * psi
    }

    /// P(Bin(n, p) ≥ k), summed in log space (n is a planning size, so O(n) is fine).
    static func binomialSurvival(atLeast k: Int, n: Int, p: Double) -> Double {
        if k <= 0 { return 1 }
        if k > n { return 0 }
        if p >= 1 { return 1 }
        if p <= 0 { return 0 }
        var total = 0.0
        let lp = log(p), lq = log1p(-p)
        for j in k...n {
            total += exp(lgamma(Double(n + 1)) - lgamma(Double(j + 1)) - lgamma(Double(n - j + 1)) + Double(j) * lp + Double(n - j) * lq)
        }
        return min(1, total)
    }
}
