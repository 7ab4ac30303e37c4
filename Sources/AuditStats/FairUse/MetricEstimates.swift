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
        case .ece: return stats.calibration[r].residualSums.reduce(0) { $0 + abs($1) } / Double(stats.count)
        case .squaredError, .absoluteError: return nil  // continuous outcomes: `RegressionEvaluator`
        }
    }

    /// h_g (the target) against comparator c; gain positive when h_g is better.
    func comparison(comparator c: Int, level: Double) -> Comparison {
        let t = stats.target
        var comparison = Comparison(reportedAs: nil, gain: nil, comparatorValue: value(c),
                                    primary: TestOutcome(pViolation: nil, pGain: nil))
        var bootstrapGains: [Double]?
        var cautions: [String] = []  // low-information notes of the error and AUC tests, in order
        switch metric {
        case .error:
            comparison.gain = Double(stats.wrong[c] - stats.wrong[t]) / Double(stats.count)
            let test = McNemarTest(n10: stats.discordance[c].n10, n01: stats.discordance[c].n01)
            comparison.n10 = test.n10
            comparison.n01 = test.n01
            comparison.primary = Self.outcome(test, rows: stats.count, level: level)
            cautions += Self.cautions(test)
            if let boot = stats.bootstrap {
                let n = Double(stats.count)
                bootstrapGains = (0..<boot.replicates).map { b in
                    Double(boot.wrong[b * boot.models + c] - boot.wrong[b * boot.models + t]) / n
                }
            }
        case .auc:
            let test = DeLongTest(strata: stats.auc, comparator: c)
            comparison.gain = test.gain
            comparison.z = test.z
            comparison.standardError = test.standardError
            comparison.primary = Self.outcome(test, level: level)
            cautions += Self.cautions(test)
            if let boot = stats.bootstrap, test.gain != nil {
                let denominator = Double(test.denominator)
                bootstrapGains = (0..<boot.replicates).map { b in
                    Double(boot.aucNumerators[b * boot.models + t] - boot.aucNumerators[b * boot.models + c]) / denominator
                }
            }
        case .ece:
            if let vc = value(c), let vt = value(t) { comparison.gain = vc - vt }
            if let boot = stats.bootstrap {
                let n = Double(stats.count), bins = boot.bins
                bootstrapGains = (0..<boot.replicates).map { b in
                    let base = b * boot.models
                    var ece = [0.0, 0.0]
                    for (slot, r) in [c, t].enumerated() {
                        let start = (base + r) * bins
                        var s = 0.0
                        for k in 0..<bins { s += abs(boot.calibrationResiduals[start + k]) }
                        ece[slot] = s / n
                    }
                    return ece[0] - ece[1]
                }
            }
        case .squaredError, .absoluteError:
            break  // binary statistics carry no regression loss; see `RegressionEvaluator`
        }
        if let gains = bootstrapGains, !gains.isEmpty {
            let test = BootstrapTest(replicateGains: gains, level: level)
            var outcome = TestOutcome(pViolation: test.pViolation, pGain: test.pGain)
            outcome.standardError = test.standardError
            outcome.intervalLower = test.interval?.lowerBound
            outcome.intervalUpper = test.interval?.upperBound
            comparison.bootstrap = outcome
            if metric == .ece { comparison.primary = TestOutcome(pViolation: test.pViolation, pGain: test.pGain) }
        }
        if stats.count < 30 { cautions.append("small group (n = \(stats.count))") }
        let all = [comparison.caution].compactMap { $0 } + cautions
        comparison.caution = all.isEmpty ? nil : all.joined(separator: "; ")
        return comparison
    }
}
