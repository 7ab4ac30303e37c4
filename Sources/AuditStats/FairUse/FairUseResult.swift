import AuditCore

/// The verdict of one comparison after multiplicity correction.
public enum TestFlag: String, Sendable, Codable {
    /// Adjusted p_violation ≤ α: a significant fair-use violation.
    case violation
    /// Adjusted p_gain ≤ α: a significant gain from personalization.
    case gain
    /// Neither.
    case none
    /// The test is undefined (e.g. AUC of a one-class group) and left the family.
    case na
}

/// p-values of one direction, raw and adjusted by every method.
public struct AdjustedPValues: Sendable, Codable, Equatable {
    /// Creates p-values; adjusted ones default to undefined.
    public init(raw: Double?, holm: Double? = nil, bonferroni: Double? = nil, bh: Double? = nil, by: Double? = nil) {
        self.raw = raw
        self.holm = holm
        self.bonferroni = bonferroni
        self.bh = bh
        self.by = by
    }

    /// Unadjusted one-sided p-value.
    public var raw: Double?
    /// Holm step-down.
    public var holm: Double?
    /// Bonferroni.
    public var bonferroni: Double?
    /// Benjamini–Hochberg.
    public var bh: Double?
    /// Benjamini–Yekutieli.
    public var by: Double?

    /// The adjusted value of a method.
    public func adjusted(_ method: Correction) -> Double? {
        switch method {
        case .holm: holm
        case .bonferroni: bonferroni
        case .bh: bh
        case .by: by
        }
    }
}

/// Outcome of one test (primary or bootstrap) of one comparison.
public struct TestOutcome: Sendable, Codable, Equatable {
    /// H1: Δ < 0 (violation).
    public var violation: AdjustedPValues
    /// H1: Δ > 0 (gain).
    public var gain: AdjustedPValues
    /// TestFlag under the audit's correction at level α.
    public var flag: TestFlag
    /// Standard error of the test's estimate (bootstrap: SD of Δ*; calibration test: its own SE).
    public var standardError: Double?
    /// Lower end of the test's own two-sided interval for its estimand at the evaluation's
    /// `confidenceLevel` (unadjusted for multiplicity): exact conditional for McNemar, Wald for
    /// DeLong, the calibration test's own interval, the percentile interval for the bootstrap.
    public var intervalLower: Double?
    /// Upper end of that interval.
    public var intervalUpper: Double?
    /// Why the test is undefined (flag `.na`), in plain words; nil when it is defined.
    public var unavailableReason: String?

    /// An outcome with given p-values and flag.
    public init(violation: AdjustedPValues, gain: AdjustedPValues, flag: TestFlag) {
        self.violation = violation
        self.gain = gain
        self.flag = flag
    }

    /// An outcome with raw p-values only (adjusted later, per family).
    init(pViolation: Double?, pGain: Double?) {
        violation = AdjustedPValues(raw: pViolation)
        gain = AdjustedPValues(raw: pGain)
        flag = .na
    }
}

/// A comparison of the group's own model h_g against h0 (rationality) or h_g' (envy-freeness).
public struct Comparison: Sendable, Codable, Equatable {
    /// Creates a comparison; test-specific fields default to undefined.
    public init(reportedAs: String?, gain: Double?, comparatorValue: Double?, n10: Int? = nil, n01: Int? = nil,
                z: Double? = nil, standardError: Double? = nil, primary: TestOutcome,
                bootstrap: TestOutcome? = nil, caution: String? = nil) {
        self.reportedAs = reportedAs
        self.gain = gain
        self.comparatorValue = comparatorValue
        self.n10 = n10
        self.n01 = n01
        self.z = z
        self.standardError = standardError
        self.primary = primary
        self.bootstrap = bootstrap
        self.caution = caution
    }

    /// The reported group g' for envy-freeness; nil for rationality (comparator h0).
    public var reportedAs: String?
    /// Gain Δ, positive when personalization helps (spec §0); nil when undefined.
    public var gain: Double?
    /// The comparator's metric on the group's rows.
    public var comparatorValue: Double?
    /// McNemar discordant counts (error only).
    public var n10: Int?
    /// McNemar discordant counts (error only).
    public var n01: Int?
    /// DeLong z and standard error (AUC only).
    public var z: Double?
    /// Standard error of the gain: DeLong's (AUC) or s_d/√n of the paired t-test (regression metrics).
    public var standardError: Double?
    /// Paired t statistic (regression metrics only; `PairedTTest`).
    public var t: Double?
    /// Degrees of freedom n − 1 of the paired t-test (regression metrics only).
    public var degreesOfFreedom: Int?
    /// The metric's primary test (McNemar, DeLong, or the bootstrap for ECE).
    public var primary: TestOutcome
    /// The paired stratified bootstrap (secondary for error and AUC).
    public var bootstrap: TestOutcome?
    /// Why the comparison carries little information, if it does (decision D2).
    public var caution: String?
    /// The primary test's own point estimate when it differs from the plug-in `gain`
    /// (the bias-corrected ECE gain of `CalibrationGainTest`); nil otherwise.
    public var testEstimate: Double?
}

/// One group's results for one metric.
public struct GroupEvaluation: Sendable, Codable, Equatable {
    /// Group key.
    public var key: String
    /// Held-out rows.
    public var count: Int
    /// Positive rows.
    public var positives: Int
    /// Metric of h_g on the group (AUC itself for AUC).
    public var personalized: Double?
    /// Metric of h0 on the group.
    public var generic: Double?
    /// h_g against h0; nil for a group without rows.
    public var rationality: Comparison?
    /// h_g against every h_g', in key order.
    public var envy: [Comparison]
}

/// TestFlag counts of a family, as the paper's Table 1 "Gains/Viols".
public struct FlagCounts: Sendable, Codable, Equatable {
    /// Defined tests.
    public var tests: Int
    /// Significant gains.
    public var gains: Int
    /// Significant violations.
    public var violations: Int
    /// Groups with at least one violation (envy-freeness only).
    public var groupsWithViolation: Int?
}

/// A group and its rationality gain.
public struct GroupGain: Sendable, Codable, Equatable {
    /// Group key.
    public var key: String
    /// Rationality gain.
    public var gain: Double
}

/// The paper's Table 1 for one metric.
public struct MetricSummary: Sendable, Codable, Equatable {
    /// Population metric of the personalized predictions (each row with its own group's model).
    public var personalized: Double?
    /// Population metric of h0.
    public var generic: Double?
    /// Population gain.
    public var gain: Double?
    /// Group with the largest rationality gain.
    public var bestGroup: GroupGain?
    /// Group with the smallest rationality gain.
    public var worstGroup: GroupGain?
    /// Rationality flags under the primary test.
    public var rationality: FlagCounts
    /// Envy-freeness flags under the primary test.
    public var envy: FlagCounts
    /// Rationality flags under the bootstrap.
    public var bootstrapRationality: FlagCounts?
    /// Envy-freeness flags under the bootstrap.
    public var bootstrapEnvy: FlagCounts?
}

/// All results of one metric.
public struct MetricEvaluation: Sendable, Codable, Equatable {
    /// The metric.
    public var metric: Metric
    /// Name of the primary test.
    public var primaryTest: String
    /// Two-sided confidence level of every interval of this metric (1 − α unless stated).
    public var confidenceLevel: Double?
    /// Whether larger is better.
    public var higherIsBetter: Bool
    /// Defined tests in the primary family.
    public var familySize: Int
    /// Defined tests in the bootstrap family.
    public var bootstrapFamilySize: Int
    /// Per group, in key order.
    public var groups: [GroupEvaluation]
    /// Table-1 summary.
    public var summary: MetricSummary
}

/// Population and per-group values of a metric reported without tests (log-loss, Brier).
public struct ScoreSummary: Sendable, Codable, Equatable {
    /// Per group: key, personalized, generic.
    public struct Entry: Sendable, Codable, Equatable {
        /// Group key, or `GroupKey.population`.
        public var key: String
        /// Personalized value.
        public var personalized: Double?
        /// Generic value.
        public var generic: Double?
    }
    /// Name: "log_loss" or "brier".
    public var name: String
    /// Population values first, then groups.
    public var entries: [Entry]
}

/// The complete fair-use evaluation of one personalized model.
public struct FairUseEvaluation: Sendable, Codable, Equatable {
    /// Sorted group keys G.
    public var keys: [String]
    /// Test rows.
    public var count: Int
    /// Positive test rows.
    public var positives: Int
    /// Results per requested metric.
    public var metrics: [MetricEvaluation]
    /// Log-loss and Brier score, reported without tests.
    public var scores: [ScoreSummary]
    /// Plain-language notes (limitations, settings that weaken the audit).
    public var notes: [String]
}
