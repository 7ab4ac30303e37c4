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
    public var pGain: Double {
        discordant == 0 ? 1 : SymmetricBinomial.survival(atLeast: n10, n: discordant)
    }
}
