import AuditCore
import AuditModelTypes
import AuditSpec
import AuditStats

extension BestModelAssignment {
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
