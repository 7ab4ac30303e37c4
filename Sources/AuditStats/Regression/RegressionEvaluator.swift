import AuditCore

/// Turns pooled regression statistics into the fair-use evaluation of a personalized regressor
/// (Cornelis et al., "Benefit of Personalization", regression; Suriyakumar, Ghassemi & Ustun,
/// ICML 2023, §2 for rationality and envy-freeness), in the same shape as the binary audit.
///
/// Per group g and metric ℓ (squared or absolute error, lower is better):
/// - values: mean loss of h_g and of h0 on the group's rows;
/// - rationality gain Δ = ℓ̄(h0) − ℓ̄(h_g), envy-freeness gain Δ = ℓ̄(h_g') − ℓ̄(h_g), positive when
///   the group's own model is better (the sign convention of the binary audit);
/// - primary test: the one-sided paired t-test on the row differences (``PairedTTest``);
///   secondary: the paired stratified bootstrap (``BootstrapTest`` on Δ*_b = Σ_k d / n);
/// - multiplicity per family (metric × test × direction) and flags exactly as ``FairUseEvaluator``.
///
/// It never sees a row: the same code serves a single-site audit and a federated one.
public enum RegressionEvaluator {
    /// Evaluates every group of `keys`; `groups[j]` holds the pooled statistics of `keys[j]` (nil
    /// when the group has no held-out rows anywhere); `population` compares h0 with each row's own
    /// h_g on all rows. `settings.metrics` must be regression metrics present in the statistics.
    public static func evaluate(keys: [String], groups: [RegressionGroupStatistics?],
                                population: RegressionGroupStatistics,
                                settings: EvaluationSettings) -> FairUseEvaluation {
        precondition(groups.count == keys.count, "one statistics entry per key")
        precondition(settings.metrics.allSatisfy(\.isRegression), "regression metrics only")
        var metrics: [MetricEvaluation] = []
        for metric in settings.metrics {
            var evaluations = keys.indices.map { j in
                groupEvaluation(metric: metric, key: keys[j], index: j, keys: keys, stats: groups[j],
                                level: 1 - settings.alpha)
            }
            let familySize = FairUseEvaluator.adjustFamily(&evaluations, bootstrap: false, settings: settings)
            let bootstrapFamilySize = FairUseEvaluator.adjustFamily(&evaluations, bootstrap: true, settings: settings)
            metrics.append(MetricEvaluation(
                metric: metric, primaryTest: metric.primaryTest, confidenceLevel: 1 - settings.alpha, higherIsBetter: false,
                familySize: familySize, bootstrapFamilySize: bootstrapFamilySize, groups: evaluations,
                summary: summarize(metric: metric, groups: evaluations, population: population)))
        }
        var notes: [String] = []
        let replicates = groups.compactMap { $0?.metrics.first?.replicates }.first ?? 0
        let fullFamily = keys.count * keys.count
        if replicates > 0 && Double(fullFamily) / Double(replicates + 1) > settings.alpha {
            let needed = Int((10 * Double(fullFamily) / settings.alpha).rounded(.up))
            notes.append("B = \(replicates) is too small for \(settings.correction.rawValue) over \(fullFamily) tests at α = \(settings.alpha): the smallest bootstrap p-value 1/(B+1) can never be flagged; use B ≥ \(needed).")
        }
        return FairUseEvaluation(keys: keys, count: population.count, positives: 0, metrics: metrics,
                                 scores: [], notes: notes)
    }

    /// One group's values and comparisons for one metric.
    static func groupEvaluation(metric: Metric, key: String, index: Int, keys: [String],
                                stats: RegressionGroupStatistics?, level: Double) -> GroupEvaluation {
        guard let stats, stats.count > 0, let sums = stats.metric(metric) else {
            return GroupEvaluation(key: key, count: 0, positives: 0, personalized: nil, generic: nil,
                                   rationality: nil, envy: [])
        }
        let n = Double(stats.count)
        let comparators = [0] + keys.indices.filter { $0 != index }.map { $0 + 1 }
        let comparisons = comparators.map { c -> Comparison in
            var comparison = comparisonOf(sums, comparator: c, level: level)
            comparison.reportedAs = c == 0 ? nil : keys[c - 1]
            var cautions = [comparison.primary.unavailableReason].compactMap { $0 }
            if comparison.primary.violation.raw == 1 && comparison.primary.gain.raw == 1 && comparison.t == nil {
                cautions.append("identical losses on every row: no difference to test (p = 1)")
            }
            if stats.count < 30 { cautions.append("small group (n = \(stats.count)): the t-test leans on normality") }
            comparison.caution = cautions.isEmpty ? nil : cautions.joined(separator: "; ")
            return comparison
        }
        return GroupEvaluation(key: key, count: stats.count, positives: 0,
                               personalized: sums.lossSums[stats.target] / n, generic: sums.lossSums[0] / n,
                               rationality: comparisons[0], envy: Array(comparisons.dropFirst()))
    }

    /// h_g against comparator c: Δ = mean of d = ℓ_c − ℓ_g, the paired t-test, and the bootstrap.
    static func comparisonOf(_ sums: RegressionMetricStatistics, comparator c: Int, level: Double) -> Comparison {
        let differences = sums.differences[c]
        let n = Double(differences.count)
        let test = PairedTTest(differences)
        var primary = TestOutcome(pViolation: test.pViolation, pGain: test.pGain)
        primary.standardError = test.standardError
        let interval = test.interval(level: level)
        primary.intervalLower = interval?.lowerBound
        primary.intervalUpper = interval?.upperBound
        primary.unavailableReason = test.unavailableReason
        var comparison = Comparison(reportedAs: nil, gain: test.gain, comparatorValue: sums.lossSums[c] / n,
                                    standardError: test.standardError, primary: primary)
        comparison.t = test.t
        comparison.degreesOfFreedom = test.degreesOfFreedom
        if sums.replicates > 0 {
            let models = sums.modelCount
            let gains = (0..<sums.replicates).map { b in sums.replicateSums[b * models + c] / n }
            let boot = BootstrapTest(replicateGains: gains, level: level)
            var outcome = TestOutcome(pViolation: boot.pViolation, pGain: boot.pGain)
            outcome.standardError = boot.standardError
            outcome.intervalLower = boot.interval?.lowerBound
            outcome.intervalUpper = boot.interval?.upperBound
            comparison.bootstrap = outcome
        }
        return comparison
    }

    /// The Table-1 summary: population mean losses of h0 and of the personalized predictions,
    /// best and worst rationality gains, flag counts of both tests.
    static func summarize(metric: Metric, groups: [GroupEvaluation],
                          population: RegressionGroupStatistics) -> MetricSummary {
        var personalized: Double?, generic: Double?, gain: Double?
        if population.count > 0, let sums = population.metric(metric) {
            let n = Double(population.count)
            personalized = sums.lossSums[population.target] / n
            generic = sums.lossSums[0] / n
            gain = sums.differences[0].mean
        }
        let rated = groups.compactMap { g -> GroupGain? in g.rationality?.gain.map { GroupGain(key: g.key, gain: $0) } }
        let hasBootstrap = groups.contains { $0.rationality?.bootstrap != nil }
        return MetricSummary(
            personalized: personalized, generic: generic, gain: gain,
            bestGroup: rated.max { $0.gain < $1.gain }, worstGroup: rated.min { $0.gain < $1.gain },
            rationality: FairUseEvaluator.counts(groups.map { [$0.rationality?.primary] }, envy: false),
            envy: FairUseEvaluator.counts(groups.map { $0.envy.map { Optional($0.primary) } }, envy: true),
            bootstrapRationality: hasBootstrap ? FairUseEvaluator.counts(groups.map { [$0.rationality?.bootstrap] }, envy: false) : nil,
            bootstrapEnvy: hasBootstrap ? FairUseEvaluator.counts(groups.map { $0.envy.map(\.bootstrap) }, envy: true) : nil)
    }
}
