import AuditCore
import AuditSpec
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

    /// Runs the intervention for one technique.
    public static func run(_ data: TrainingData, technique: Technique, validationFraction: Double,
                           metrics: [Metric], eceBins: Int) throws -> BestModelAssignment {
        precondition(validationFraction > 0 && validationFraction < 1, "validation fraction in (0, 1)")
        let seed = data.spec.split.seed &+ 1
        let inner = StratifiedSplit(keys: data.train.map { data.dataset.rowKeys[$0] }, labels: data.labels(data.train),
                                    testFraction: validationFraction, seed: seed)
        let fitRows = inner.train.map { data.train[$0] }, validationRows = inner.test.map { data.train[$0] }
        let fitted = try data.fit(technique: technique, rows: fitRows)
        let decoupled = technique == .decoupled ? fitted
            : try data.fit(technique: .decoupled, rows: fitRows, generic: fitted.generic, preprocessor: fitted.preprocessor)
        func candidates(_ rows: [Int]) -> [Double] {
            let a = fitted.predict(data, rows: rows), b = decoupled.predict(data, rows: rows)
            var p = [Double](repeating: 0, count: rows.count * 3)
            for k in rows.indices { p[k * 3] = a.generic[k]; p[k * 3 + 1] = a.own[k]; p[k * 3 + 2] = b.own[k] }
            return p
        }
        let m = data.keys.count
        let selectionMetric = metrics.first ?? .error
        let choices = choose(metric: selectionMetric, labels: data.labels(validationRows),
                             groups: validationRows.map { data.keyIndex[$0] }, groupCount: m,
                             probabilities: candidates(validationRows), eceBins: eceBins)

        // Test split: per row the three candidates and the assignment.
        let test = data.test, labels = data.labels(test), p = candidates(test)
        let testGroups = test.map { data.keyIndex[$0] }
        var withAssignment = [Double](repeating: 0, count: test.count * 4)
        for k in test.indices {
            for c in 0..<3 { withAssignment[k * 4 + c] = p[k * 3 + c] }
            let chosen = Candidate.allCases.firstIndex(of: choices[testGroups[k]].0)!
            withAssignment[k * 4 + 3] = p[k * 3 + chosen]
        }
        func values(_ rows: [Int]) -> [TestValues] {
            var q = [Double](); q.reserveCapacity(rows.count * 4)
            for k in rows { q.append(contentsOf: withAssignment[(k * 4)..<(k * 4 + 4)]) }
            return metrics.map { metric in
                let v = MetricValues.values(metric, labels: rows.map { labels[$0] }, probabilities: q, modelCount: 4, eceBins: eceBins)
                func gain(_ x: Double?) -> Double? {
                    guard let x, let g = v[0] else { return nil }
                    return metric.higherIsBetter ? x - g : g - x
                }
                return TestValues(metric: metric, generic: v[0], personalized: v[1], assigned: v[3],
                                  gainBefore: gain(v[1]), gainAfter: gain(v[3]))
            }
        }
        var testRowsByGroup = [[Int]](repeating: [], count: m)
        for (k, g) in testGroups.enumerated() { testRowsByGroup[g].append(k) }
        let validationCounts = validationRows.reduce(into: [Int](repeating: 0, count: m)) { $0[data.keyIndex[$1]] += 1 }
        let groups = data.keys.indices.map { g in
            GroupChoice(key: data.keys[g], validationCount: validationCounts[g], chosen: choices[g].0,
                        validation: choices[g].1, testCount: testRowsByGroup[g].count,
                        test: testRowsByGroup[g].isEmpty ? [] : values(testRowsByGroup[g]))
        }
        return BestModelAssignment(technique: technique, selectionMetric: selectionMetric,
                                   validationFraction: validationFraction, seed: seed,
                                   fitRows: fitRows.count, validationRows: validationRows.count, groups: groups,
                                   population: values(Array(test.indices)),
                                   decoupledFallbacks: decoupled.personalized.fallbacks.map(\.key))
    }
}
