import AuditCore

/// A site whose estimate of a gain lies far from what the other sites predict for it.
public struct SiteOutlier: Sendable, Codable, Equatable {
    /// The site.
    public var site: String
    /// The metric.
    public var metric: Metric
    /// The group.
    public var group: String
    /// The comparator: nil for h0, else the reported group.
    public var reportedAs: String?
    /// The leave-one-out standardized deviation.
    public var z: Double
}

/// Flags sites that are in bounds but implausible: a site's estimate of a gain compared with the
/// random-effects pooling of the *other* sites (a leave-one-out standardized deviation,
/// Viechtbauer & Cheung 2010, "Outlier and influence diagnostics for meta-analysis", Res Synth
/// Methods 1:112–125): z_s = (y_s − μ̂₋ₛ) / √(v_s + τ̂²₋ₛ + SE(μ̂₋ₛ)²), with μ̂₋ₛ, τ̂²₋ₛ the
/// DerSimonian–Laird estimates without site s. A site with |z| above ``threshold`` on any
/// comparison is flagged. Needs three sites (with two, neither is "the other"). A flag is a
/// warning for the report, never an exclusion: the pooled result stays the pooled analysis.
public enum SiteOutliers {
    /// |z| above 4 (two-sided p ≈ 6·10⁻⁵ under the model): rare by chance even across the many
    /// comparisons of an audit, and far beyond what between-site heterogeneity explains.
    public static let threshold = 4.0

    /// Every comparison on which a site is flagged, largest |z| first.
    public static func flag(_ entries: [HeterogeneityEntry]) -> [SiteOutlier] {
        // The entries are independent: checked in parallel, their outliers kept in entry order, so
        // the list (and the stable sort below) is that of one pass.
        ParallelMap.run(count: entries.count) { flag(entries[$0]) }.flatMap { $0 }.sorted { abs($0.z) > abs($1.z) }
    }

    /// The sites of one entry whose estimate lies beyond ``threshold`` (leave-one-out z), in site order.
    static func flag(_ entry: HeterogeneityEntry) -> [SiteOutlier] {
        var out: [SiteOutlier] = []
        if entry.meta.estimates.count >= 3 {
            let estimates = entry.meta.estimates
            // Only the random-effects core of each leave-one-out pooling is needed (no t quantile,
            // χ² or t distribution per subset): the same arithmetic as `MetaAnalysis(others)`, which
            // exists exactly when every other estimate is valid.
            let invalid = estimates.indices.filter { !MetaAnalysis.isValid(estimates[$0]) }
            var others = estimates
            for (s, own) in estimates.enumerated() where invalid.allSatisfy({ $0 == s }) {
                others.remove(at: s)
                let rest = MetaAnalysis.Core(others)
                others.insert(own, at: s)
                let z = (own.value - rest.randomEffects)
                    / (own.variance + rest.tauSquared + rest.randomEffectsSE * rest.randomEffectsSE).squareRoot()
                if z.isFinite, abs(z) > threshold {
                    out.append(SiteOutlier(site: own.site, metric: entry.metric, group: entry.group,
                                           reportedAs: entry.reportedAs, z: z))
                }
            }
        }
        return out
    }
}
