import AuditStats

/// One technique's regression statistics at one site (a continuous outcome): additive sums of
/// losses and loss differences per group, and the bootstrap's replicate sums.
public struct RegressionTechniqueStatistics: Sendable, Codable, Equatable {
    /// The technique's spec name, e.g. `onehot`.
    public var technique: String
    /// The site's sufficient statistics for the technique's personalized regressor.
    public var statistics: RegressionSiteStatistics

    /// Creates an entry.
    public init(technique: String, statistics: RegressionSiteStatistics) {
        self.technique = technique
        self.statistics = statistics
    }
}
