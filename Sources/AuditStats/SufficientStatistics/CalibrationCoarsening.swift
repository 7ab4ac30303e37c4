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

    /// The edges of the coarsest-needed partition of one model's bins in which every merged bin
    /// holds either 0 or at least `minCount` rows: bins are merged left to right until the running
    /// count reaches `minCount` (or stays 0); a short last bin joins its left neighbours as far back
    /// as needed. `upper` gives the base-bin index of each current bin's end.
    public static func edges(counts: [Int], upper: [Int], minCount: Int) -> [Int] {
        func acceptable(_ count: Int) -> Bool { count == 0 || count >= minCount }
        var groups: [ClosedRange<Int>] = []
        var start = 0, running = 0
        for k in counts.indices {
            running += counts[k]
            if acceptable(running) {
                groups.append(start...k)
                start = k + 1
                running = 0
            }
        }
        if start < counts.count {
            var tail = running, tailStart = start
            while let previous = groups.popLast() {
                tailStart = previous.lowerBound
                for k in previous { tail += counts[k] }
                if acceptable(tail) { break }
            }
            groups.append(tailStart...(counts.count - 1))
        }
        return groups.map { upper[$0.upperBound] }
    }

    /// The stratum with each model's bins (and the cross cells) merged to `edges` (per model);
    /// `target` is the index of the group's own model, whose bins index the cross cells' columns.
    public static func coarsened(_ stratum: CalibrationStratum, to edges: [[Int]]?, target: Int) -> CalibrationStratum {
        guard let edges else { return stratum }
        let models = stratum.bins.indices
        let current = models.map { stratum.edges(model: $0) }
        if current == edges { return stratum }
        // Per model, map each current bin to the target bin that contains its upper edge.
        let maps = models.map { r -> [Int] in
            var target = 0
            return current[r].map { upper -> Int in
                while edges[r][target] < upper { target += 1 }
                return target
            }
        }
        let bins = models.map { r -> CalibrationBins in
            var merged = CalibrationBins(bins: edges[r].count)
            for (k, t) in maps[r].enumerated() {
                merged.counts[t] += stratum.bins[r].counts[k]
                merged.residualSums[t] += stratum.bins[r].residualSums[k]
                merged.residualSquares[t] += stratum.bins[r].residualSquares[k]
            }
            return merged
        }
        let oldTarget = current[target].count, newTarget = edges[target].count
        let cross = models.map { r -> CalibrationCrossMoments in
            let moments = stratum.cross[r]
            guard !moments.cells.isEmpty else { return moments }
            var sums: [Int: Double] = [:]
            var rows: [Int: Int] = [:]
            for (i, (cell, sum)) in zip(moments.cells, moments.sums).enumerated() {
                let merged = maps[r][cell / oldTarget] * newTarget + maps[target][cell % oldTarget]
                sums[merged, default: 0] += sum
                if moments.hasCounts { rows[merged, default: 0] += moments.counts[i] }
            }
            let cells = sums.keys.sorted()
            // Joint row counts (transient, known only at the site) add up like the sums.
            return CalibrationCrossMoments(cells: cells, sums: cells.map { sums[$0] ?? 0 },
                                           counts: moments.hasCounts ? cells.map { rows[$0] ?? 0 } : [])
        }
        let unchanged = models.allSatisfy { edges[$0] == baseEdges(stratum.baseBins) }
        return CalibrationStratum(count: stratum.count, edges: unchanged ? nil : edges, bins: bins, cross: cross)
    }

    /// Merges a group's calibration bins, model by model, so no bin holds 1 … minCount − 1 rows at
    /// this site; returns the group and whether anything was merged. The group must hold one
    /// site's statistics (one stratum).
    public static func enforceMinimum(_ group: GroupStatistics, minCount: Int) -> (GroupStatistics, Bool) {
        var out = group
        var changed = false
        out.calibration = group.calibration.map { stratum in
            let needed = stratum.bins.indices.map { r in
                edges(counts: stratum.bins[r].counts, upper: stratum.edges(model: r), minCount: minCount)
            }
            if needed == stratum.bins.indices.map({ stratum.edges(model: $0) }) { return stratum }
            changed = true
            return coarsened(stratum, to: needed, target: group.target)
        }
        return (out, changed)
    }
}
