/// Merging of calibration bins, for disclosure control at a site and for pooling sites whose bins
/// were merged differently (ARCHITECTURE.md §8). Merged bins stay contiguous, so any set of site
/// partitions has a finest common coarsening: keep a boundary only where every site has it.
public enum CalibrationCoarsening {
    /// Upper edges (last base bin of each merged bin) of the base partition.
    public static func baseEdges(_ bins: Int) -> [Int] { Array(0..<bins) }

    /// The finest partition coarser than every given one (nil entries are base partitions);
    /// nil when every partition is the base one.
    public static func commonEdges(_ partitions: [[Int]?], baseBins: Int) -> [Int]? {
        guard partitions.contains(where: { $0 != nil }) else { return nil }
        var common = Set(baseEdges(baseBins))
        for edges in partitions { common.formIntersection(edges ?? baseEdges(baseBins)) }
        common.insert(baseBins - 1)
        return common.sorted()
    }

    /// The edges of the coarsest-needed partition in which every model's merged bins hold either 0
    /// or at least `minCount` rows: bins are merged left to right until the running count of every
    /// model reaches `minCount` (or stays 0); a short last bin joins its left neighbour.
    public static func edges(for stratum: CalibrationStratum, minCount: Int) -> [Int] {
        let bins = stratum.binCount
        let upper = stratum.edges ?? baseEdges(bins)   // base-bin index of each current bin's end
        let models = stratum.bins.indices
        func acceptable(_ counts: [Int]) -> Bool { counts.allSatisfy { $0 == 0 || $0 >= minCount } }
        // Current-bin index ranges of the merged bins, built left to right.
        var groups: [ClosedRange<Int>] = []
        var start = 0
        var running = [Int](repeating: 0, count: stratum.bins.count)
        for k in 0..<bins {
            for r in models { running[r] += stratum.bins[r].counts[k] }
            if acceptable(running) {
                groups.append(start...k)
                start = k + 1
                running = running.map { _ in 0 }
            }
        }
        if start < bins {
            // Rows are left after the last acceptable bin: fold them into the preceding merged
            // bins, as far back as needed for every model's tail count to be 0 or ≥ minCount.
            var tail = running
            var tailStart = start
            while let previous = groups.popLast() {
                tailStart = previous.lowerBound
                for r in models { for k in previous { tail[r] += stratum.bins[r].counts[k] } }
                if acceptable(tail) { break }
            }
            groups.append(tailStart...(bins - 1))
        }
        return groups.map { upper[$0.upperBound] }
    }

    /// The stratum with its bins (and cross cells) merged to `edges`.
    public static func coarsened(_ stratum: CalibrationStratum, to edges: [Int]?) -> CalibrationStratum {
        guard let edges else { return stratum }
        let current = stratum.edges ?? baseEdges(stratum.binCount)
        if current == edges { return stratum }
        // Map each current bin to the target bin that contains its upper edge.
        var target = 0
        let map = current.map { upper -> Int in
            while edges[target] < upper { target += 1 }
            return target
        }
        let old = current.count, new = edges.count
        let bins = stratum.bins.map { bins in
            var merged = CalibrationBins(bins: new)
            for (k, t) in map.enumerated() {
                merged.counts[t] += bins.counts[k]
                merged.residualSums[t] += bins.residualSums[k]
                merged.residualSquares[t] += bins.residualSquares[k]
            }
            return merged
        }
        let cross = stratum.cross.map { moments -> CalibrationCrossMoments in
            var sums: [Int: Double] = [:]
            var rows: [Int: Int] = [:]
            for (i, (cell, sum)) in zip(moments.cells, moments.sums).enumerated() {
                let merged = map[cell / old] * new + map[cell % old]
                sums[merged, default: 0] += sum
                if moments.hasCounts { rows[merged, default: 0] += moments.counts[i] }
            }
            let cells = sums.keys.sorted()
            // Joint row counts (transient, known only at the site) add up like the sums.
            return CalibrationCrossMoments(cells: cells, sums: cells.map { sums[$0] ?? 0 },
                                           counts: moments.hasCounts ? cells.map { rows[$0] ?? 0 } : [])
        }
        return CalibrationStratum(count: stratum.count, edges: edges, bins: bins, cross: cross)
    }

    /// Merges a group's calibration bins so no bin of any model holds 1 … minCount − 1 rows at
    /// this site; returns the group and whether anything was merged. The group must hold one
    /// site's statistics (one stratum).
    public static func enforceMinimum(_ group: GroupStatistics, minCount: Int) -> (GroupStatistics, Bool) {
        var out = group
        var changed = false
        out.calibration = group.calibration.map { stratum in
            let needed = edges(for: stratum, minCount: minCount)
            if needed == (stratum.edges ?? baseEdges(stratum.binCount)) { return stratum }
            changed = true
            return coarsened(stratum, to: needed)
        }
        return (out, changed)
    }
}
