import AuditCore

/// Per-site estimates of every gain and their meta-analysis (spec §2.7): how consistent a
/// rationality or envy-freeness gain is across sites, next to the pooled test.
public struct HeterogeneityEntry: Sendable, Codable, Equatable {
    /// The metric.
    public var metric: Metric
    /// The group.
    public var group: String
    /// The comparator: nil for h0 (rationality), else the reported group g′.
    public var reportedAs: String?
    /// The pooling of the sites' estimates.
    public var meta: MetaAnalysis

    /// Creates an entry.
    public init(metric: Metric, group: String, reportedAs: String?, meta: MetaAnalysis) {
        self.metric = metric
        self.group = group
        self.reportedAs = reportedAs
        self.meta = meta
    }
}

/// Builds the heterogeneity table of one personalized model from its sites' statistics.
public enum Heterogeneity {
    /// One site's estimate of a comparison, with its within-site variance: error from the site's
    /// discordant counts, AUC from its DeLong variance, ECE from the calibration test on the
    /// site's own moments: its bias-corrected gain and the exact variance of that gain under the
    /// test's Gaussian law (``CalibrationGainTest/init(exactVarianceOf:comparator:)``), so the
    /// table has no Monte Carlo error and does not depend on `tests.bootstrap` or the seed. nil when
    /// the site cannot estimate it (no rows, one class, no variance).
    public static func siteEstimate(site: String, metric: Metric, stats: GroupStatistics,
                                    comparator: Int) -> MetaAnalysis.Estimate? {
        var cache = CalibrationGainVariance.BinCache()
        return siteEstimate(site: site, metric: metric, stats: stats, comparator: comparator, cache: &cache)
    }

    /// The same, with the ECE's bin coefficients kept in `cache` across the comparators of a group
    /// (bit for bit the value without it).
    static func siteEstimate(site: String, metric: Metric, stats: GroupStatistics, comparator: Int,
                             cache: inout CalibrationGainVariance.BinCache) -> MetaAnalysis.Estimate? {
        guard stats.count > 0 else { return nil }
        switch metric {
        case .error:
            // A site that withheld this comparison's error statistics (min_cell) has no estimate.
            let rows = stats.errorRowCount(model: comparator)
            guard rows > 0 else { return nil }
            let d = stats.discordance[comparator]
            return MetaAnalysis.errorEstimate(site: site, count: rows, n10: d.n10, n01: d.n01)
        case .auc:
            let test = DeLongTest(strata: stats.auc, comparator: comparator)
            // A site's own variance only: a singleton class has no within-site estimate to pool.
            guard let gain = test.gain, let se = test.standardError, se > 0,
                  test.varianceSource == .estimated else { return nil }
            return MetaAnalysis.Estimate(site: site, value: gain, variance: se * se)
        case .ece:
            let test = CalibrationGainTest(exactVarianceOf: stats, comparator: comparator, cache: &cache)
            guard let se = test.standardError, se > 0 else { return nil }
            return MetaAnalysis.Estimate(site: site, value: test.estimate, variance: se * se)
        case .squaredError, .absoluteError:
            return nil  // binary statistics; regression sites: `RegressionHeterogeneity`
        }
    }

    /// Entries for every metric, group and comparator with at least two site estimates, in the
    /// order of ``entries(sites:keys:metrics:estimate:)``. One job per metric and group runs its
    /// comparators in turn, so the ECE's coefficients of the group's own model at each site are
    /// worked out once (``CalibrationGainVariance/BinCache``) instead of once per comparator.
    public static func entries(sites: [SiteStatistics], settings: EvaluationSettings) -> [HeterogeneityEntry] {
        guard let keys = sites.first?.keys else { return [] }
        let sorted = sites.sorted { $0.site < $1.site }
        guard sorted.count >= 2 else { return [] }
        let metrics = settings.metrics
        return ParallelMap.run(count: metrics.count * keys.count) { index -> [HeterogeneityEntry] in
            let metric = metrics[index / keys.count], j = index % keys.count
            var cache = CalibrationGainVariance.BinCache()
            return comparators(of: j, groups: keys.count).compactMap { comparator in
                let estimates = sorted.compactMap { site in
                    site.groups[j].flatMap { siteEstimate(site: site.site, metric: metric, stats: $0, comparator: comparator, cache: &cache) }
                }
                return entry(metric: metric, group: j, comparator: comparator, keys: keys, estimates: estimates)
            }
        }.flatMap { $0 }
    }

    /// The comparators of group j: 0 (h0), then every other group c as c + 1.
    static func comparators(of j: Int, groups: Int) -> [Int] {
        [0] + (0..<groups).filter { $0 != j }.map { $0 + 1 }
    }

    /// The entry of one cell; nil with fewer than two site estimates.
    static func entry(metric: Metric, group j: Int, comparator: Int, keys: [String],
                      estimates: [MetaAnalysis.Estimate]) -> HeterogeneityEntry? {
        guard estimates.count >= 2, let meta = MetaAnalysis(estimates) else { return nil }
        return HeterogeneityEntry(metric: metric, group: keys[j],
                                  reportedAs: comparator == 0 ? nil : keys[comparator - 1], meta: meta)
    }

    /// The meta-analysis of every metric × group j × comparator (0 = h0, c = group c − 1) over
    /// `sites` (in site order), from each site's `estimate`; kept where two or more sites have one.
    /// Shared by the binary and the regression audits. The cells are independent, so they are
    /// computed in parallel and kept in this order: the result does not depend on scheduling.
    public static func entries<Site: Sendable>(sites: [Site], keys: [String], metrics: [Metric],
                                               estimate: @escaping @Sendable (Site, Metric, Int, Int) -> MetaAnalysis.Estimate?) -> [HeterogeneityEntry] {
        guard sites.count >= 2 else { return [] }
        var cells: [(metric: Metric, group: Int, comparator: Int)] = []
        for metric in metrics {
            for j in keys.indices {
                for comparator in comparators(of: j, groups: keys.count) {
                    cells.append((metric, j, comparator))
                }
            }
        }
        let all = cells
        return ParallelMap.run(count: all.count) { index -> HeterogeneityEntry? in
            let cell = all[index]
            let estimates = sites.compactMap { estimate($0, cell.metric, cell.group, cell.comparator) }
            return entry(metric: cell.metric, group: cell.group, comparator: cell.comparator, keys: keys, estimates: estimates)
        }.compactMap { $0 }
    }
}
