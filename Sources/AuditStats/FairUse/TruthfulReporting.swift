import AuditCore

/// Which report each group would choose if it could choose (ICML 2023, Proposition 2): among
/// truthful reporting r = g, every misreport r = g′ ∈ G ∖ {g} and withholding r = ? (which gets
/// the generic model h0), the report with the lowest risk R_g(h_r) on the group's own held-out
/// rows (the highest AUC), and its gain over truthful reporting. Proposition 2 says fair use makes
/// truthful reporting optimal; a group whose best report is not the truth is the converse made
/// concrete.
///
/// A pure function of a ``FairUseEvaluation``: the risk of report r on group g is the comparator
/// value of the comparison of h_g with h_r (rationality for "withhold", envy-freeness for g′), and
/// the gain over truthful reporting is −Δ of that comparison (spec §0 signs). A choice is
/// *significant* only when that comparison's primary test flagged a violation under the audit's
/// correction (decision D2), so the coordinator can compute it for a federated audit too. Ties go
/// to the truth, then to withholding, then to the first misreport in key order.
public struct TruthfulReporting: Sendable, Codable, Equatable {
    /// A group's best report.
    public enum Report: String, Sendable, Codable {
        /// Report the true group: no other report does better.
        case truthful
        /// Report another group g′.
        case misreport
        /// Report nothing and receive h0.
        case withhold
    }

    /// One group's best report under one metric.
    public struct Choice: Sendable, Codable, Equatable {
        /// Group key.
        public var key: String
        /// Held-out rows of the group.
        public var count: Int
        /// The best report.
        public var best: Report
        /// The group reported, for a misreport.
        public var reportAs: String?
        /// R_g(h_g): the metric when reporting truthfully.
        public var truthfulValue: Double?
        /// The metric under the best report.
        public var bestValue: Double?
        /// Gain of the best report over the truth, ≥ 0 in the metric's better direction (0 when truthful).
        public var gain: Double
        /// Whether the comparison behind the choice is a significant violation (primary test, audit correction).
        public var significant: Bool
        /// The raw one-sided violation p-value of that comparison (nil when truthful).
        public var pViolation: Double?
    }

    /// Best reports of every group under one metric.
    public struct MetricChoices: Sendable, Codable, Equatable {
        /// The metric.
        public var metric: Metric
        /// Groups with held-out rows, in key order.
        public var groups: [Choice]
        /// Groups whose best report is a misreport.
        public var misreport: Int
        /// Groups whose best report is to withhold.
        public var withhold: Int
        /// Of those, how many are significant.
        public var significant: Int
    }

    /// One entry per metric of the evaluation.
    public var metrics: [MetricChoices]

    /// Best reports of every group under every metric of `evaluation`.
    public init(evaluation: FairUseEvaluation) {
        metrics = evaluation.metrics.map { metric in
            let groups = metric.groups.compactMap { Self.choice($0) }
            return MetricChoices(metric: metric.metric, groups: groups,
                                 misreport: groups.filter { $0.best == .misreport }.count,
                                 withhold: groups.filter { $0.best == .withhold }.count,
                                 significant: groups.filter(\.significant).count)
        }
    }

    /// The best report of one group; nil for a group without held-out rows.
    static func choice(_ group: GroupEvaluation) -> Choice? {
        guard let rationality = group.rationality else { return nil }
        // Candidates in tie-break order: withhold (h0), then misreports in key order. A candidate
        // beats the truth when its Δ (truth minus candidate, "personalization helps") is < 0.
        var best: (comparison: Comparison, report: Report)?
        for (comparison, report) in [(rationality, Report.withhold)] + group.envy.map({ ($0, Report.misreport) }) {
            guard let gain = comparison.gain, gain < 0 else { continue }
            if let current = best, let currentGain = current.comparison.gain, currentGain <= gain { continue }
            best = (comparison, report)
        }
        guard let best else {
            return Choice(key: group.key, count: group.count, best: .truthful, reportAs: nil,
                          truthfulValue: group.personalized, bestValue: group.personalized, gain: 0,
                          significant: false, pViolation: nil)
        }
        return Choice(key: group.key, count: group.count, best: best.report, reportAs: best.comparison.reportedAs,
                      truthfulValue: group.personalized, bestValue: best.comparison.comparatorValue,
                      gain: -(best.comparison.gain ?? 0), significant: best.comparison.primary.flag == .violation,
                      pViolation: best.comparison.primary.violation.raw)
    }
}
