import AuditCore

/// Additive sufficient statistics of one group's held-out rows for a continuous outcome, for
/// every model the audit compares and every regression metric (the regression counterpart of
/// ``GroupStatistics``). Models are indexed as there: r = 0 is h0, r = 1 + j is h(·, G[j]),
/// `target` is the group's own model h_g.
///
/// Everything is a count or a sum over rows, so statistics of disjoint sites add
/// (``pooled(_:)``) and the pooled t-test and bootstrap equal those of the pooled rows.
public struct RegressionGroupStatistics: Sendable, Codable, Equatable {
    /// The intersectional group key (or `GroupKey.population` for the population).
    public var key: String
    /// Index of the group's own model h_g among the models.
    public var target: Int
    /// Held-out rows n_g.
    public var count: Int
    /// Per metric, in the order extracted.
    public var metrics: [RegressionMetricStatistics]

    /// The statistics of one metric, nil when it was not extracted.
    public func metric(_ metric: Metric) -> RegressionMetricStatistics? {
        metrics.first { $0.metric == metric }
    }

    /// The sum of the statistics of the same group at several sites (given in site order, so that
    /// floating-point sums do not depend on the order in which sites reported); nil for none.
    public static func pooled(_ sites: [RegressionGroupStatistics]) -> RegressionGroupStatistics? {
        guard var total = sites.first else { return nil }
        for site in sites.dropFirst() {
            precondition(site.key == total.key && site.target == total.target
                         && site.metrics.map(\.metric) == total.metrics.map(\.metric), "pooling different groups")
            total.count += site.count
            for k in total.metrics.indices { total.metrics[k].add(site.metrics[k]) }
        }
        return total
    }
}

/// One regression metric's sums on one group.
public struct RegressionMetricStatistics: Sendable, Codable, Equatable {
    /// The metric (squared or absolute error).
    public var metric: Metric
    /// Per model r: Σ_i ℓ_r,i, the numerator of the group's mean loss.
    public var lossSums: [Double]
    /// Per model r: n, Σd, Σd² of d_i = ℓ_r,i − ℓ_target,i (all zero at the target itself).
    public var differences: [PairedDifferenceSums]
    /// Bootstrap replicates B (0 when the bootstrap was skipped).
    public var replicates: Int
    /// Replicate-major B × models: entry [b·models + r] is Σ_k d_r,i(b,k) over the n draws of
    /// replicate b (``RegressionBootstrap``); empty when B = 0.
    public var replicateSums: [Double]

    /// Number of models (1 + m).
    public var modelCount: Int { lossSums.count }

    /// Adds another site's sums of the same group (same models and B).
    mutating func add(_ other: RegressionMetricStatistics) {
        precondition(other.lossSums.count == lossSums.count && other.replicates == replicates, "pooling different shapes")
        for r in lossSums.indices {
            lossSums[r] += other.lossSums[r]
            differences[r] = differences[r] + other.differences[r]
        }
        for k in replicateSums.indices { replicateSums[k] += other.replicateSums[k] }
    }
}
