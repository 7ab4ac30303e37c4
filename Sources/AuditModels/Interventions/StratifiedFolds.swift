import AuditStats

/// A seeded k-fold partition of rows stratified by (intersectional group, label), for
/// cross-validation on the training rows (ICML 2023 §3.1, model selection by mean K-CV error).
///
/// Each stratum's rows are shuffled by Fisher–Yates with its own keyed stream (`StratumStream` with
/// site "folds", the group key and the label) and dealt to folds 0, 1, …, k − 1 in turn, so every
/// fold keeps each group's class balance to within one row.
public struct StratifiedFolds: Sendable, Equatable {
    /// Fold of each row (0..<k), in the order of the rows given.
    public var fold: [Int]
    /// Number of folds k.
    public var count: Int

    /// Partitions rows with the given keys and labels into `folds` folds.
    public init(keys: [String], labels: [UInt8], folds: Int, seed: UInt64) {
        precondition(folds >= 2 && keys.count == labels.count, "at least two folds, one key per label")
        var strata: [String: [Int]] = [:]
        for i in keys.indices { strata[keys[i] + "|" + String(labels[i]), default: []].append(i) }
        var fold = [Int](repeating: 0, count: keys.count)
        for stratum in strata.keys.sorted() {
            var rows = strata[stratum]!
            let parts = stratum.split(separator: "|", omittingEmptySubsequences: false)
            var stream = StratumStream(rootSeed: seed, site: "folds", group: String(parts[0]), label: Int(parts[1]) ?? 0)
            var draw = [Int32](repeating: 0, count: 1)
            for i in stride(from: rows.count - 1, to: 0, by: -1) {
                stream.draw(into: &draw, count: i + 1)
                rows.swapAt(i, Int(draw[0]))
            }
            for (position, row) in rows.enumerated() { fold[row] = position % folds }
        }
        self.fold = fold
        self.count = folds
    }
}
