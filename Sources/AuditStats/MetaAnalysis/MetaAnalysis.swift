/// Meta-analysis of per-site estimates of one gain (spec §2.7): is a violation consistent across
/// sites? The pooled test (summed statistics) answers "is there a violation in the federation";
/// this answers how much sites differ.
///
/// * Fixed effect (inverse variance): w_s = 1/v_s, ŷ = Σ w y / Σ w, SE = (Σ w)^−½.
/// * Cochran's Q = Σ w (y − ŷ)², χ²_{S−1} under homogeneity; I² = max(0, (Q − (S−1))/Q)
///   (Higgins & Thompson 2002).
/// * DerSimonian–Laird (1986): τ² = max(0, (Q − (S−1)) / (Σw − Σw²/Σw)), w* = 1/(v + τ²).
/// * Hartung–Knapp–Sidik–Jonkman (2001, 2002): SE = √(Σ w*(y − ŷ_RE)² / ((S−1) Σ w*)), t_{S−1}.
/// * 95% prediction interval for a new site (Riley, Higgins & Deeks 2011):
///   ŷ_RE ± t_{S−2, .975} √(τ² + SE_RE²), defined for S ≥ 3.
/// One-sided p-values: p_violation = Φ(ŷ/SE) (t_{S−1} CDF for HKSJ), p_gain = 1 − that.
public struct MetaAnalysis: Sendable, Codable, Equatable {
    /// One site's estimate and within-site variance.
    public struct Estimate: Sendable, Codable, Equatable {
        /// Site id.
        public var site: String
        /// Gain estimate y_s.
        public var value: Double
        /// Within-site variance v_s (> 0).
        public var variance: Double
        /// Creates an estimate.
        public init(site: String, value: Double, variance: Double) {
            self.site = site
            self.value = value
            self.variance = variance
        }
    }

    /// A pooled estimate with its standard error and one-sided p-values.
    public struct Pooled: Sendable, Codable, Equatable {
        /// Estimate.
        public var estimate: Double
        /// Standard error.
        public var standardError: Double
        /// z or t statistic.
        public var statistic: Double
        /// p for H1: gain < 0.
        public var pViolation: Double
        /// p for H1: gain > 0.
        public var pGain: Double
    }

    /// The sites' estimates, in input order.
    public var estimates: [Estimate]
    /// Fixed-effect pooling.
    public var fixedEffect: Pooled
    /// DerSimonian–Laird random effects.
    public var randomEffects: Pooled
    /// Hartung–Knapp–Sidik–Jonkman random effects (nil for one site).
    public var hartungKnapp: Pooled?
    /// Cochran's Q.
    public var q: Double
    /// p-value of Q against χ²_{S−1} (nil for one site).
    public var qPValue: Double?
    /// I².
    public var iSquared: Double
    /// τ² (DerSimonian–Laird).
    public var tauSquared: Double
    /// 95% prediction interval for a new site (nil for fewer than 3 sites).
    public var predictionLower: Double?
    /// Upper end of the prediction interval.
    public var predictionUpper: Double?

    /// Pools the estimates; nil when there is none or a variance is not positive and finite.
    public init?(_ estimates: [Estimate]) {
        guard !estimates.isEmpty, estimates.allSatisfy(MetaAnalysis.isValid) else {
            return nil
        }
        self.estimates = estimates
        let s = Double(estimates.count)
        let core = Core(estimates)
        fixedEffect = MetaAnalysis.normal(core.fixedEffect, (1 / core.sumW).squareRoot())
        let q = core.q
        self.q = q
        let df = s - 1
        qPValue = df > 0 ? ChiSquared.survival(q, degreesOfFreedom: df) : nil
        iSquared = q > 0 ? max(0, (q - df) / q) : 0
        let tau2 = core.tauSquared
        tauSquared = tau2
        let (wStar, sumWStar, re, seRE) = (core.wStar, core.sumWStar, core.randomEffects, core.randomEffectsSE)
        randomEffects = MetaAnalysis.normal(re, seRE)
        if df > 0 {
            let spread = zip(wStar, estimates).reduce(0) { $0 + $1.0 * ($1.1.value - re) * ($1.1.value - re) }
            let se = (spread / (df * sumWStar)).squareRoot()
            let t = se > 0 ? re / se : (re == 0 ? 0 : (re > 0 ? Double.infinity : -Double.infinity))
            let p = StudentT.cdf(t, degreesOfFreedom: df)
            hartungKnapp = Pooled(estimate: re, standardError: se, statistic: t, pViolation: p, pGain: 1 - p)
        } else {
            hartungKnapp = nil
        }
        if s >= 3 {
            let half = StudentT.quantile(0.975, degreesOfFreedom: s - 2) * (tau2 + seRE * seRE).squareRoot()
            predictionLower = re - half
            predictionUpper = re + half
        } else {
            predictionLower = nil
            predictionUpper = nil
        }
    }

    /// An estimate the pooling accepts: a finite value with a positive finite variance.
    static func isValid(_ e: Estimate) -> Bool { e.variance > 0 && e.variance.isFinite && e.value.isFinite }

    /// The fixed-effect and DerSimonian–Laird random-effects estimates alone, without the tests and
    /// intervals (no χ² or t distribution): what `SiteOutliers` needs for each leave-one-out pooling.
    /// The initializer computes its fields through this, so both agree bit for bit.
    struct Core {
        let sumW: Double, fixedEffect: Double, q: Double, tauSquared: Double
        let wStar: [Double], sumWStar: Double, randomEffects: Double, randomEffectsSE: Double

        /// Requires non-empty estimates with positive finite variances (the initializer checks).
        init(_ estimates: [Estimate]) {
            let df = Double(estimates.count) - 1
            let w = estimates.map { 1 / $0.variance }
            let sumW = w.reduce(0, +)
            let fe = zip(w, estimates).reduce(0) { $0 + $1.0 * $1.1.value } / sumW
            let q = zip(w, estimates).reduce(0) { $0 + $1.0 * ($1.1.value - fe) * ($1.1.value - fe) }
            let c = sumW - w.reduce(0) { $0 + $1 * $1 } / sumW
            let tau2 = c > 0 ? max(0, (q - df) / c) : 0
            let wStar = estimates.map { 1 / ($0.variance + tau2) }
            let sumWStar = wStar.reduce(0, +)
            self.sumW = sumW
            fixedEffect = fe
            self.q = q
            tauSquared = tau2
            self.wStar = wStar
            self.sumWStar = sumWStar
            randomEffects = zip(wStar, estimates).reduce(0) { $0 + $1.0 * $1.1.value } / sumWStar
            randomEffectsSE = (1 / sumWStar).squareRoot()
        }
    }

    static func normal(_ estimate: Double, _ se: Double) -> Pooled {
        let z = estimate / se
        return Pooled(estimate: estimate, standardError: se, statistic: z,
                      pViolation: NormalDistribution.cdf(z), pGain: NormalDistribution.survival(z))
    }

    /// The within-site estimate of an error-rate gain from a site's discordant counts (spec §2.7):
    /// y = (n10 − n01)/n, v = [(n10 + n01)/n − y²]/n. With no discordant rows ½ is added to each
    /// discordant cell (the report flags such sites).
    public static func errorEstimate(site: String, count n: Int, n10: Int, n01: Int) -> Estimate {
        var a = Double(n10), b = Double(n01)
        if n10 + n01 == 0 { a = 0.5; b = 0.5 }
        let nn = Double(n)
        let y = (Double(n10) - Double(n01)) / nn
        let v = ((a + b) / nn - ((a - b) / nn) * ((a - b) / nn)) / nn
        return Estimate(site: site, value: y, variance: v)
    }
}

/// Two-sided 95% normal intervals for the forest plot (Wald: estimate ± z_{0.975}·SE).
extension MetaAnalysis {
    /// z_{0.975} = 1.959963984540054.
    public static let z975 = NormalDistribution.quantile(0.975)
}

extension MetaAnalysis.Estimate {
    /// y_s ± z_{0.975} √v_s.
    public var interval95: ClosedRange<Double> {
        let half = MetaAnalysis.z975 * variance.squareRoot()
        return (value - half)...(value + half)
    }
}

extension MetaAnalysis.Pooled {
    /// ŷ ± z_{0.975} SE (for HKSJ, a normal interval on its standard error, shown for orientation only).
    public var interval95: ClosedRange<Double> {
        let half = MetaAnalysis.z975 * standardError
        return (estimate - half)...(estimate + half)
    }
}

/// The same intervals at any two-sided confidence level, so a report can state one level (1 − α)
/// for every interval it shows; `interval95` and the stored 95% prediction interval are unchanged.
extension MetaAnalysis {
    /// z_{(1+level)/2}, the two-sided normal critical value at `level` (0 < level < 1).
    public static func normalCritical(level: Double) -> Double {
        NormalDistribution.quantile((1 + level) / 2)
    }

    /// The prediction interval for a new site at two-sided `level` (Riley, Higgins & Deeks 2011):
    /// ŷ_RE ± t_{S−2, (1+level)/2} √(τ² + SE_RE²), from the stored random-effects estimate, its
    /// standard error and τ²; nil for fewer than 3 sites, as the stored 95% interval.
    public func predictionInterval(level: Double) -> ClosedRange<Double>? {
        let s = Double(estimates.count)
        guard s >= 3 else { return nil }
        let se = randomEffects.standardError
        let half = StudentT.quantile((1 + level) / 2, degreesOfFreedom: s - 2) * (tauSquared + se * se).squareRoot()
        return (randomEffects.estimate - half)...(randomEffects.estimate + half)
    }
}

extension MetaAnalysis.Estimate {
    /// y_s ± z_{(1+level)/2} √v_s (Wald).
    public func interval(level: Double) -> ClosedRange<Double> {
        let half = MetaAnalysis.normalCritical(level: level) * variance.squareRoot()
        return (value - half)...(value + half)
    }
}

extension MetaAnalysis.Pooled {
    /// ŷ ± z_{(1+level)/2} SE (Wald).
    public func interval(level: Double) -> ClosedRange<Double> {
        let half = MetaAnalysis.normalCritical(level: level) * standardError
        return (estimate - half)...(estimate + half)
    }
}
