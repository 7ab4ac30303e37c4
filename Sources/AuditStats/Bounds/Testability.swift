import Foundation

/// How many group attributes can be tested at all (Cornelis, Bernárdez, Jeong & Miolane,
/// arXiv 2502.02786, building on Monteiro Paes et al., NeurIPS 2022; spec §2.9).
///
/// With k binary attributes there are d = 2ᵏ groups of m = N/d rows. The minimax probability of
/// error of any test of H0: BoP ≤ 0 against H1: BoP ≥ ε is at least
/// P_e ≥ 1 − (1/(2√d))·√((1 + 4ε²)^{N/d} − 1) (classification) and
/// 1 − (1/(2√d))·√(exp(m ε²/σ²) − 1) (regression, Gaussian individual BoP of scale σ).
/// Dropping the "−1" and setting the bound to ½ gives d = (1 + 4ε²)^{N/d}, solved by
/// k_max = W(N·ln(1 + 4ε²)) / ln 2 and d_max = exp(W(·)); beyond k_max every test errs with
/// probability above ½. The exact bound crosses ½ slightly earlier, so k_max is a valid limit.
public enum Testability {
    /// k_max and d_max for classification.
    public static func classification(rows n: Double, epsilon: Double) -> (kMax: Double, dMax: Double) {
        let w = LambertW.principal(n * log1p(4 * epsilon * epsilon))
        return (w / M_LN2, exp(w))
    }

    /// k_max and d_max for regression with Gaussian individual benefit of scale σ.
    public static func regression(rows n: Double, epsilon: Double, sigma: Double) -> (kMax: Double, dMax: Double) {
        let w = LambertW.principal(n * epsilon * epsilon / (sigma * sigma))
        return (w / M_LN2, exp(w))
    }

    /// The classification lower bound on P_e for d groups of sizes `groupSizes` (equal or not):
    /// 1 − (1/(2√d))·√(mean_j (1 + 4ε²)^{m_j} − 1), computed in log space. May be negative (uninformative).
    public static func errorProbabilityBound(groupSizes: [Double], epsilon: Double) -> Double {
        let d = Double(groupSizes.count)
        let rate = log1p(4 * epsilon * epsilon)
        let logs = groupSizes.map { $0 * rate }
        let top = logs.max() ?? 0
        let mean = logs.reduce(0) { $0 + exp($1 - top) } / d   // mean of (1+4ε²)^{m_j} / e^top
        // √(e^top·mean − 1) = e^{top/2} √(mean − e^{−top})
        let inner = mean - exp(-top)
        guard inner > 0 else { return 1 }
        return 1 - exp(top / 2 + 0.5 * log(inner) - M_LN2 - 0.5 * log(d))
    }

    /// The exact (with "−1") crossing of ½ for equal groups, in binary attributes k (bisection).
    public static func exactCrossing(rows n: Double, epsilon: Double) -> Double {
        func bound(_ k: Double) -> Double {
            let d = pow(2, k)
            let x = (n / d) * log1p(4 * epsilon * epsilon)
            return 1 - exp(-M_LN2 - 0.5 * log(d) + 0.5 * x + 0.5 * log(-expm1(-x)))
        }
        var low = 0.5, high = 60.0
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if bound(mid) < 0.5 { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }
}

/// Proposition 4 of Suriyakumar, Ghassemi & Ustun (ICML 2023): the sample size at which an
/// empirical rationality gain ε̂ (or envy-freeness margin γ̂ over m groups) generalizes with
/// probability ≥ 1 − δ, for a hypothesis class of VC dimension D (spec §2.8). Implicit in n:
/// the smallest integer n with n ≥ f(n), found by bracketing and bisection.
public enum GeneralizationSampleSize {
    /// Which form of the bound.
    public enum Variant: String, Sendable, Codable, CaseIterable {
        /// As printed in Prop. 4: [4D·log(2n/D + 1) + log(8m/δ)] / gap².
        case asPrinted = "as_printed"
        /// Lemma 6's Vapnik form: [4D(log(2n/D) + 1) + log(8m/δ)] / gap².
        case lemma6 = "lemma6"
        /// Corrected (the proof needs 2B ≤ gap): 4[D(log(2n/D) + 1) + log(8m/δ)] / gap². The default.
        case corrected
    }

    /// f(n) of the chosen variant; `groups` = 1 for rationality, m for envy-freeness.
    public static func bound(_ n: Double, vcDimension d: Double, gap: Double, delta: Double, groups: Int,
                             variant: Variant) -> Double {
        let l = log(8 * Double(groups) / delta)
        switch variant {
        case .asPrinted: return (4 * d * log(2 * n / d + 1) + l) / (gap * gap)
        case .lemma6: return (4 * d * (log(2 * n / d) + 1) + l) / (gap * gap)
        case .corrected: return 4 * (d * (log(2 * n / d) + 1) + l) / (gap * gap)
        }
    }

    /// The smallest integer n with n ≥ f(n); nil when gap ≤ 0.
    public static func required(vcDimension d: Double, gap: Double, delta: Double, groups: Int = 1,
                                variant: Variant = .corrected) -> Int? {
        guard gap > 0, delta > 0, delta < 1, d > 0 else { return nil }
        func g(_ n: Double) -> Double { n - bound(n, vcDimension: d, gap: gap, delta: delta, groups: groups, variant: variant) }
        var low = d, high = 10.0
        while g(high) < 0 { high *= 2 }
        if g(low) >= 0 { low = max(1, low / 2) }
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if g(mid) < 0 { low = mid } else { high = mid }
            if high - low < 1e-9 { break }
        }
        return Int(high.rounded(.up))
    }
}
