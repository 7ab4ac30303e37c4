import AuditModelTypes
import AuditSpec
import AuditStats

/// The counts `fairuse plan` needs from one data file: rows and positives per intersectional group,
/// and how many of them the spec's split sends to the test part, exactly (the split rounds each
/// group × label stratum on its own, ``StratifiedSplit/testCount(stratumSize:testFraction:)``).
/// No model is fitted and no feature value is used beyond the design width.
public enum GroupCensus {
    /// Per-group counts of a dataset under `spec` (every row is a test row for a fixed model).
    public static func counts(_ dataset: AuditDataset, spec: AuditSpec) -> [TestabilityPlan.GroupCount] {
        var rows: [String: Int] = [:], positives: [String: Int] = [:]
        for (key, label) in zip(dataset.rowKeys, dataset.labels) {
            rows[key, default: 0] += 1
            positives[key, default: 0] += Int(label)
        }
        let fixed = spec.model.fixed != nil
        return rows.keys.sorted().map { key in
            let n = rows[key]!, p = positives[key]!
            let testPositives = fixed ? p : StratifiedSplit.testCount(stratumSize: p, testFraction: spec.split.testFraction)
            let testNegatives = fixed ? n - p : StratifiedSplit.testCount(stratumSize: n - p, testFraction: spec.split.testFraction)
            return .init(key: key, rows: n, positives: p, testRows: testPositives + testNegatives, testPositives: testPositives)
        }
    }

    /// The VC dimension of the personalized (intersectional one-hot) logistic model: p design
    /// columns + m group indicators, the intercept absorbed by one indicator (p + 1 + m − 1).
    /// Linear classifiers in ℝᵈ with an intercept have VC dimension d + 1.
    public static func vcDimension(_ dataset: AuditDataset, groups m: Int) -> Int {
        Preprocessor(dataset: dataset, trainingRows: Array(0..<dataset.count)).designColumns.count + m
    }
}
