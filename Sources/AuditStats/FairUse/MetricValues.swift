import AuditCore

/// Point values of a metric for several models scored on the same rows, with no tests: the
/// population metric of a mixed assignment of models to groups (ICML 2023 §5.2 interventions),
/// a group's metric on a validation split, a cross-validation score.
///
/// The values are those of the audit itself — computed through the same sufficient statistics
/// (`GroupStatistics`), so error is wrong/n at threshold 0.5, AUC the Mann–Whitney statistic with
/// ties ½ (site-stratified when rows come from several sites, decision D1) and ECE the L1 ECE over
/// equal-width right-closed bins (methods spec §2.4).
public enum MetricValues {
    /// The metric of every model: `probabilities[i·R + r]` is model r's P(y = 1) for row i.
    /// nil where the metric is undefined (no rows; AUC of a single class).
    public static func values(_ metric: Metric, labels: [UInt8], probabilities: [Double], modelCount: Int,
                              sites: [String]? = nil, eceBins: Int = 10) -> [Double?] {
        guard let stats = statistics(labels: labels, probabilities: probabilities, modelCount: modelCount,
                                     sites: sites, eceBins: eceBins) else {
            return Array(repeating: nil, count: modelCount)
        }
        let estimates = MetricEstimates(metric: metric, stats: stats)
        return (0..<modelCount).map { estimates.value($0) }
    }

    /// Mean log-loss (probabilities clipped to [1e-15, 1 − 1e-15]) and Brier score of every model.
    public static func scores(labels: [UInt8], probabilities: [Double], modelCount: Int) -> (logLoss: [Double?], brier: [Double?]) {
        guard let stats = statistics(labels: labels, probabilities: probabilities, modelCount: modelCount,
                                     sites: nil, eceBins: 10) else {
            return (Array(repeating: nil, count: modelCount), Array(repeating: nil, count: modelCount))
        }
        let n = Double(stats.count)
        return (stats.logLossSum.map { $0 / n }, stats.brierSum.map { $0 / n })
    }

    /// Sufficient statistics of the rows (no bootstrap), pooled over sites in id order.
    static func statistics(labels: [UInt8], probabilities: [Double], modelCount: Int,
                           sites: [String]?, eceBins: Int) -> GroupStatistics? {
        precondition(probabilities.count == labels.count * modelCount, "one probability per row and model")
        guard !labels.isEmpty else { return nil }
        let settings = ExtractionSettings(eceBins: eceBins, bootstrapReplicates: 0)
        guard let sites, Set(sites).count > 1 else {
            return GroupStatistics.extract(key: "(rows)", target: 0,
                                           rows: GroupRows(labels: labels, probabilities: probabilities, modelCount: modelCount),
                                           settings: settings)
        }
        precondition(sites.count == labels.count, "one site per row")
        let parts = Array(Set(sites)).sorted().map { site -> GroupStatistics in
            let rows = sites.indices.filter { sites[$0] == site }
            var p = [Double](); p.reserveCapacity(rows.count * modelCount)
            for i in rows { p.append(contentsOf: probabilities[(i * modelCount)..<((i + 1) * modelCount)]) }
            return GroupStatistics.extract(key: "(rows)", target: 0,
                                           rows: GroupRows(labels: rows.map { labels[$0] }, probabilities: p, modelCount: modelCount),
                                           settings: settings)
        }
        return GroupStatistics.pooled(parts)
    }
}
