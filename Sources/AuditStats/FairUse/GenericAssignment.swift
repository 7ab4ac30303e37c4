import AuditCore

/// The first intervention of ICML 2023 §5.2, "assigning a generic model": every group with a
/// significant rationality violation (primary test, audit correction; decision D2) receives the
/// generic model h0 instead of its personalized model h_g, and every other group keeps h_g. One
/// assignment per metric, driven by that metric's violations.
///
/// Per group the metric after the intervention is R_g(h0) for a switched group and R_g(h_g)
/// otherwise, so a switched group's gain becomes 0 and no group is worse off than under h0 where
/// the violation was flagged. The population value after the intervention is exact without the
/// rows for error, log-loss and Brier (count-weighted means of the group values: the population is
/// the disjoint union of the groups); AUC and ECE of the mixed predictions need the rows, so they
/// are computed only when the predictions are given (local audits) and are absent otherwise
/// (federated audits).
public struct GenericAssignment: Sendable, Codable, Equatable {
    /// One group under one metric's assignment.
    public struct GroupChange: Sendable, Codable, Equatable {
        /// Group key.
        public var key: String
        /// Held-out rows.
        public var count: Int
        /// Whether the group is switched to h0.
        public var switched: Bool
        /// R_g(h_g), before.
        public var before: Double?
        /// The metric after the intervention.
        public var after: Double?
        /// R_g(h0).
        public var generic: Double?
        /// Rationality gain before (Δ_g, positive when personalization helps).
        public var gainBefore: Double?
        /// Gain of the assigned model over h0 after (0 for a switched group).
        public var gainAfter: Double?
    }

    /// A population value before and after, and the generic model's.
    public struct PopulationChange: Sendable, Codable, Equatable {
        /// Metric name (a tested metric, `log_loss` or `brier`).
        public var name: String
        /// Personalized model, every group with its own h_g.
        public var before: Double?
        /// After the intervention.
        public var after: Double?
        /// h0 on every row.
        public var generic: Double?
        /// Population gain over h0 before (positive when better than h0).
        public var gainBefore: Double?
        /// Population gain over h0 after.
        public var gainAfter: Double?
    }

    /// One metric's assignment.
    public struct MetricAssignment: Sendable, Codable, Equatable {
        /// The metric whose violations drive the assignment.
        public var metric: Metric
        /// Switched groups, in key order.
        public var switched: [String]
        /// Per group with held-out rows.
        public var groups: [GroupChange]
        /// The metric on the population; `after` is nil for AUC and ECE without predictions.
        public var population: PopulationChange
        /// Log-loss and Brier on the population under the same assignment (exact from group means).
        public var scores: [PopulationChange]
    }

    /// One entry per metric of the evaluation.
    public var metrics: [MetricAssignment]

    /// The intervention for every metric of `evaluation`; `predictions` (the rows the evaluation
    /// was computed from) supply the population AUC and ECE of the mixed predictions.
    public init(evaluation: FairUseEvaluation, predictions: Predictions? = nil, eceBins: Int = 10) {
        metrics = evaluation.metrics.map { metric in
            Self.assignment(metric, evaluation: evaluation, predictions: predictions, eceBins: eceBins)
        }
    }

    static func assignment(_ metric: MetricEvaluation, evaluation: FairUseEvaluation, predictions: Predictions?,
                           eceBins: Int) -> MetricAssignment {
        let better = metric.higherIsBetter ? 1.0 : -1.0
        let groups = metric.groups.filter { $0.rationality != nil }.map { g -> GroupChange in
            let switched = g.rationality?.primary.flag == .violation
            let after = switched ? g.generic : g.personalized
            return GroupChange(key: g.key, count: g.count, switched: switched, before: g.personalized, after: after,
                               generic: g.generic, gainBefore: g.rationality?.gain,
                               gainAfter: switched ? 0 : g.rationality?.gain)
        }
        let switched = Set(groups.filter(\.switched).map(\.key))
        let summary = metric.summary
        var after: Double?
        switch metric.metric {
        case .error, .squaredError, .absoluteError:   // means over rows: exact from the group means
            after = weightedMean(groups.map { ($0.count, $0.after) }, total: evaluation.count)
        case .auc, .ece:
            if let predictions { after = mixedValue(metric.metric, predictions: predictions, switched: switched, eceBins: eceBins) }
        }
        func gain(_ value: Double?, _ generic: Double?) -> Double? {
            guard let value, let generic else { return nil }
            return better * (value - generic)
        }
        let population = PopulationChange(name: metric.metric.rawValue, before: summary.personalized, after: after,
                                          generic: summary.generic, gainBefore: gain(summary.personalized, summary.generic),
                                          gainAfter: gain(after, summary.generic))
        let scores = evaluation.scores.map { score -> PopulationChange in
            let all = score.entries.first { $0.key == GroupKey.population }
            let byKey = Dictionary(score.entries.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            let mixed = weightedMean(groups.map { g in
                (g.count, switched.contains(g.key) ? byKey[g.key]?.generic : byKey[g.key]?.personalized)
            }, total: evaluation.count)
            return PopulationChange(name: score.name, before: all?.personalized, after: mixed, generic: all?.generic,
                                    gainBefore: lowerIsBetterGain(all?.personalized, all?.generic),
                                    gainAfter: lowerIsBetterGain(mixed, all?.generic))
        }
        return MetricAssignment(metric: metric.metric, switched: switched.sorted(), groups: groups,
                                population: population, scores: scores)
    }

    /// generic − value, for log-loss and Brier (lower is better).
    static func lowerIsBetterGain(_ value: Double?, _ generic: Double?) -> Double? {
        guard let value, let generic else { return nil }
        return generic - value
    }

    /// Σ n_g v_g / n; nil when a group value is missing or the counts do not cover the population.
    static func weightedMean(_ parts: [(Int, Double?)], total: Int) -> Double? {
        guard total > 0, parts.reduce(0, { $0 + $1.0 }) == total else { return nil }
        var sum = 0.0
        for (n, v) in parts {
            guard let v else { return nil }
            sum += Double(n) * v
        }
        return sum / Double(total)
    }

    /// The population metric of the predictions in which switched groups' rows get h0.
    static func mixedValue(_ metric: Metric, predictions: Predictions, switched: Set<String>,
                           eceBins: Int) -> Double? {
        let switchedIndex = Set(predictions.keys.indices.filter { switched.contains(predictions.keys[$0]) })
        var probabilities = [Double](repeating: 0, count: predictions.count)
        for i in 0..<predictions.count {
            probabilities[i] = switchedIndex.contains(Int(predictions.groups[i])) ? predictions.generic[i] : predictions.own(i)
        }
        return MetricValues.values(metric, labels: predictions.labels, probabilities: probabilities, modelCount: 1,
                                   sites: predictions.sites, eceBins: eceBins)[0]
    }
}
