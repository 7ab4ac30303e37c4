/// Draws the paired, (site, group, label)-stratified bootstrap of one group at one site and
/// reduces every replicate to sufficient statistics (spec §2.1, §2.5; Davison & Hinkley 1997
/// ch. 3): within each class the rows are resampled with replacement, keeping the class sizes,
/// from the stratum's keyed stream (`StratumStream`). Replicate b uses the draws after those of
/// b − 1, class 0 before class 1; one resample serves every model, so comparisons stay paired.
/// Models are never refitted: replicates reweight the held-out predictions.
struct BootstrapSampler {
    let rows: GroupRows
    let ranking: RankedScores
    let settings: ExtractionSettings
    let key: String

    init(rows: GroupRows, ranking: RankedScores, settings: ExtractionSettings, key: String) {
        self.rows = rows
        self.ranking = ranking
        self.settings = settings
        self.key = key
    }

    func replicates() -> BootstrapReplicates {
        let n = rows.count, models = rows.modelCount, bins = settings.eceBins
        let replicateCount = settings.bootstrapReplicates
        // Row-major per-row facts, computed once.
        var wrongFlags = [Int32](repeating: 0, count: n * models)
        var residuals = [Double](repeating: 0, count: n * models)
        var binIndex = [Int32](repeating: 0, count: n * models)
        for i in 0..<n {
            let y = rows.labels[i]
            for r in 0..<models {
                let p = rows.probabilities[i * models + r]
                wrongFlags[i * models + r] = (p >= settings.threshold) != (y == 1) ? 1 : 0
                residuals[i * models + r] = p - Double(y)
                binIndex[i * models + r] = Int32(r * bins + CalibrationBins.bin(of: p, bins: bins))
            }
        }
        let classRows: [[Int32]] = [0, 1].map { c in
            (0..<n).filter { Int(rows.labels[$0]) == c }.map { Int32($0) }
        }
        var streams = [0, 1].map {
            StratumStream(rootSeed: settings.rootSeed, site: settings.site, group: key, label: $0)
        }
        let bothClasses = !classRows[0].isEmpty && !classRows[1].isEmpty
        var out = BootstrapReplicates(
            replicates: replicateCount, models: models, bins: bins,
            wrong: [Int32](repeating: 0, count: replicateCount * models),
            aucNumerators: [Int64](repeating: 0, count: replicateCount * models),
            calibrationResiduals: [Double](repeating: 0, count: replicateCount * models * bins))
        var weights = [Int32](repeating: 0, count: n)
        var draws = [[Int32]](repeating: [], count: 2)
        var wrongCounts = [Int32](repeating: 0, count: models)
        var binSums = [Double](repeating: 0, count: models * bins)
        var rankingNumerators = [Int64](repeating: 0, count: ranking.orders.count)
        for b in 0..<replicateCount {
            for i in weights.indices { weights[i] = 0 }
            for c in 0..<2 where !classRows[c].isEmpty {
                let count = classRows[c].count
                if draws[c].count != count { draws[c] = [Int32](repeating: 0, count: count) }
                streams[c].draw(into: &draws[c], count: count)
                for d in draws[c] { weights[Int(classRows[c][Int(d)])] += 1 }
            }
            for r in 0..<models { wrongCounts[r] = 0 }
            for k in binSums.indices { binSums[k] = 0 }
            wrongFlags.withUnsafeBufferPointer { wrongFlags in
            residuals.withUnsafeBufferPointer { residuals in
            binIndex.withUnsafeBufferPointer { binIndex in
            binSums.withUnsafeMutableBufferPointer { binSums in
                for i in 0..<n {
                    let w = weights[i]
                    if w == 0 { continue }
                    let dw = Double(w)
                    let base = i * models
                    for r in 0..<models {
                        wrongCounts[r] &+= w &* wrongFlags[base + r]
                        binSums[Int(binIndex[base + r])] += dw * residuals[base + r]
                    }
                }
            }}}}
            if bothClasses {
                for u in ranking.orders.indices {
                    rankingNumerators[u] = weightedPlacementSum(ranking: u, weights: weights)
                }
            }
            let base = b * models
            for r in 0..<models {
                out.wrong[base + r] = wrongCounts[r]
                if bothClasses { out.aucNumerators[base + r] = rankingNumerators[ranking.rankingOfModel[r]] }
            }
            let eceBase = b * models * bins
            for k in 0..<(models * bins) { out.calibrationResiduals[eceBase + k] = binSums[k] }
        }
        return out
    }

    /// Σ over resampled positives of their placement among the resampled negatives,
    /// 2·(weight of negatives below) + (weight of negatives tied), each positive counted with its weight.
    private func weightedPlacementSum(ranking u: Int, weights: [Int32]) -> Int64 {
        let order = ranking.orders[u], starts = ranking.tieStarts[u], labels = ranking.labels
        var total: Int64 = 0
        var negativesBelow: Int64 = 0
        let n = order.count
        var start = 0
        while start < n {
            var end = start + 1
            while end < n && !starts[end] { end += 1 }
            var tiedPositives: Int64 = 0, tiedNegatives: Int64 = 0
            for k in start..<end {
                let i = Int(order[k])
                if labels[i] == 1 { tiedPositives += Int64(weights[i]) } else { tiedNegatives += Int64(weights[i]) }
            }
            total += tiedPositives * (2 * negativesBelow + tiedNegatives)
            negativesBelow += tiedNegatives
            start = end
        }
        return total
    }
}
