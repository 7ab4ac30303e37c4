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
    public static func edges(for group: GroupStatistics, minCount: Int) -> [Int] {
        let bins = group.calibration.first?.counts.count ?? 0
        let upper = group.calibrationEdges ?? baseEdges(bins)   // base-bin index of each current bin's end
        var edges: [Int] = []
        var running = [Int](repeating: 0, count: group.calibration.count)
        func acceptable(_ counts: [Int]) -> Bool { counts.allSatisfy { $0 == 0 || $0 >= minCount } }
        for k in 0..<bins {
            for r in group.calibration.indices { running[r] += group.calibration[r].counts[k] }
            if acceptable(running) {
                edges.append(upper[k])
                running = running.map { _ in 0 }
            }
        }
        let last = upper.last ?? 0
        if edges.last != last {
            // Rows are left after the last acceptable edge: fold them into the preceding merged
            // bins, as far back as needed for every model's tail count to be 0 or ≥ minCount.
            var tail = running
            while let previous = edges.popLast() {
                let start = edges.last.map { bound in upper.firstIndex(of: bound)! + 1 } ?? 0
                let end = upper.firstIndex(of: previous)!
                for r in group.calibration.indices {
                    for k in start...end { tail[r] += group.calibration[r].counts[k] }
                }
                if acceptable(tail) { break }
            }
            edges.append(last)
        }
        return edges
    }

    /// The group with its calibration bins (observed and bootstrap) merged to `edges`.
    public static func coarsened(_ group: GroupStatistics, to edges: [Int]?) -> GroupStatistics {
        guard let edges else { return group }
        let current = group.calibrationEdges ?? baseEdges(group.calibration.first?.counts.count ?? 0)
        if current == edges { return group }
        // Map each current bin to the target bin that contains its upper edge.
        var target = 0
        let map = current.map { upper -> Int in
            while edges[target] < upper { target += 1 }
            return target
        }
        var out = group
        out.calibration = group.calibration.map { bins in
            var merged = CalibrationBins(bins: edges.count)
            for (k, t) in map.enumerated() {
                merged.counts[t] += bins.counts[k]
                merged.residualSums[t] += bins.residualSums[k]
                merged.positives[t] += bins.positives[k]
            }
            return merged
        }
        if var boot = group.bootstrap {
            let old = boot.bins, new = edges.count
            var residuals = [Double](repeating: 0, count: boot.replicates * boot.models * new)
            for slot in 0..<(boot.replicates * boot.models) {
                for (k, t) in map.enumerated() { residuals[slot * new + t] += boot.calibrationResiduals[slot * old + k] }
            }
            boot.calibrationResiduals = residuals
            boot.bins = new
            out.bootstrap = boot
        }
        out.calibrationEdges = edges
        return out
    }

    /// Merges a group's bins so no bin of any model holds 1 … minCount − 1 rows; returns the
    /// group and whether anything was merged.
    public static func enforceMinimum(_ group: GroupStatistics, minCount: Int) -> (GroupStatistics, Bool) {
        let bins = group.calibration.first?.counts.count ?? 0
        let needed = edges(for: group, minCount: minCount)
        if needed == (group.calibrationEdges ?? baseEdges(bins)) { return (group, false) }
        return (coarsened(group, to: needed), true)
    }
}
