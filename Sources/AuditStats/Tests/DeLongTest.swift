/// Paired DeLong test of an AUC difference, site-stratified across sites (DeLong, DeLong &
/// Clarke-Pearson 1988, Biometrics 44:837; spec §2.3 and decision D1; pROC `delong.paired.test`).
/// The derivation, including the rule for singleton strata, is in `Docs/methods-delong.md`.
///
/// Within site s, with M_s positives and N_s negatives, the gain Δ_s = AUC_s(h_g) − AUC_s(c) is
/// the mean of the unscaled placement differences D10 = V10(h_g) − V10(c) over positives (and of
/// D01 over negatives); each lies in [−1, 1]. Its variance is σ²_10,s / M_s + σ²_01,s / N_s.
/// Across sites the estimand compares only positive–negative pairs within a site:
/// Δ = Σ_s w_s Δ_s with w_s = M_s N_s / W, W = Σ_t M_t N_t, and, sites being independent,
///
///   Var(Δ) = Σ_s w_s² (σ²_10,s / M_s + σ²_01,s / N_s) = Σ_s (M_s N_s² σ²_10,s + N_s M_s² σ²_01,s) / W².
///
/// σ²_10,s is the sample variance (denominator M_s − 1) of the stratum's D10 — in the integer
/// placements A = 2N_s·V10 of `AUCStratum`, var(D10_int)/(4N_s²). z = Δ / √Var;
/// p_violation = Φ(z), p_gain = 1 − Φ(z). For one site this is the ordinary DeLong test.
///
/// **Singleton strata.** A site with a single positive (M_s = 1) cannot estimate σ²_10,s, but
/// its pairs still belong to the estimand. Its σ²_10,s is replaced by the within-stratum variance
/// of the unscaled D10 pooled over all strata, Σ_s Σ_i (D10_i − D̄10_s)² / Σ_s (M_s − 1) — an
/// assumption of a common placement variance across sites — and, when no stratum has two
/// positives (Σ (M_s − 1) = 0), by the bound σ² ≤ 1 (D10 ∈ [−1, 1]), which is conservative.
/// Negatives likewise (N_s = 1, denominator N_s − 1, scale 2M_s). Strata with two or more of each
/// class keep their own variance; with no singleton stratum the test is exactly the previous one.
///
/// **Minimum information** (the test is NA, `unavailableReason` says why, p-values nil):
/// no stratum with both classes (AUC undefined); fewer than two positives or two negatives in
/// the strata with both classes (no variance can be estimated for the group at all); Var = 0
/// while Δ ≠ 0 (never z = ±∞: a zero variance means too few distinct placements, not certainty).
/// **Var = 0 and Δ = 0** (every placement difference 0: both models order the rows identically
/// within every site, e.g. envy-freeness under additive offsets, decision D4): z = 0 as spec §5
/// and pROC, p = Φ(0) = ½ both ways, and the test stays in the family like McNemar's n_d = 0 —
/// the spec's rule and the Python reference's. Never flagged at α < ½; the exact conditional
/// p (1) was considered and not taken, see `Docs/methods-delong.md` §3.
public struct DeLongTest: Sendable, Equatable {
    /// Where each stratum's placement variance came from.
    public enum VarianceSource: Sendable, Equatable {
        /// Every stratum estimated its own (≥ 2 of each class in every stratum).
        case estimated
        /// Singleton strata borrowed the variance pooled over strata: the number of such strata and,
        /// per class, the pooled degrees of freedom (0 where the bound 1 was used instead; nil
        /// where no stratum had a single row of that class).
        case pooled(singletonStrata: Int, positiveDF: Int?, negativeDF: Int?)
    }

    /// The gain Δ = AUC(h_g) − AUC(comparator); nil when no site has both classes.
    public let gain: Double?
    /// Exact numerator of the gain: Δ = gainNumerator / (2W).
    public let gainNumerator: Int64
    /// 2W = 2 Σ_s M_s N_s, the common denominator of AUCs and gains.
    public let denominator: Int64
    /// Positives and negatives in strata with both classes (the rows that form pairs).
    public let positives: Int, negatives: Int
    /// Standard error √Var(Δ); nil when undefined.
    public let standardError: Double?
    /// z statistic; nil when the test is undefined.
    public let z: Double?
    /// p for H1: AUC(h_g) < AUC(comparator) (a violation): Φ(z); nil when undefined.
    public let pViolation: Double?
    /// p for H1: AUC(h_g) > AUC(comparator) (a gain): 1 − Φ(z); nil when undefined.
    public let pGain: Double?
    /// How the variance was obtained; nil when it was not.
    public let varianceSource: VarianceSource?
    /// Why the test is undefined, in plain words; nil when it is defined.
    public let unavailableReason: String?

    /// The test for comparator model `comparator` from the group's AUC strata.
    public init(strata: [AUCStratum], comparator: Int) {
        let usable = strata.filter { $0.positives > 0 && $0.negatives > 0 }
        var w: Int64 = 0, numerator: Int64 = 0, m = 0, n = 0
        for s in usable {
            w += Int64(s.positives) * Int64(s.negatives)
            numerator += s.differences[comparator].positiveSum
            m += s.positives
            n += s.negatives
        }
        denominator = 2 * w
        gainNumerator = numerator
        positives = m
        negatives = n
        var outcome = Outcome()
        if w == 0 {
            outcome.reason = strata.isEmpty ? "no rows"
                : "one class only: no site has both positives and negatives, so the AUC is undefined"
        } else {
            let g = Double(numerator) / Double(2 * w)
            outcome.gain = g
            if m < 2 || n < 2 {
                outcome.reason = "only one \(m < 2 ? "positive" : "negative") row can be paired within a site: the DeLong variance cannot be estimated"
            } else {
                let (varianceNumerator, source) = Self.varianceNumerator(usable, comparator: comparator)
                let variance = varianceNumerator / (4 * Double(w) * Double(w))
                if variance > 0 {
                    let se = variance.squareRoot(), statistic = g / se
                    outcome = Outcome(gain: g, se: se, z: statistic, pViolation: NormalDistribution.cdf(statistic),
                                      pGain: NormalDistribution.survival(statistic), source: source)
                } else if numerator == 0 {
                    outcome = Outcome(gain: g, se: 0, z: 0, pViolation: NormalDistribution.cdf(0),
                                      pGain: NormalDistribution.survival(0), source: source)
                } else {
                    outcome.reason = "the DeLong variance is 0 although the AUCs differ: too few distinct placements to estimate it"
                }
            }
        }
        gain = outcome.gain
        standardError = outcome.se
        z = outcome.z
        pViolation = outcome.pViolation
        pGain = outcome.pGain
        varianceSource = outcome.source
        unavailableReason = outcome.reason
    }

    /// The fields that depend on the case analysis of `init`.
    private struct Outcome {
        var gain: Double?, se: Double?, z: Double?, pViolation: Double?, pGain: Double?
        var source: VarianceSource?, reason: String?
    }

    /// The two-sided Wald interval Δ ± z_{1−(1−level)/2}·SE at `level`; nil when the test is
    /// undefined or its variance is 0 (nothing to estimate a spread from).
    public func interval(level: Double) -> ClosedRange<Double>? {
        guard let gain, let standardError, standardError > 0, level > 0, level < 1 else { return nil }
        let half = NormalDistribution.quantile(1 - (1 - level) / 2) * standardError
        return (gain - half)...(gain + half)
    }

    /// 4W²·Var(Δ): Σ_s [M_s var(D10_int) + N_s var(D01_int)] over strata that estimate their own
    /// variance (exactly as before this rule existed, summed in the same order), plus, for each
    /// singleton class of a stratum, 4 N_s² σ̂²_10 (M_s = 1) or 4 M_s² σ̂²_01 (N_s = 1) with σ̂² the
    /// pooled within-stratum variance of the unscaled placement differences (or the bound 1).
    static func varianceNumerator(_ strata: [AUCStratum], comparator: Int) -> (Double, VarianceSource) {
        var total = 0.0
        var singletons = 0
        for s in strata {
            let d = s.differences[comparator]
            if s.positives >= 2 {
                total += centredSquares(count: s.positives, sum: d.positiveSum, squares: d.positiveSquares)
            }
            if s.negatives >= 2 {
                total += centredSquares(count: s.negatives, sum: d.negativeSum, squares: d.negativeSquares)
            }
            if s.positives < 2 || s.negatives < 2 { singletons += 1 }
        }
        guard singletons > 0 else { return (total, .estimated) }
        let pooledPositive = strata.contains { $0.positives == 1 }
            ? pooledVariance(strata, comparator: comparator, positives: true) : nil
        let pooledNegative = strata.contains { $0.negatives == 1 }
            ? pooledVariance(strata, comparator: comparator, positives: false) : nil
        for s in strata {
            let mm = Double(s.positives), nn = Double(s.negatives)
            if s.positives == 1, let pooled = pooledPositive { total += 4 * nn * nn * pooled.variance }
            if s.negatives == 1, let pooled = pooledNegative { total += 4 * mm * mm * pooled.variance }
        }
        return (total, .pooled(singletonStrata: singletons, positiveDF: pooledPositive?.df,
                               negativeDF: pooledNegative?.df))
    }

    /// The within-stratum variance of the unscaled placement differences of one class, pooled
    /// over strata: Σ_s SS_s / Σ_s (k_s − 1), with SS_s = (k_s Q_s − S_s²) / (k_s · scale_s²),
    /// scale_s = 2N_s for positives and 2M_s for negatives; the bound 1 when no stratum has two rows
    /// of the class (df = 0).
    static func pooledVariance(_ strata: [AUCStratum], comparator: Int, positives: Bool) -> (variance: Double, df: Int) {
        var sumOfSquares = 0.0, df = 0
        for s in strata {
            let d = s.differences[comparator]
            let count = positives ? s.positives : s.negatives
            guard count >= 2 else { continue }
            let scale = 2 * Double(positives ? s.negatives : s.positives)
            let sum = positives ? d.positiveSum : d.negativeSum
            let squares = positives ? d.positiveSquares : d.negativeSquares
            let centred = Int128(count) * Int128(squares) - Int128(sum) * Int128(sum)
            sumOfSquares += Double(centred) / (Double(count) * scale * scale)
            df += count - 1
        }
        return df > 0 ? (sumOfSquares / Double(df), df) : (1, 0)
    }

    /// n·var(x) = (n Σx² − (Σx)²)/(n − 1), computed exactly in 128-bit integers before one
    /// rounding, because float sums of squares cancel catastrophically (spec §2.3).
    static func centredSquares(count: Int, sum: Int64, squares: Int64) -> Double {
        let numerator = Int128(count) * Int128(squares) - Int128(sum) * Int128(sum)
        return Double(numerator) / Double(count - 1)
    }
}

/// The AUC of one model from a group's strata: the site-stratified Mann–Whitney statistic,
/// ties counted ½ (decision D1); nil when no site has both classes.
public enum StratifiedAUC {
    /// AUC_r = Σ_s Σ_i A_r(i) / (2 Σ_s M_s N_s).
    public static func value(strata: [AUCStratum], model: Int) -> Double? {
        var w: Int64 = 0, numerator: Int64 = 0
        for s in strata where s.positives > 0 && s.negatives > 0 {
            w += Int64(s.positives) * Int64(s.negatives)
            numerator += s.placementSums[model]
        }
        return w > 0 ? Double(numerator) / Double(2 * w) : nil
    }

    /// 2 Σ_s M_s N_s over strata with both classes (the denominator of replicate AUC numerators).
    public static func denominator(strata: [AUCStratum]) -> Int64 {
        strata.reduce(0) { $0 + ($1.positives > 0 && $1.negatives > 0 ? 2 * Int64($1.positives) * Int64($1.negatives) : 0) }
    }
}
