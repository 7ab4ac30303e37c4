import AuditCore

/// Settings of the tests of an audit.
public struct EvaluationSettings: Sendable, Equatable {
    /// Significance level α (spec default 0.10, the paper's Table 1 level).
    public var alpha: Double
    /// Correction whose adjusted p-values drive the flags (default Holm).
    public var correction: Correction
    /// Metrics to evaluate (binary or regression metrics, by the outcome's type).
    public var metrics: [Metric]
    /// Monte Carlo draws B of the calibration test (`tests.bootstrap`); 0 leaves ECE untested.
    public var calibrationDraws: Int
    /// Seed of the calibration test's draws (the audit's root seed).
    public var seed: UInt64

    /// Creates settings with the spec's defaults.
    public init(alpha: Double = 0.10, correction: Correction = .holm,
                metrics: [Metric] = Metric.binaryMetrics, calibrationDraws: Int = 2000,
                seed: UInt64 = 0) {
        self.alpha = alpha
        self.correction = correction
        self.metrics = metrics
        self.calibrationDraws = calibrationDraws
        self.seed = seed
    }

    /// Two-sided level of every reported interval: 1 − α.
    public var confidenceLevel: Double { 1 - alpha }
}

/// Turns pooled sufficient statistics into the fair-use evaluation: group metrics, rationality
/// and envy-freeness gains (spec §0), both one-sided tests, multiplicity per family, flags and the
/// Table-1 summary (Suriyakumar, Ghassemi & Ustun, ICML 2023, §2 and §4).
///
/// It never sees a row: the same code serves a single-site audit and a federated one.
public enum FairUseEvaluator {
    /// Evaluates every group of `keys`; `groups[j]` holds the pooled statistics of `keys[j]`
    /// (nil when the group has no held-out rows anywhere); `population` compares h0 (model 0)
    /// with the personalized predictions (model 1) on all rows.
    public static func evaluate(keys: [String], groups: [GroupStatistics?], population: GroupStatistics,
                                settings: EvaluationSettings) -> FairUseEvaluation {
        precondition(groups.count == keys.count, "one statistics entry per key")
        var metrics: [MetricEvaluation] = []
        // Every metric × group evaluation is independent of the others (each test draws from its own
        // seeded stream), so they run in parallel and are kept in this order; multiplicity follows.
        let m = keys.count, all = settings.metrics
        let evaluated = ParallelMap.run(count: all.count * m) { i in
            groupEvaluation(metric: all[i / m], key: keys[i % m], index: i % m, keys: keys, stats: groups[i % m],
                            settings: settings)
        }
        for (position, metric) in settings.metrics.enumerated() {
            var evaluations = Array(evaluated[(position * m)..<((position + 1) * m)])
            let familySize = adjustFamily(&evaluations, bootstrap: false, settings: settings)
            let bootstrapFamilySize = adjustFamily(&evaluations, bootstrap: true, settings: settings)
            let summary = summarize(metric: metric, groups: evaluations, population: population)
            metrics.append(MetricEvaluation(
                metric: metric, primaryTest: metric.primaryTest, confidenceLevel: 1 - settings.alpha, higherIsBetter: metric.higherIsBetter,
                familySize: familySize, bootstrapFamilySize: bootstrapFamilySize,
                groups: evaluations, summary: summary))
        }
        var notes: [String] = []
        if settings.metrics.contains(.ece) && settings.calibrationDraws < 2 {
            notes.append("tests.bootstrap is 0: the calibration test draws no Monte Carlo sample, so ECE gains are not tested")
        }
        return FairUseEvaluation(
            keys: keys, count: population.count, positives: population.positives,
            metrics: metrics, scores: scoreSummaries(keys: keys, groups: groups, population: population),
            notes: notes)
    }

    // MARK: - One group

    static func groupEvaluation(metric: Metric, key: String, index: Int, keys: [String],
                                stats: GroupStatistics?, settings: EvaluationSettings) -> GroupEvaluation {
        guard let stats, stats.count > 0 else {
            return GroupEvaluation(key: key, count: 0, positives: 0, personalized: nil, generic: nil,
                                   rationality: nil, envy: [])
        }
        let target = stats.target
        let estimates = MetricEstimates(metric: metric, stats: stats)
        var comparisons: [Comparison] = []
        let comparators = [0] + keys.indices.filter { $0 != index }.map { $0 + 1 }
        for c in comparators {
            var comparison = estimates.comparison(comparator: c, settings: settings)
            comparison.reportedAs = c == 0 ? nil : keys[c - 1]
            comparisons.append(comparison)
        }
        return GroupEvaluation(
            key: key, count: stats.count, positives: stats.positives,
            personalized: estimates.value(target), generic: estimates.value(0),
            rationality: comparisons[0], envy: Array(comparisons.dropFirst()))
    }

    // MARK: - Multiplicity

    /// Adjusts one family (one metric, one test, both directions) and sets the flags; returns its size.
    static func adjustFamily(_ groups: inout [GroupEvaluation], bootstrap: Bool,
                             settings: EvaluationSettings) -> Int {
        // Collect (group, position) of every comparison; position 0 = rationality, k = envy[k-1].
        var locations: [(Int, Int)] = []
        for g in groups.indices where groups[g].rationality != nil {
            for k in 0...groups[g].envy.count { locations.append((g, k)) }
        }
        func outcome(_ g: Int, _ k: Int) -> TestOutcome? {
            let comparison = k == 0 ? groups[g].rationality! : groups[g].envy[k - 1]
            return bootstrap ? comparison.bootstrap : comparison.primary
        }
        func setOutcome(_ g: Int, _ k: Int, _ value: TestOutcome) {
            if k == 0 {
                if bootstrap { groups[g].rationality!.bootstrap = value } else { groups[g].rationality!.primary = value }
            } else {
                if bootstrap { groups[g].envy[k - 1].bootstrap = value } else { groups[g].envy[k - 1].primary = value }
            }
        }
        let outcomes = locations.map { outcome($0.0, $0.1) }
        let defined = outcomes.map { $0 != nil && $0!.violation.raw != nil && $0!.gain.raw != nil }
        let violation = outcomes.enumerated().map { defined[$0.offset] ? $0.element!.violation.raw! : .nan }
        let gain = outcomes.enumerated().map { defined[$0.offset] ? $0.element!.gain.raw! : .nan }
        var adjustedViolation: [Correction: [Double]] = [:]
        var adjustedGain: [Correction: [Double]] = [:]
        for method in Correction.allCases {
            adjustedViolation[method] = MultipleTesting.adjust(violation, method: method)
            adjustedGain[method] = MultipleTesting.adjust(gain, method: method)
        }
        func finite(_ x: Double) -> Double? { x.isNaN ? nil : x }
        for (i, location) in locations.enumerated() {
            guard var value = outcomes[i] else { continue }
            if defined[i] {
                value.violation.holm = finite(adjustedViolation[.holm]![i])
                value.violation.bonferroni = finite(adjustedViolation[.bonferroni]![i])
                value.violation.bh = finite(adjustedViolation[.bh]![i])
                value.violation.by = finite(adjustedViolation[.by]![i])
                value.gain.holm = finite(adjustedGain[.holm]![i])
                value.gain.bonferroni = finite(adjustedGain[.bonferroni]![i])
                value.gain.bh = finite(adjustedGain[.bh]![i])
                value.gain.by = finite(adjustedGain[.by]![i])
                let pv = adjustedViolation[settings.correction]![i]
                let pg = adjustedGain[settings.correction]![i]
                value.flag = pv <= settings.alpha ? .violation : (pg <= settings.alpha ? .gain : .none)
            } else {
                value.flag = .na
            }
            setOutcome(location.0, location.1, value)
        }
        return defined.filter { $0 }.count
    }

    // MARK: - Summaries

    static func counts(_ outcomes: [[TestOutcome?]], envy: Bool) -> FlagCounts {
        let flat = outcomes.flatMap { $0 }.compactMap { $0 }
        let groupsWithViolation = outcomes.filter { $0.contains { $0?.flag == .violation } }.count
        return FlagCounts(tests: flat.filter { $0.flag != .na }.count,
                          gains: flat.filter { $0.flag == .gain }.count,
                          violations: flat.filter { $0.flag == .violation }.count,
                          groupsWithViolation: envy ? groupsWithViolation : nil)
    }

    static func summarize(metric: Metric, groups: [GroupEvaluation],
                          population: GroupStatistics) -> MetricSummary {
        let estimates = MetricEstimates(metric: metric, stats: population)
        let personalized = estimates.value(1), generic = estimates.value(0)
        var populationGain: Double?
        if let p = personalized, let g = generic { populationGain = metric.higherIsBetter ? p - g : g - p }
        let rated = groups.compactMap { g -> GroupGain? in
            guard let gain = g.rationality?.gain else { return nil }
            return GroupGain(key: g.key, gain: gain)
        }
        let best = rated.max { $0.gain < $1.gain }
        let worst = rated.min { $0.gain < $1.gain }
        let rationalPrimary = groups.map { [$0.rationality?.primary] }
        let envyPrimary = groups.map { $0.envy.map { Optional($0.primary) } }
        let hasBootstrap = groups.contains { $0.rationality?.bootstrap != nil }
        return MetricSummary(
            personalized: personalized, generic: generic, gain: populationGain,
            bestGroup: best, worstGroup: worst,
            rationality: counts(rationalPrimary, envy: false), envy: counts(envyPrimary, envy: true),
            bootstrapRationality: hasBootstrap ? counts(groups.map { [$0.rationality?.bootstrap] }, envy: false) : nil,
            bootstrapEnvy: hasBootstrap ? counts(groups.map { $0.envy.map(\.bootstrap) }, envy: true) : nil)
    }

    static func scoreSummaries(keys: [String], groups: [GroupStatistics?],
                               population: GroupStatistics) -> [ScoreSummary] {
        func entries(_ sums: (GroupStatistics) -> [Double]) -> [ScoreSummary.Entry] {
            func entry(_ key: String, _ s: GroupStatistics?) -> ScoreSummary.Entry {
                guard let s, s.count > 0 else { return .init(key: key, personalized: nil, generic: nil) }
                let values = sums(s)
                return .init(key: key, personalized: values[s.target] / Double(s.count),
                             generic: values[0] / Double(s.count))
            }
            return [entry(GroupKey.population, population)] + keys.indices.map { entry(keys[$0], groups[$0]) }
        }
        return [ScoreSummary(name: "log_loss", entries: entries(\.logLossSum)),
                ScoreSummary(name: "brier", entries: entries(\.brierSum))]
    }
}
