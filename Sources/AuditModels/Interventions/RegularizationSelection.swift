import AuditCore
import AuditSpec
import AuditStats
import Foundation

/// The model-selection failure mode of ICML 2023 §3.1 (Example 2): choosing a hyperparameter by
/// population-level cross-validated performance can favour some groups over others. For the
/// inverse regularization strength C of the personalized model, k-fold cross-validation on the
/// training rows (folds stratified by group and label, ``StratifiedFolds``) scores every C of a
/// grid on the pooled out-of-fold predictions — h0 and the technique's model are refitted on each
/// fold's other rows, with their own preprocessing — by the audit's first metric, for the
/// population and for every group. Two choices follow:
/// * population-best C: the best population value (the usual "mean K-CV error" rule);
/// * worst-group-best C: the best value of the worst group (max error, min AUC, max ECE).
/// Ties go to the smaller C (stronger regularization). The audit is then rerun on the test split
/// at each chosen C, so the report shows the fair-use violations each choice produces.
public struct RegularizationSelection: Sendable, Codable, Equatable {
    /// Cross-validated values at one C.
    public struct GridPoint: Sendable, Codable, Equatable {
        /// Inverse regularization strength.
        public var c: Double
        /// The population value of the out-of-fold predictions.
        public var population: Double?
        /// Per group, in key order (nil when undefined, e.g. AUC of one class).
        public var groups: [Double?]
        /// The worst group and its value.
        public var worstGroup: String?, worstValue: Double?

        /// Creates a point; the worst group is derived from `groups` and `keys`.
        public init(c: Double, population: Double?, groups: [Double?], keys: [String], higherIsBetter: Bool) {
            self.c = c
            self.population = population
            self.groups = groups
            var worst: (String, Double)?
            for (key, value) in zip(keys, groups) {
                guard let value else { continue }
                if let w = worst, higherIsBetter ? value >= w.1 : value <= w.1 { continue }
                worst = (key, value)
            }
            worstGroup = worst?.0
            worstValue = worst?.1
        }
    }

    /// The audit on the test split at a chosen C, per metric.
    public struct Outcome: Sendable, Codable, Equatable {
        /// The metric.
        public var metric: Metric
        /// Population value of the personalized model and of h0, and the gain.
        public var personalized: Double?, generic: Double?, gain: Double?
        /// The smallest rationality gain.
        public var worstGroup: GroupGain?
        /// Rationality and envy-freeness flag counts (primary test).
        public var rationality: FlagCounts, envy: FlagCounts
        /// Groups with a significant rationality violation.
        public var rationalityViolations: [String]

        /// The outcome of one metric of an evaluation.
        public init(_ metric: MetricEvaluation) {
            self.metric = metric.metric
            personalized = metric.summary.personalized
            generic = metric.summary.generic
            gain = metric.summary.gain
            worstGroup = metric.summary.worstGroup
            rationality = metric.summary.rationality
            envy = metric.summary.envy
            rationalityViolations = metric.groups.filter { $0.rationality?.primary.flag == .violation }.map(\.key)
        }
    }

    /// The technique whose C is chosen.
    public var technique: Technique
    /// The cross-validation metric (the audit's first).
    public var metric: Metric
    /// Folds k and their seed.
    public var folds: Int, seed: UInt64
    /// Group keys, the columns of `GridPoint.groups`.
    public var keys: [String]
    /// Every C tried, ascending.
    public var grid: [GridPoint]
    /// The population-best and worst-group-best C.
    public var populationBest: Double, worstGroupBest: Double
    /// The audit at each chosen C (per metric); filled by the caller that reruns the audit.
    public var atPopulationBest: [Outcome]?, atWorstGroupBest: [Outcome]?

    /// The default grid 10^-3 … 10^3.
    public static let defaultGrid: [Double] = [1e-3, 1e-2, 1e-1, 1, 10, 100, 1000]

    /// The indices of the population-best and worst-group-best points; ties go to the earlier point.
    public static func choose(_ points: [GridPoint], higherIsBetter: Bool) -> (population: Int, worstGroup: Int) {
        func best(_ value: (GridPoint) -> Double?) -> Int {
            var index = 0, bestValue: Double?
            for (i, p) in points.enumerated() {
                guard let v = value(p) else { continue }
                if let b = bestValue, higherIsBetter ? v <= b : v >= b { continue }
                index = i
                bestValue = v
            }
            return index
        }
        return (best(\.population), best(\.worstValue))
    }

    /// Cross-validates every C of `grid` for one technique and chooses.
    public static func run(_ data: TrainingData, technique: Technique, grid: [Double], folds: Int,
                           metric: Metric, eceBins: Int) throws -> RegularizationSelection {
        let grid = Array(Set(grid)).sorted()
        precondition(!grid.isEmpty && grid.allSatisfy { $0 > 0 && $0.isFinite }, "a grid of positive numbers")
        let seed = data.spec.split.seed
        let rows = data.train
        let partition = StratifiedFolds(keys: rows.map { data.dataset.rowKeys[$0] }, labels: data.labels(rows),
                                        folds: folds, seed: seed)
        let labels = data.labels(rows)
        let groups = rows.map { data.keyIndex[$0] }
        let parts = (0..<folds).map { f in
            (fit: rows.indices.filter { partition.fold[$0] != f }.map { rows[$0] },
             held: rows.indices.filter { partition.fold[$0] == f })
        }
        let preprocessors = parts.map { Preprocessor(dataset: data.dataset, trainingRows: $0.fit) }
        var points: [GridPoint] = []
        for c in grid {
            var outOfFold = [Double](repeating: 0, count: rows.count)
            for (f, part) in parts.enumerated() {
                let fitted = try data.fit(technique: technique, rows: part.fit, c: c, preprocessor: preprocessors[f])
                let own = fitted.predict(data, rows: part.held.map { rows[$0] }).own
                for (k, i) in part.held.enumerated() { outOfFold[i] = own[k] }
            }
            let population = MetricValues.values(metric, labels: labels, probabilities: outOfFold, modelCount: 1, eceBins: eceBins)[0]
            var byGroup = [[Int]](repeating: [], count: data.keys.count)
            for (i, g) in groups.enumerated() { byGroup[g].append(i) }
            let groupValues = byGroup.map { idx in
                MetricValues.values(metric, labels: idx.map { labels[$0] }, probabilities: idx.map { outOfFold[$0] },
                                    modelCount: 1, eceBins: eceBins)[0]
            }
            points.append(GridPoint(c: c, population: population, groups: groupValues, keys: data.keys,
                                    higherIsBetter: metric.higherIsBetter))
        }
        let chosen = choose(points, higherIsBetter: metric.higherIsBetter)
        return RegularizationSelection(technique: technique, metric: metric, folds: folds, seed: seed, keys: data.keys,
                                       grid: points, populationBest: grid[chosen.population],
                                       worstGroupBest: grid[chosen.worstGroup], atPopulationBest: nil, atWorstGroupBest: nil)
    }
}
