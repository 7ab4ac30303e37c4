import AuditSpec
import AuditStats

/// The training rows of a forest, prepared once for all its trees: each feature's values replaced
/// by their rank among the feature's distinct training values ("presorting"), so that a node's
/// candidate splits are found by a histogram over ranks (or a sort of integer keys for small
/// nodes) instead of a floating-point sort per node and feature.
struct ForestData {
    /// Rows and features.
    let rowCount: Int, featureCount: Int
    /// Column-major ranks: feature f of row i is `ranks[f * rowCount + i]`.
    let ranks: [UInt32]
    /// Feature f's sorted distinct values are `binValues[binOffsets[f] ..< binOffsets[f + 1]]`.
    let binOffsets: [Int]
    let binValues: [Double]
    /// Per feature, the rows sorted by (value, row): feature f's order is `sortedRows[f * rowCount ..< (f + 1) * rowCount]`.
    let sortedRows: [Int32]
    /// 0/1 labels and per-row sample weights (1 when none were given).
    let labels: [UInt8]
    let weights: [Double]

    init(design: DesignMatrix, labels: [UInt8], weights: [Double]?) {
        let n = design.rowCount, d = design.columnCount
        rowCount = n
        featureCount = d
        self.labels = labels
        self.weights = weights ?? [Double](repeating: 1, count: n)
        var ranks = [UInt32](repeating: 0, count: n * d)
        var sorted = [Int32](repeating: 0, count: n * d)
        var offsets = [0], values: [Double] = []
        var order = [Int32](repeating: 0, count: n)
        design.values.withUnsafeBufferPointer { x in
            for f in 0..<d {
                for i in 0..<n { order[i] = Int32(i) }
                order.sort { a, b in
                    let u = x[Int(a) * d + f], v = x[Int(b) * d + f]
                    return u < v || (u == v && a < b)
                }
                var rank: UInt32 = 0
                for k in 0..<n {
                    let i = Int(order[k]), v = x[i * d + f]
                    if k == 0 {
                        values.append(v)
                    } else if v != values[values.count - 1] {
                        values.append(v)
                        rank += 1
                    }
                    ranks[f * n + i] = rank
                    sorted[f * n + k] = Int32(i)
                }
                offsets.append(values.count)
            }
        }
        self.ranks = ranks
        sortedRows = sorted
        binOffsets = offsets
        binValues = values
    }
}

/// Grows one CART tree on a bootstrap sample (Breiman 2001, "Random forests", Machine Learning
/// 45:5–32; splitting as scikit-learn's `DecisionTreeClassifier` with `splitter="best"`).
///
/// A node becomes a leaf when it is at `max_depth`, has fewer than `min_samples_split` or
/// 2 · `min_samples_leaf` distinct rows, is pure, or has no split leaving `min_samples_leaf` rows
/// on each side. Otherwise features are drawn without replacement until `max_features` have been
/// tried and at least one was not constant in the node; the split maximizing the decrease of the
/// weighted Gini impurity (through the proxy Σ_children Σ_c w_c² / w) wins, the first one on ties,
/// at the midpoint between adjacent distinct values. Bootstrap multiplicities act as weights
/// (as in scikit-learn), so `min_samples_*` count distinct rows.
///
/// Presorting (the classic CART layout): for every feature the tree keeps its in-bag rows in
/// sorted order, and every node owns the same range [start, end) of each feature's list. A split
/// partitions each list stably, so every node's rows are always sorted by every feature and a
/// feature's thresholds are scanned in one linear pass, with no sort below the root.
/// Scratch buffers are allocated once per worker thread and reused for every tree it grows.
final class TreeGrower {
    private let data: ForestData
    private let settings: ForestSpec
    private let tryFeatures: Int
    private let counts: UnsafeMutablePointer<Int32>
    private let rowWeight: UnsafeMutablePointer<Double>
    private let goesLeft: UnsafeMutablePointer<Bool>
    /// Per feature, the in-bag rows in sorted order: feature f's list starts at `lists + f * inBag`.
    private let lists: UnsafeMutablePointer<Int32>
    private let spill: UnsafeMutablePointer<Int32>
    private let order: UnsafeMutablePointer<Int>

    init(data: ForestData, settings: ForestSpec) {
        self.data = data
        self.settings = settings
        tryFeatures = settings.maxFeatures.count(features: data.featureCount)
        let n = max(1, data.rowCount), d = max(1, data.featureCount)
        counts = .allocate(capacity: n)
        rowWeight = .allocate(capacity: n)
        goesLeft = .allocate(capacity: n)
        lists = .allocate(capacity: n * d)
        spill = .allocate(capacity: n)
        order = .allocate(capacity: d)
    }

    deinit {
        counts.deallocate()
        rowWeight.deallocate()
        goesLeft.deallocate()
        lists.deallocate()
        spill.deallocate()
        order.deallocate()
    }

    /// The best split of a node found so far.
    private struct Split {
        var proxy = -Double.infinity
        var feature = -1
        var leftRank: UInt32 = 0
        var rightRank: UInt32 = 0
        var leftCount = 0
    }

    /// Grows the tree of the given seed (bootstrap draws, then feature draws, from one stream).
    func grow(seed: UInt64) -> DecisionTree {
        var rng = Xoshiro256StarStar(seed: seed)
        let n = data.rowCount, d = data.featureCount
        counts.update(repeating: 0, count: max(1, n))
        for _ in 0..<n { counts[Int(rng.nextBounded(UInt64(n)))] += 1 }
        var inBag = 0
        data.weights.withUnsafeBufferPointer { w in
            for i in 0..<n {
                rowWeight[i] = counts[i] > 0 ? Double(counts[i]) * w[i] : 0
                if rowWeight[i] > 0 { inBag += 1 }
            }
        }
        let bag = inBag
        data.sortedRows.withUnsafeBufferPointer { sorted in
            for f in 0..<d {
                var k = f * bag
                for i in sorted[(f * n)..<((f + 1) * n)] where rowWeight[Int(i)] > 0 {
                    lists[k] = i
                    k += 1
                }
            }
        }
        // Without features, one list of the in-bag rows holds the root's totals.
        if d == 0 {
            var k = 0
            for i in 0..<n where rowWeight[i] > 0 { lists[k] = Int32(i); k += 1 }
        }
        for f in 0..<d { order[f] = f }

        var tree = DecisionTree(feature: [-1], threshold: [0], left: [-1], right: [-1], value: [0], rows: [0], depth: 0)
        var stack: [(start: Int, end: Int, depth: Int, node: Int)] = [(0, bag, 0, 0)]
        data.labels.withUnsafeBufferPointer { y in
            data.ranks.withUnsafeBufferPointer { ranks in
                while let (start, end, depth, node) = stack.popLast() {
                    var w0 = 0.0, w1 = 0.0
                    for k in start..<end {
                        let i = Int(lists[k])
                        if y[i] == 1 { w1 += rowWeight[i] } else { w0 += rowWeight[i] }
                    }
                    let count = end - start
                    tree.value[node] = w0 + w1 > 0 ? w1 / (w0 + w1) : 0
                    tree.rows[node] = Int32(count)
                    tree.depth = max(tree.depth, depth)
                    if depth >= settings.maxDepth || count < settings.minSamplesSplit || count < 2 * settings.minSamplesLeaf
                        || w0 == 0 || w1 == 0 {
                        continue
                    }
                    let split = bestSplit(start: start, end: end, bag: bag, total0: w0, total1: w1, y: y.baseAddress!,
                                          ranks: ranks.baseAddress!, rng: &rng)
                    guard split.feature >= 0 else { continue }
                    partition(start: start, end: end, bag: bag, split: split, ranks: ranks.baseAddress!)
                    let middle = start + split.leftCount
                    let offset = data.binOffsets[split.feature]
                    let a = data.binValues[offset + Int(split.leftRank)], b = data.binValues[offset + Int(split.rightRank)]
                    var threshold = a / 2 + b / 2
                    if threshold == b || threshold.isInfinite { threshold = a }
                    let leftNode = tree.feature.count
                    tree.feature[node] = Int32(split.feature)
                    tree.threshold[node] = threshold
                    tree.left[node] = Int32(leftNode)
                    tree.right[node] = Int32(leftNode + 1)
                    for _ in 0..<2 {
                        tree.feature.append(-1)
                        tree.threshold.append(0)
                        tree.left.append(-1)
                        tree.right.append(-1)
                        tree.value.append(0)
                        tree.rows.append(0)
                    }
                    stack.append((middle, end, depth + 1, leftNode + 1))
                    stack.append((start, middle, depth + 1, leftNode))
                }
            }
        }
        return tree
    }

    /// Splits every feature's list of the node stably: rows with the split feature's rank ≤
    /// `leftRank` first, each side still in sorted order.
    private func partition(start: Int, end: Int, bag: Int, split: Split, ranks: UnsafePointer<UInt32>) {
        let column = ranks + split.feature * data.rowCount
        let own = lists + split.feature * bag
        for k in start..<end { goesLeft[Int(own[k])] = column[Int(own[k])] <= split.leftRank }
        for f in 0..<data.featureCount {
            let list = lists + f * bag
            var left = start, right = 0
            for k in start..<end {
                let i = list[k]
                if goesLeft[Int(i)] {
                    list[left] = i
                    left += 1
                } else {
                    spill[right] = i
                    right += 1
                }
            }
            (list + left).update(from: spill, count: right)
        }
    }

    /// Draws features until `max_features` were tried and one was not constant; returns the best split.
    private func bestSplit(start: Int, end: Int, bag: Int, total0: Double, total1: Double, y: UnsafePointer<UInt8>,
                           ranks: UnsafePointer<UInt32>, rng: inout Xoshiro256StarStar) -> Split {
        let d = data.featureCount
        var best = Split(), tried = 0, varying = 0, drawn = 0
        while drawn < d && (tried < tryFeatures || varying == 0) {
            let pick = drawn + Int(rng.nextBounded(UInt64(d - drawn)))
            let f = order[pick]
            order[pick] = order[drawn]
            order[drawn] = f
            drawn += 1
            tried += 1
            if evaluate(feature: f, start: start, end: end, bag: bag, total0: total0, total1: total1, y: y,
                        ranks: ranks, best: &best) {
                varying += 1
            }
        }
        return best
    }

    /// Scans one feature's thresholds in the node (its rows are in sorted order), updating
    /// `best`; false when the feature is constant there.
    private func evaluate(feature f: Int, start: Int, end: Int, bag: Int, total0: Double, total1: Double,
                          y: UnsafePointer<UInt8>, ranks: UnsafePointer<UInt32>, best: inout Split) -> Bool {
        let column = ranks + f * data.rowCount
        let list = lists + f * bag
        let first = column[Int(list[start])], last = column[Int(list[end - 1])]
        guard first != last else { return false }
        let count = end - start, minLeaf = settings.minSamplesLeaf
        let total = total0 + total1
        var left = 0, left0 = 0.0, left1 = 0.0, previous = first
        for k in start..<end {
            let i = Int(list[k]), r = column[i]
            if r != previous {
                // Candidate: ranks ≤ previous go left, with the totals accumulated so far.
                if left >= minLeaf && count - left >= minLeaf {
                    let wl = left0 + left1, wr = total - wl
                    let r0 = total0 - left0, r1 = total1 - left1
                    let proxy = (left0 * left0 + left1 * left1) / wl + (r0 * r0 + r1 * r1) / wr
                    if proxy > best.proxy {
                        best = Split(proxy: proxy, feature: f, leftRank: previous, rightRank: r, leftCount: left)
                    }
                } else if count - left < minLeaf {
                    break
                }
                previous = r
            }
            left += 1
            if y[i] == 1 { left1 += rowWeight[i] } else { left0 += rowWeight[i] }
        }
        return true
    }
}
