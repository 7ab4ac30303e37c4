/// Each model's scores of a group's rows sorted once, with ties grouped: the basis of the
/// Mann–Whitney AUC with ties counted ½ (decision D1) and its DeLong placements (spec §2.3,
/// the mid-rank form of Sun & Xu 2014 in integers).
///
/// Models whose scores order the rows identically (same order, same ties) share one ranking:
/// with additive group offsets every h(·, g') ranks a group's rows the same way (decision D4),
/// so each distinct ranking is sorted once.
struct RankedScores: Sendable {
    /// Per distinct ranking: row indices in increasing score order.
    var orders: [[Int32]]
    /// Per distinct ranking: `true` where a row starts a new tie group in `orders`.
    var tieStarts: [[Bool]]
    /// Per model: index of its distinct ranking.
    var rankingOfModel: [Int]
    let labels: [UInt8]
    let modelCount: Int

    init(rows: GroupRows) {
        labels = rows.labels
        modelCount = rows.modelCount
        let n = rows.count, models = rows.modelCount
        var orders: [[Int32]] = []
        var tieStarts: [[Bool]] = []
        var denseRanks: [[Int32]] = []
        var rankingOfModel: [Int] = []
        for r in 0..<models {
            var order = (0..<n).map { Int32($0) }
            let p = { (i: Int32) in rows.probabilities[Int(i) * models + r] }
            order.sort { a, b in p(a) < p(b) || (p(a) == p(b) && a < b) }
            var starts = [Bool](repeating: false, count: n)
            var dense = [Int32](repeating: 0, count: n)
            var rank: Int32 = -1
            for (position, i) in order.enumerated() {
                if position == 0 || p(order[position - 1]) != p(i) {
                    starts[position] = true
                    rank += 1
                }
                dense[Int(i)] = rank
            }
            if let existing = denseRanks.firstIndex(of: dense) {
                rankingOfModel.append(existing)
            } else {
                rankingOfModel.append(orders.count)
                orders.append(order)
                tieStarts.append(starts)
                denseRanks.append(dense)
            }
        }
        self.orders = orders
        self.tieStarts = tieStarts
        self.rankingOfModel = rankingOfModel
    }

    /// Integer placements of every row under a distinct ranking: 2·#{other class strictly
    /// below (positives) / above (negatives)} + #{other class tied}.
    func placements(ranking u: Int) -> [Int64] {
        let order = orders[u], starts = tieStarts[u]
        let n = order.count
        var out = [Int64](repeating: 0, count: n)
        let totalPositives = Int64(labels.reduce(0) { $0 + Int($1) })
        var negativesBelow: Int64 = 0, positivesBelow: Int64 = 0
        var start = 0
        while start < n {
            var end = start + 1
            while end < n && !starts[end] { end += 1 }
            var tiedPositives: Int64 = 0, tiedNegatives: Int64 = 0
            for k in start..<end {
                if labels[Int(order[k])] == 1 { tiedPositives += 1 } else { tiedNegatives += 1 }
            }
            let positivesAbove = totalPositives - positivesBelow - tiedPositives
            for k in start..<end {
                let i = Int(order[k])
                out[i] = labels[i] == 1 ? 2 * negativesBelow + tiedNegatives
                                        : 2 * positivesAbove + tiedPositives
            }
            negativesBelow += tiedNegatives
            positivesBelow += tiedPositives
            start = end
        }
        return out
    }

    /// The site's AUC stratum for a group whose own model is `target`.
    func stratum(target: Int) -> AUCStratum {
        let distinct = (0..<orders.count).map { placements(ranking: $0) }
        let positives = labels.reduce(0) { $0 + Int($1) }
        let negatives = labels.count - positives
        var sums = [Int64](repeating: 0, count: modelCount)
        var differences: [PlacementDifferenceMoments] = []
        let targetPlacements = distinct[rankingOfModel[target]]
        for r in 0..<modelCount {
            let a = distinct[rankingOfModel[r]]
            var moments = PlacementDifferenceMoments(positiveSum: 0, positiveSquares: 0,
                                                     negativeSum: 0, negativeSquares: 0)
            for i in labels.indices {
                let d = targetPlacements[i] - a[i]
                if labels[i] == 1 {
                    sums[r] += a[i]
                    moments.positiveSum += d
                    moments.positiveSquares += d * d
                } else {
                    moments.negativeSum += d
                    moments.negativeSquares += d * d
                }
            }
            differences.append(moments)
        }
        return AUCStratum(positives: positives, negatives: negatives, placementSums: sums,
                          differences: differences)
    }
}
