/// Draws the paired, (site, group, label)-stratified bootstrap of one group at one site and
/// reduces every replicate to sufficient statistics (spec §2.1, §2.5; Davison & Hinkley 1997
/// ch. 3): within each class the rows are resampled with replacement, keeping the class sizes,
/// from the stratum's keyed stream (`StratumStream`). Replicate b uses the draws after those of
/// b − 1; one resample serves every model, so comparisons stay paired. Models are never refitted:
/// a replicate reweights the held-out predictions by how often each row was drawn.
///
/// The draws are made sequentially (they define the result); the replicates are then reduced in
/// parallel chunks, each writing only its own slice of the output, so the result is independent
/// of scheduling.
struct BootstrapSampler {
    let rows: GroupRows
    let ranking: RankedScores
    let settings: ExtractionSettings
    let key: String
    let cache: ResampleCache?

    init(rows: GroupRows, ranking: RankedScores, settings: ExtractionSettings, key: String, cache: ResampleCache?) {
        self.rows = rows
        self.ranking = ranking
        self.settings = settings
        self.key = key
        self.cache = cache
    }

    /// Replicate weights, replicate-major: entry [b·n + i] is how often row i is in replicate b.
    func drawWeights() -> [Int32] {
        let n = rows.count, replicateCount = settings.bootstrapReplicates
        var weights = [Int32](repeating: 0, count: replicateCount * n)
        for c in 0..<2 {
            let classRows = (0..<n).filter { Int(rows.labels[$0]) == c }
            guard !classRows.isEmpty else { continue }
            var stream = StratumStream(rootSeed: settings.rootSeed, site: settings.site, group: key, label: c)
            var draws = [Int32](repeating: 0, count: classRows.count)
            weights.withUnsafeMutableBufferPointer { w in
                for b in 0..<replicateCount {
                    stream.draw(into: &draws, count: classRows.count)
                    let base = b * n
                    for d in draws { w[base + classRows[Int(d)]] += 1 }
                }
            }
        }
        return weights
    }

    func replicates() -> BootstrapReplicates {
        let n = rows.count, models = rows.modelCount, bins = settings.eceBins
        let replicateCount = settings.bootstrapReplicates
        let layout = ModelLayout(rows: rows, bins: bins, threshold: settings.threshold)
        let positives = rows.labels.reduce(0) { $0 + Int($1) }
        let bothClasses = positives > 0 && positives < n
        let sweeps = ranking.orders.indices.map { PlacementSweep(ranking: ranking, u: $0) }
        let cacheKey = ResampleCache.Key(site: settings.site, group: key, labels: rows.labels,
                                         replicates: replicateCount, rootSeed: settings.rootSeed)
        let weights = cache?.weights(cacheKey, make: drawWeights) ?? drawWeights()
        let out = ReplicateBuffers(replicates: replicateCount, models: models, bins: bins)
        let chunkCount = min(replicateCount, 16)
        let modelRanking = ranking.rankingOfModel
        ParallelFor.run(count: chunkCount) { chunk in
            let start = chunk * replicateCount / chunkCount, end = (chunk + 1) * replicateCount / chunkCount
            var binSums = [Double](repeating: 0, count: models * bins)
            var wrongCounts = [Int32](repeating: 0, count: models)
            var rankingSums = [Int64](repeating: 0, count: sweeps.count)
            weights.withUnsafeBufferPointer { allWeights in
            binSums.withUnsafeMutableBufferPointer { binSums in
            wrongCounts.withUnsafeMutableBufferPointer { wrongCounts in
                for b in start..<end {
                    let w = UnsafeBufferPointer(rebasing: allWeights[(b * n)..<((b + 1) * n)])
                    layout.reduce(weights: w, wrong: wrongCounts, calibration: binSums)
                    if bothClasses {
                        for u in sweeps.indices { rankingSums[u] = sweeps[u].weightedSum(w) }
                    }
                    out.store(replicate: b, wrong: wrongCounts, auc: bothClasses ? rankingSums : nil,
                              modelRanking: modelRanking, calibration: binSums)
                }
            }}}
        }
        return out.result()
    }
}

/// Per model, the group's rows grouped by calibration bin (a CSR layout) and the rows it gets
/// wrong, so a replicate's sums are gathers of the replicate weights into a few accumulators
/// instead of scattered additions.
struct ModelLayout: Sendable {
    let models: Int, bins: Int
    /// Per model and bin (index r·bins + k): start offset into `binnedRows` / `binnedResiduals`; one extra end entry.
    let binStarts: [Int32]
    /// Rows in (model, bin) order.
    let binnedRows: [Int32]
    /// p − y of those rows under that model.
    let binnedResiduals: [Double]
    /// Per model (index r): start offset into `wrongRows`; one extra end entry.
    let wrongStarts: [Int32]
    /// Rows each model gets wrong, model by model.
    let wrongRows: [Int32]

    init(rows: GroupRows, bins: Int, threshold: Double) {
        let n = rows.count, models = rows.modelCount
        self.models = models
        self.bins = bins
        var starts = [Int32](repeating: 0, count: models * bins + 1)
        var binnedRows = [Int32](repeating: 0, count: n * models)
        var binnedResiduals = [Double](repeating: 0, count: n * models)
        var wrongStarts = [Int32](repeating: 0, count: models + 1)
        var wrongRows: [Int32] = []
        var binOf = [Int](repeating: 0, count: n)
        for r in 0..<models {
            var counts = [Int](repeating: 0, count: bins)
            for i in 0..<n {
                binOf[i] = CalibrationBins.bin(of: rows.probabilities[i * models + r], bins: bins)
                counts[binOf[i]] += 1
            }
            var offset = r * n
            var next = [Int](repeating: 0, count: bins)
            for k in 0..<bins {
                starts[r * bins + k] = Int32(offset)
                next[k] = offset
                offset += counts[k]
            }
            for i in 0..<n {
                let p = rows.probabilities[i * models + r]
                let slot = next[binOf[i]]
                next[binOf[i]] += 1
                binnedRows[slot] = Int32(i)
                binnedResiduals[slot] = p - Double(rows.labels[i])
                if (p >= threshold) != (rows.labels[i] == 1) { wrongRows.append(Int32(i)) }
            }
            wrongStarts[r + 1] = Int32(wrongRows.count)
        }
        starts[models * bins] = Int32(n * models)
        binStarts = starts
        self.binnedRows = binnedRows
        self.binnedResiduals = binnedResiduals
        self.wrongStarts = wrongStarts
        self.wrongRows = wrongRows
    }

    /// One replicate's wrong counts per model and Σ w·(p − y) per model and bin.
    func reduce(weights w: UnsafeBufferPointer<Int32>, wrong: UnsafeMutableBufferPointer<Int32>,
                calibration: UnsafeMutableBufferPointer<Double>) {
        binStarts.withUnsafeBufferPointer { starts in
        binnedRows.withUnsafeBufferPointer { rows in
        binnedResiduals.withUnsafeBufferPointer { residuals in
            for slot in 0..<(models * bins) {
                var j = Int(starts[slot])
                let end = Int(starts[slot + 1])
                var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                while j + 4 <= end {
                    s0 += Double(w[Int(rows[j])]) * residuals[j]
                    s1 += Double(w[Int(rows[j + 1])]) * residuals[j + 1]
                    s2 += Double(w[Int(rows[j + 2])]) * residuals[j + 2]
                    s3 += Double(w[Int(rows[j + 3])]) * residuals[j + 3]
                    j += 4
                }
                while j < end {
                    s0 += Double(w[Int(rows[j])]) * residuals[j]
                    j += 1
                }
                calibration[slot] = (s0 + s1) + (s2 + s3)
            }
        }}}
        wrongStarts.withUnsafeBufferPointer { starts in
        wrongRows.withUnsafeBufferPointer { rows in
            for r in 0..<models {
                var count: Int32 = 0
                for j in Int(starts[r])..<Int(starts[r + 1]) { count &+= w[Int(rows[j])] }
                wrong[r] = count
            }
        }}
    }
}

/// One distinct ranking of a group's rows flattened for the replicate sweep: rows in score
/// order, their labels, and where each tie group ends.
struct PlacementSweep: Sendable {
    let rowOrder: [Int32]
    let isPositive: [Bool]
    /// End (exclusive) of the tie group each position belongs to; empty when there are no ties.
    let groupEnds: [Int32]

    init(ranking: RankedScores, u: Int) {
        let order = ranking.orders[u], starts = ranking.tieStarts[u]
        rowOrder = order
        isPositive = order.map { ranking.labels[Int($0)] == 1 }
        if starts.allSatisfy({ $0 }) {
            groupEnds = []
        } else {
            var ends = [Int32](repeating: 0, count: order.count)
            var end = order.count
            for k in stride(from: order.count - 1, through: 0, by: -1) {
                ends[k] = Int32(end)
                if starts[k] { end = k }
            }
            groupEnds = ends
        }
    }

    /// Σ over positives of weight × (2·weight of negatives below + weight of negatives tied):
    /// 2·M·N·AUC of the replicate (Mann–Whitney, ties ½).
    func weightedSum(_ w: UnsafeBufferPointer<Int32>) -> Int64 {
        rowOrder.withUnsafeBufferPointer { order in
            isPositive.withUnsafeBufferPointer { positive in
                var total: Int64 = 0, negativesBelow: Int64 = 0
                let n = order.count
                if groupEnds.isEmpty {
                    for k in 0..<n {
                        let weight = Int64(w[Int(order[k])])
                        let isPositive: Int64 = positive[k] ? 1 : 0
                        total &+= (weight & -isPositive) &* negativesBelow
                        negativesBelow &+= weight & (isPositive &- 1)
                    }
                    return 2 &* total
                }
                return groupEnds.withUnsafeBufferPointer { ends in
                    var k = 0
                    while k < n {
                        let end = Int(ends[k])
                        var tiedPositives: Int64 = 0, tiedNegatives: Int64 = 0
                        for j in k..<end {
                            let weight = Int64(w[Int(order[j])])
                            if positive[j] { tiedPositives &+= weight } else { tiedNegatives &+= weight }
                        }
                        total &+= tiedPositives &* (2 &* negativesBelow &+ tiedNegatives)
                        negativesBelow &+= tiedNegatives
                        k = end
                    }
                    return total
                }
            }
        }
    }
}

/// Output arrays of the bootstrap, written by parallel chunks at disjoint replicate indices.
///
/// Invariant that makes `@unchecked Sendable` sound: each replicate index is stored by exactly
/// one chunk, into its own disjoint range of each buffer, and `result()` runs after all chunks
/// have finished (`concurrentPerform` returns only then).
final class ReplicateBuffers: @unchecked Sendable {
    let replicates: Int, models: Int, bins: Int
    private let wrong: UnsafeMutableBufferPointer<Int32>
    private let auc: UnsafeMutableBufferPointer<Int64>
    private let calibration: UnsafeMutableBufferPointer<Double>

    init(replicates: Int, models: Int, bins: Int) {
        self.replicates = replicates
        self.models = models
        self.bins = bins
        wrong = .allocate(capacity: replicates * models)
        wrong.initialize(repeating: 0)
        auc = .allocate(capacity: replicates * models)
        auc.initialize(repeating: 0)
        calibration = .allocate(capacity: replicates * models * bins)
        calibration.initialize(repeating: 0)
    }

    deinit {
        wrong.deallocate()
        auc.deallocate()
        calibration.deallocate()
    }

    func store(replicate b: Int, wrong counts: UnsafeMutableBufferPointer<Int32>, auc rankingSums: [Int64]?,
               modelRanking: [Int], calibration sums: UnsafeMutableBufferPointer<Double>) {
        for r in 0..<models {
            wrong[b * models + r] = counts[r]
            if let rankingSums { auc[b * models + r] = rankingSums[modelRanking[r]] }
        }
        let base = b * models * bins
        for k in 0..<(models * bins) { calibration[base + k] = sums[k] }
    }

    func result() -> BootstrapReplicates {
        BootstrapReplicates(replicates: replicates, models: models, bins: bins, wrong: Array(wrong),
                            aucNumerators: Array(auc), calibrationResiduals: Array(calibration))
    }
}
