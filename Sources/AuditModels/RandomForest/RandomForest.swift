import AuditSpec
import AuditStats
import Foundation

/// A random forest classifier (Breiman 2001, "Random forests", Machine Learning 45:5–32) with the
/// settings of scikit-learn's `RandomForestClassifier`: each tree is a CART tree (``TreeGrower``)
/// grown on a bootstrap sample of the training rows, and P(y = 1 | x) is the mean over trees of
/// the leaf's weighted share of positives.
///
/// Determinism: tree t is grown from seed `s_t`, the t-th output of SplitMix64 started at the
/// forest's seed, and trees are stored by index; prediction sums the trees in index order. Results
/// are therefore bit-identical for a seed whatever the number of threads or their scheduling.
public struct RandomForest: Sendable, Codable, Equatable {
    /// The settings the forest was grown with.
    public var settings: ForestSpec
    /// The seed the tree seeds were derived from.
    public var seed: UInt64
    /// Design columns the forest reads.
    public var featureCount: Int
    /// Features tried per split (the resolved `max_features`).
    public var featuresPerSplit: Int
    /// Training rows (distinct rows with positive weight).
    public var trainingRows: Int
    /// The trees, in seed order.
    public var trees: [DecisionTree]

    /// Worker threads that grow trees and predict rows (the audit host's CPU budget).
    public static let workers = max(1, min(2, ProcessInfo.processInfo.activeProcessorCount))

    /// Grows the forest on 0/1 `labels`, with optional non-negative sample `weights`.
    /// Throws when shapes disagree, a value is not finite, or no row has positive weight.
    public static func fit(_ design: DesignMatrix, labels: [UInt8], weights: [Double]? = nil,
                           settings: ForestSpec, seed: UInt64) throws(ModelError) -> RandomForest {
        let n = design.rowCount, d = design.columnCount
        try ModelInput.check(design, labels: labels, weights: weights)
        let data = ForestData(design: design, labels: labels, weights: weights)
        var state = seed
        let seeds = (0..<settings.trees).map { _ in SplitMix64.next(&state) }
        var trees = [DecisionTree?](repeating: nil, count: settings.trees)
        let workerCount = min(workers, settings.trees)
        trees.withUnsafeMutableBufferPointer { slots in
            let out = LogisticRegression.Shared(value: slots.baseAddress!)
            let shared = LogisticRegression.Shared(value: data)
            let forestSettings = settings
            let run: @Sendable (Int) -> Void = { worker in
                let grower = TreeGrower(data: shared.value, settings: forestSettings)
                for t in stride(from: worker, to: seeds.count, by: workerCount) {
                    (out.value + t).pointee = grower.grow(seed: seeds[t])
                }
            }
            if workerCount == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: workerCount, execute: run) }
        }
        let used = weights.map { w in w.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } } ?? n
        return RandomForest(settings: settings, seed: seed, featureCount: d,
                            featuresPerSplit: settings.maxFeatures.count(features: d), trainingRows: used,
                            trees: trees.map { $0! })
    }

    /// P(y = 1 | x) for every row: the mean of the trees' leaf values, summed in tree order.
    public func probabilities(_ design: DesignMatrix) -> [Double] {
        let n = design.rowCount, d = design.columnCount
        precondition(d == featureCount, "RandomForest: design has \(d) columns, expected \(featureCount)")
        guard n > 0 else { return [] }
        let chunk = 512, chunks = (n + chunk - 1) / chunk
        let forest = trees, count = Double(trees.count)
        return [Double](unsafeUninitializedCapacity: n) { out, initialized in
            design.values.withUnsafeBufferPointer { x in
                // A dummy address keeps the row pointers valid when d == 0.
                withUnsafeTemporaryAllocation(of: Double.self, capacity: 1) { dummy in
                    let xP = LogisticRegression.Shared(value: x.baseAddress ?? UnsafePointer(dummy.baseAddress!))
                    let outP = LogisticRegression.Shared(value: out.baseAddress!)
                    let body: @Sendable (Int) -> Void = { c in
                        let rows = (c * chunk)..<min(n, (c + 1) * chunk)
                        let sums = outP.value + rows.lowerBound
                        sums.initialize(repeating: 0, count: rows.count)
                        // Trees in index order for every row: the same sum whatever the chunking.
                        for tree in forest { tree.accumulate(xP.value, columns: d, rows: rows, into: sums) }
                        for k in 0..<rows.count { sums[k] /= count }
                    }
                    if chunks == 1 || Self.workers == 1 {
                        for c in 0..<chunks { body(c) }
                    } else {
                        DispatchQueue.concurrentPerform(iterations: chunks, execute: body)
                    }
                }
            }
            initialized = n
        }
    }
}

/// Checks shared by the random forest and the neural network.
enum ModelInput {
    /// Shapes, 0/1 labels, finite values, non-negative finite weights with a positive sum.
    static func check(_ design: DesignMatrix, labels: [UInt8], weights: [Double]?) throws(ModelError) {
        let n = design.rowCount
        guard n > 0 else { throw ModelError(code: .noRows, message: "the design has no rows") }
        guard labels.count == n else { throw ModelError(code: .shapeMismatch, message: "\(labels.count) labels for \(n) rows") }
        if let k = labels.firstIndex(where: { $0 > 1 }) {
            throw ModelError(code: .invalidValue, message: "row \(k) has a label other than 0 or 1")
        }
        if let (row, column) = LogisticRegression.firstNonFinite(design) {
            throw ModelError(code: .nonFinite, message: "row \(row), column \(column) of the design is not finite")
        }
        if let weights {
            guard weights.count == n else { throw ModelError(code: .shapeMismatch, message: "\(weights.count) weights for \(n) rows") }
            if let k = weights.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
                throw ModelError(code: .invalidValue, message: "row \(k) has a negative or non-finite weight")
            }
            guard weights.contains(where: { $0 > 0 }) else { throw ModelError(code: .noRows, message: "every row has weight zero") }
        }
    }
}
