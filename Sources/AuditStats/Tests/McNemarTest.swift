/// Exact one-sided McNemar test for a paired difference of error rates (McNemar 1947;
/// spec §2.2; the one-sided form of `ustunb/dcptree` `exact_mcn_test`).
///
/// Within a group, `n10` counts rows where the comparator is wrong and the target model h_g is
/// right, `n01` rows where the comparator is right and h_g is wrong. Under H0 (equal error),
/// n10 | n10 + n01 ~ Bin(n10 + n01, ½). Because the statistic depends only on these two counts,
/// the federated test is the test of the site-summed counts (spec §3), never a combination of
/// per-site p-values.
public struct McNemarTest: Sendable, Equatable, Codable {
    /// Discordant rows where the comparator is wrong and h_g right (favours h_g).
    public let n10: Int
    /// Discordant rows where the comparator is right and h_g wrong (favours the comparator).
    public let n01: Int

    /// Creates the test from the discordant counts of the 2×2 correctness table.
    public init(n10: Int, n01: Int) {
        precondition(n10 >= 0 && n01 >= 0, "counts must be non-negative")
        self.n10 = n10
        self.n01 = n01
    }

    /// Number of discordant rows n_d = n10 + n01.
    public var discordant: Int { n10 + n01 }

    /// p for H1: err(h_g) > err(comparator), a fair-use violation: P(Bin(n_d, ½) ≤ n10); 1 when n_d = 0.
    public var pViolation: Double {
        discordant == 0 ? 1 : SymmetricBinomial.cdf(n10, n: discordant)
    }

    /// p for H1: err(h_g) < err(comparator), a gain: P(Bin(n_d, ½) ≥ n10); 1 when n_d = 0.
    /// (With n_d = 0 the models agree on every row: there is nothing to test, and p = 1 is the
    /// spec's convention, not evidence of equality — a small group may simply be uninformative.)
    public var pGain: Double {
        discordant == 0 ? 1 : SymmetricBinomial.survival(atLeast: n10, n: discordant)
    }

    /// The exact conditional interval of the gain Δ = err(comparator) − err(h_g) = (n10 − n01)/n
    /// over the group's `rows` n, at two-sided `level`, consistent with the exact test: given
    /// n_d, n10 ~ Bin(n_d, θ) with Δ = (n_d/n)(2θ − 1); the Clopper–Pearson interval [θ_L, θ_U]
    /// for θ maps to [(n_d/n)(2θ_L − 1), (n_d/n)(2θ_U − 1)]. It excludes 0 from above exactly when
    /// the one-sided exact test of H1: Δ < 0 rejects at (1 − level)/2 (and from below likewise),
    /// because θ_U < ½ ⇔ P(Bin(n_d, ½) ≤ n10) < (1 − level)/2. Conditional on n_d, so it ignores
    /// the sampling variation of n_d/n (Agresti, *Categorical Data Analysis*, §10.1).
    /// nil when n_d = 0 (no discordant row: no spread to estimate) or n = 0.
    public func interval(rows n: Int, level: Double) -> ClosedRange<Double>? {
        guard n > 0, discordant > 0,
              let theta = ClopperPearson.interval(successes: n10, trials: discordant, level: level) else { return nil }
        let share = Double(discordant) / Double(n)
        return share * (2 * theta.lowerBound - 1)...share * (2 * theta.upperBound - 1)
    }

    /// The large-sample standard error of the gain, √[((n10 + n01)/n − Δ²)/n] (the paired
    /// difference of proportions; Agresti §10.1; spec §2.1), for display beside the exact test.
    public func standardError(rows n: Int) -> Double? {
        guard n > 0 else { return nil }
        let nn = Double(n), gain = Double(n10 - n01) / nn
        return max(0, (Double(discordant) / nn - gain * gain) / nn).squareRoot()
    }
}
