/// What a site tells the coordinator about its disclosure policy: limits only, no secrets, no data
/// (`ARCHITECTURE.md` §8). The policy itself stays at the site and is never overridable.
public struct PolicySummary: Sendable, Codable, Equatable {
    /// Model classes the site will train, e.g. `logistic_regression`.
    public var allowedModelClasses: [String]
    /// Metrics the site will compute, e.g. `error`, `auc`, `ece`.
    public var allowedMetrics: [String]
    /// The smallest count that may leave the site (per site × group × label, per ECE bin).
    public var minCell: Int
    /// The largest number of intersectional groups the site will report.
    public var maxGroups: Int
    /// Whether each audit spec waits for a person's approval at the site.
    public var manualApproval: Bool

    /// Creates a summary.
    public init(allowedModelClasses: [String], allowedMetrics: [String], minCell: Int, maxGroups: Int,
                manualApproval: Bool) {
        self.allowedModelClasses = allowedModelClasses
        self.allowedMetrics = allowedMetrics
        self.minCell = minCell
        self.maxGroups = maxGroups
        self.manualApproval = manualApproval
    }
}
