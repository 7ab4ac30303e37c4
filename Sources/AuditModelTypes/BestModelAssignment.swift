import AuditCore
import AuditStats
import Foundation

/// The second intervention of ICML 2023 §5.2: give every group the best of the generic model h0,
/// its personalized model h_g and a decoupled model h_g^dec trained on its rows only, chosen on a
/// validation split — never on the test split, so that the test gains are honest.
///
/// Procedure: the training rows are split once more, stratified by (group, label) with seed
/// `split.seed + 1` (wrapping), into fit rows and validation rows (`validationFraction` of each
/// stratum). h0, the technique's personalized model and the decoupled models are fitted on the fit
/// rows. Each group takes the candidate with the best value of the audit's first metric on its
/// validation rows; ties go to the simpler model (h0, then h_g, then h_g^dec), and a group whose
/// validation value is undefined for h0 keeps h0. Since h0 is a candidate, the chosen model is
/// never worse than h0 on the validation rows it was chosen on. All three models are then scored
/// on the audit's test split: "before" is the plain personalized model (fitted on the fit rows),
/// "after" the assignment, both against the same h0.
public struct BestModelAssignment: Sendable, Codable, Equatable {
    /// A candidate model for a group.
    public enum Candidate: String, Sendable, Codable, CaseIterable {
        /// The generic model h0.
        case generic
        /// The group's personalized model h_g.
        case personalized
        /// The group's decoupled model h_g^dec.
        case decoupled
    }

    /// A group's choice and its values.
    public struct GroupChoice: Sendable, Codable, Equatable {
        /// Group key.
        public var key: String
        /// Validation rows of the group.
        public var validationCount: Int
        /// The chosen model.
        public var chosen: Candidate
        /// Validation values of the selection metric: generic, personalized, decoupled.
        public var validation: [Double?]
        /// Test rows of the group.
        public var testCount: Int
        /// Per metric of the audit: the test values and gains.
        public var test: [TestValues]

        /// Creates a value from its parts.
        public init(key: String, validationCount: Int, chosen: Candidate, validation: [Double?], testCount: Int,
                    test: [TestValues]) {
            self.key = key
            self.validationCount = validationCount
            self.chosen = chosen
            self.validation = validation
            self.testCount = testCount
            self.test = test
        }
    }

    /// Test values of one group (or the population) under one metric.
    public struct TestValues: Sendable, Codable, Equatable {
        /// The metric.
        public var metric: Metric
        /// h0.
        public var generic: Double?
        /// The plain personalized model (before).
        public var personalized: Double?
        /// The assignment (after).
        public var assigned: Double?
        /// Gain over h0 before (positive when better than h0).
        public var gainBefore: Double?
        /// Gain over h0 after.
        public var gainAfter: Double?

        /// Creates a value from its parts.
        public init(metric: Metric, generic: Double? = nil, personalized: Double? = nil, assigned: Double? = nil,
                    gainBefore: Double? = nil, gainAfter: Double? = nil) {
            self.metric = metric
            self.generic = generic
            self.personalized = personalized
            self.assigned = assigned
            self.gainBefore = gainBefore
            self.gainAfter = gainAfter
        }
    }

    /// The technique whose personalized model is a candidate.
    public var technique: Technique
    /// The metric of the choice (the audit's first).
    public var selectionMetric: Metric
    /// Fraction of each (group, label) stratum of the training rows used for validation.
    public var validationFraction: Double
    /// Seed of the validation split.
    public var seed: UInt64
    /// Fit and validation rows.
    public var fitRows: Int, validationRows: Int
    /// Per group, in key order.
    public var groups: [GroupChoice]
    /// Population values per metric.
    public var population: [TestValues]
    /// Decoupled groups that fell back to h0 on the fit rows.
    public var decoupledFallbacks: [String]

    /// Chooses per group among the rows' candidate predictions (`probabilities[i·3 + c]` is
    /// candidate c's P(y = 1), in ``Candidate`` order) by `metric` on each group's rows; ties and
    /// undefined values go to the earlier candidate. Returns the choice and the three values per group.
    public static func choose(metric: Metric, labels: [UInt8], groups: [Int], groupCount: Int,
                              probabilities: [Double], eceBins: Int = 10) -> [(Candidate, [Double?])] {
        let candidates = Candidate.allCases.count
        precondition(probabilities.count == labels.count * candidates && groups.count == labels.count, "shape")
        var rowsByGroup = [[Int]](repeating: [], count: groupCount)
        for (i, g) in groups.enumerated() { rowsByGroup[g].append(i) }
        return rowsByGroup.map { rows in
            var p = [Double](); p.reserveCapacity(rows.count * candidates)
            for i in rows { p.append(contentsOf: probabilities[(i * candidates)..<((i + 1) * candidates)]) }
            let values = MetricValues.values(metric, labels: rows.map { labels[$0] }, probabilities: p,
                                             modelCount: candidates, eceBins: eceBins)
            var best = 0
            guard var bestValue = values[0] else { return (.generic, values) }
            for c in 1..<candidates {
                guard let v = values[c] else { continue }
                if metric.higherIsBetter ? v > bestValue : v < bestValue { best = c; bestValue = v }
            }
            return (Candidate.allCases[best], values)
        }
    }

    /// Creates a value from its parts.
    public init(technique: Technique, selectionMetric: Metric, validationFraction: Double, seed: UInt64,
                fitRows: Int, validationRows: Int, groups: [GroupChoice], population: [TestValues],
                decoupledFallbacks: [String]) {
        self.technique = technique
        self.selectionMetric = selectionMetric
        self.validationFraction = validationFraction
        self.seed = seed
        self.fitRows = fitRows
        self.validationRows = validationRows
        self.groups = groups
        self.population = population
        self.decoupledFallbacks = decoupledFallbacks
    }
}
