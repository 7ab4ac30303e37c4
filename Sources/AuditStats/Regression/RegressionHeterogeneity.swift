import AuditCore

/// Per-site estimates of every regression gain and their meta-analysis (spec §2.7), the
/// regression counterpart of ``Heterogeneity``: a site's estimate of Δ is its mean loss
/// difference d̄_s with within-site variance SE_s² = s_s² / n_s from its paired t-test
/// (``PairedTTest``); sites with n < 2 or zero spread give no estimate.
public enum RegressionHeterogeneity {
    /// One site's estimate of comparison `comparator` of `stats` for `metric`, if it has one.
    public static func siteEstimate(site: String, metric: Metric, stats: RegressionGroupStatistics,
                                    comparator: Int) -> MetaAnalysis.Estimate? {
        guard let sums = stats.metric(metric) else { return nil }
        let test = PairedTTest(sums.differences[comparator])
        guard let gain = test.gain, let se = test.standardError, se > 0 else { return nil }
        return MetaAnalysis.Estimate(site: site, value: gain, variance: se * se)
    }

    /// Entries for every metric, group and comparator with at least two site estimates.
    public static func entries(sites: [RegressionSiteStatistics], metrics: [Metric]) -> [HeterogeneityEntry] {
        guard let keys = sites.first?.keys else { return [] }
        return Heterogeneity.entries(sites: sites.sorted { $0.site < $1.site }, keys: keys, metrics: metrics) { site, metric, j, comparator in
            site.groups[j].flatMap { siteEstimate(site: site.site, metric: metric, stats: $0, comparator: comparator) }
        }
    }
}
