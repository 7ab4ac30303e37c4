import AuditCore

/// Metric values, gains and tests of one metric on one group's pooled statistics.
struct MetricEstimates {
    let metric: Metric
    let stats: GroupStatistics
    /// For ECE: `stats` with its calibration strata brought to their common bins once, so the
    /// values and every comparison's test do not re-merge the sites' bins each time (a no-op
    /// when no site merged bins). The caution about merged bins still reads the sites' own.
    let aligned: GroupStatistics

    init(metric: Metric, stats: GroupStatistics) {
        self.metric = metric
        self.stats = stats
        var aligned = stats
        if metric == .ece && stats.calibration.contains(where: { $0.edges != nil }) {
            aligned.calibration = stats.alignedCalibration.strata
        }
        self.aligned = aligned
    }

    /// The metric of model r on the group: error = wrong/n over the rows whose error statistics
    /// were released (`errorRowCount`; nil when none were); AUC = site-stratified Mann–Whitney;
    /// ECE = Σ_b |Σ(p − y)| / n (spec §2.4).
    func value(_ r: Int) -> Double? {
        guard stats.count > 0 else { return nil }
        switch metric {
        case .error:
            // Over the rows whose error statistics the sites released (disclosure control).
            let rows = stats.errorRowCount(model: r)
            return rows > 0 ? Double(stats.wrong[r]) / Double(rows) : nil
        case .auc: return StratifiedAUC.value(strata: stats.auc, model: r)
        case .ece:
            guard let bins = aligned.pooledCalibration(model: r) else { return nil }
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
        var cautions: [String] = []  // low-information notes of the tests, in order
        switch metric {
        case .error:
            // Sites that withheld the target withheld every model, so the comparator's released
            // rows are a subset of the target's, and n10 − n01 is the gain on exactly those rows.
            let rows = stats.errorRowCount(model: c)
            guard rows > 0 else {
                comparison.primary.unavailableReason = Self.errorsWithheldReason
                comparison.caution = Self.errorsWithheldReason
                return comparison
            }
            comparison.gain = Double(stats.discordance[c].n10 - stats.discordance[c].n01) / Double(rows)
            let test = McNemarTest(n10: stats.discordance[c].n10, n01: stats.discordance[c].n01)
            comparison.n10 = test.n10
            comparison.n01 = test.n01
            comparison.primary = Self.outcome(test, rows: rows, level: level)
            if rows < stats.count && t != c {
                cautions.append("error statistics withheld by some sites for min_cell: error uses \(rows) of \(stats.count) rows")
            }
            cautions += Self.cautions(test)
        case .auc:
            let test = DeLongTest(strata: stats.auc, comparator: c)
            comparison.gain = test.gain
            comparison.z = test.z
            comparison.standardError = test.standardError
            comparison.primary = Self.outcome(test, level: level)
            cautions += Self.cautions(test)
        case .ece:
            let test = CalibrationGainTest(stats: aligned, comparator: c, draws: settings.calibrationDraws,
                                           seed: settings.seed)
            if let vc = value(c), let vt = value(t) { comparison.gain = vc - vt }
            comparison.testEstimate = test.estimate
            var outcome = TestOutcome(pViolation: test.pViolation, pGain: test.pGain)
            outcome.standardError = test.standardError
            let interval = test.interval(level: level)
            outcome.intervalLower = interval?.lowerBound
            outcome.intervalUpper = interval?.upperBound
            outcome.unavailableReason = test.unavailableReason
            comparison.standardError = test.standardError
            comparison.z = test.z
            comparison.primary = outcome
            if let reason = test.unavailableReason { cautions.append(reason) }
            if let note = CalibrationGainTest.binCaution(stats, comparator: c) { cautions.append(note) }
        case .squaredError, .absoluteError:
            break  // binary statistics carry no regression loss; see `RegressionEvaluator`
        }
        if stats.count < 30 { cautions.append("small group (n = \(stats.count))") }
        let all = [comparison.caution].compactMap { $0 } + cautions
        comparison.caution = all.isEmpty ? nil : all.joined(separator: "; ")
        return comparison
    }

    /// Why an error comparison is NA when no site released the group's error statistics.
    static let errorsWithheldReason =
        "no site released this group's error statistics: a misclassification or McNemar cell was below its min_cell"
}
