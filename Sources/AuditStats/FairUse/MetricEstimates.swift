/// Metric values, gains and tests of one metric on one group's pooled statistics.
struct MetricEstimates {
    let metric: FairnessMetric
    let stats: GroupStatistics

    /// The metric of model r on the group: error = wrong/n; AUC = site-stratified Mann–Whitney;
    /// ECE = Σ_b |Σ(p − y)| / n (spec §2.4).
    func value(_ r: Int) -> Double? {
        guard stats.count > 0 else { return nil }
        switch metric {
        case .error: return Double(stats.wrong[r]) / Double(stats.count)
        case .auc: return StratifiedAUC.value(strata: stats.auc, model: r)
        case .ece:
            guard let bins = stats.pooledCalibration(model: r) else { return nil }
            return bins.residualSums.reduce(0) { $0 + abs($1) } / Double(stats.count)
        case .squaredError, .absoluteError: return nil  // continuous outcomes: `RegressionEvaluator`
        }
    }

    /// h_g (the target) against comparator c; gain positive when h_g is better.
    func comparison(comparator c: Int, settings: EvaluationSettings) -> Comparison {
        let t = stats.target
        let level = settings.confidenceLevel
        var comparison = Comparison(reportedAs: nil, gain: nil, comparatorValue: value(c),
                                    primary: TestOutcome(pViolation: nil, pGain: nil))
        switch metric {
        case .error:
            comparison.gain = Double(stats.wrong[c] - stats.wrong[t]) / Double(stats.count)
            let test = McNemarTest(n10: stats.discordance[c].n10, n01: stats.discordance[c].n01)
            comparison.n10 = test.n10
            comparison.n01 = test.n01
            comparison.primary = TestOutcome(pViolation: test.pViolation, pGain: test.pGain)
            if test.discordant < 10 {
                comparison.caution = "few discordant rows (n10 + n01 = \(test.discordant)): the exact test has little power"
            }
        case .auc:
            let test = DeLongTest(strata: stats.auc, comparator: c)
            comparison.gain = test.gain
            comparison.z = test.z
            comparison.standardError = test.standardError
            comparison.primary = TestOutcome(pViolation: test.pViolation, pGain: test.pGain)
            if test.gain == nil {
                comparison.caution = "one class only: AUC is undefined"
            } else if test.z == nil {
                comparison.caution = "fewer than two positives or negatives: the DeLong variance is undefined"
            }
        case .ece:
            let test = CalibrationGainTest(stats: stats, comparator: c, draws: settings.calibrationDraws,
                                           seed: settings.seed)
            if let vc = value(c), let vt = value(t) { comparison.gain = vc - vt }
            comparison.testEstimate = test.estimate
            var outcome = TestOutcome(pViolation: test.pViolation, pGain: test.pGain)
            outcome.standardError = test.standardError
            outcome.intervalLower = test.interval(level: level)?.lowerBound
            outcome.intervalUpper = test.interval(level: level)?.upperBound
            outcome.unavailableReason = test.unavailableReason
            comparison.standardError = test.standardError
            comparison.z = test.z
            comparison.primary = outcome
            if let note = CalibrationGainTest.binCaution(stats) { comparison.caution = note }
        case .squaredError, .absoluteError:
            break  // binary statistics carry no regression loss; see `RegressionEvaluator`
        }
        if stats.count < 30 && comparison.caution == nil {
            comparison.caution = "small group (n = \(stats.count))"
        }
        return comparison
    }
}
