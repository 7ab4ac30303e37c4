/// Paired DeLong test of an AUC difference, site-stratified across sites (DeLong, DeLong &
/// Clarke-Pearson 1988, Biometrics 44:837; spec §2.3 and decision D1; pROC `delong.paired.test`).
///
/// Within site s, with M_s positives and N_s negatives, the gain Δ_s = AUC_s(h_g) − AUC_s(c) and
/// its variance V_s = var(D10)/(4 N_s² M_s) + var(D01)/(4 M_s² N_s), where D are the integer
/// placement differences of `AUCStratum` (sample variances, denominator n − 1). Across sites the
/// estimand compares only positive–negative pairs within a site: Δ = Σ_s w_s Δ_s with
/// w_s = M_s N_s / W, W = Σ_t M_t N_t, and Var(Δ) = Σ_s w_s² V_s, which simplifies to
/// Σ_s [M_s var(D10)_s + N_s var(D01)_s] / (4 W²). z = Δ / √Var; p_violation = Φ(z),
/// p_gain = 1 − Φ(z). For one site this is the ordinary DeLong test.
///
/// Edge cases: no stratum with both classes → the AUC is undefined (nil). A stratum with both
/// classes but fewer than two of either cannot estimate its variance → the test is undefined
/// (estimate still reported). Var = 0 gives z = 0 when Δ = 0 (as pROC) and ±∞ otherwise.
public struct DeLongTest: Sendable, Equatable {
    /// The gain Δ = AUC(h_g) − AUC(comparator); nil when no site has both classes.
    public let gain: Double?
    /// Exact numerator of the gain: Δ = gainNumerator / (2W).
    public let gainNumerator: Int64
    /// 2W = 2 Σ_s M_s N_s, the common denominator of AUCs and gains.
    public let denominator: Int64
    /// Standard error √Var(Δ); nil when undefined.
    public let standardError: Double?
    /// z statistic; nil when the test is undefined.
    public let z: Double?

    /// The test for comparator model `comparator` from the group's AUC strata.
    public init(strata: [AUCStratum], comparator: Int) {
        var w: Int64 = 0
        var numerator: Int64 = 0
        var varianceNumerator = 0.0
        var varianceDefined = true
        for s in strata where s.positives > 0 && s.negatives > 0 {
            w += Int64(s.positives) * Int64(s.negatives)
            let d = s.differences[comparator]
            numerator += d.positiveSum
            if s.positives < 2 || s.negatives < 2 {
                varianceDefined = false
                continue
            }
            varianceNumerator += DeLongTest.centredSquares(count: s.positives, sum: d.positiveSum,
                                                           squares: d.positiveSquares)
            varianceNumerator += DeLongTest.centredSquares(count: s.negatives, sum: d.negativeSum,
                                                           squares: d.negativeSquares)
        }
        denominator = 2 * w
        gainNumerator = numerator
        guard w > 0 else {
            gain = nil; standardError = nil; z = nil
            return
        }
        let g = Double(numerator) / Double(2 * w)
        gain = g
        guard varianceDefined else {
            standardError = nil; z = nil
            return
        }
        let variance = varianceNumerator / (4 * Double(w) * Double(w))
        let se = variance.squareRoot()
        standardError = se
        if variance > 0 {
            z = g / se
        } else {
            z = numerator == 0 ? 0 : (numerator > 0 ? .infinity : -.infinity)
        }
    }

    /// p for H1: AUC(h_g) < AUC(comparator) (a violation): Φ(z).
    public var pViolation: Double? { z.map(NormalDistribution.cdf) }
    /// p for H1: AUC(h_g) > AUC(comparator) (a gain): 1 − Φ(z).
    public var pGain: Double? { z.map(NormalDistribution.survival) }

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
