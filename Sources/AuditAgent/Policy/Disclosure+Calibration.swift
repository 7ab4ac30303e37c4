import AuditStats

extension Disclosure {
    /// Step 2: merges calibration bins so every bin of every model holds 0 or ≥ minCell rows.
    ///
    /// A group's bins are merged to one partition for all techniques — the finest common
    /// coarsening of what each technique needs — because h0's bins of a group are the same numbers
    /// in every technique: two different merges of them could be subtracted to recover a bin that
    /// was merged away. The population's partition is, for the same reason, a coarsening of every
    /// group's: each population bin of h0 (and of the own model) is then a sum of released group
    /// bins, so subtracting the other groups from it reveals nothing that is not sent anyway.
    /// `sites` holds one ``SiteStatistics`` per technique, of the same rows.
    static func mergingBins(_ sites: [SiteStatistics], minCell: Int) -> ([SiteStatistics], [Finding]) {
        guard let first = sites.first else { return (sites, []) }
        var out = sites
        var findings: [Finding] = []
        var groupPartitions: [[Int]] = []
        for j in first.groups.indices {
            let strata = sites.compactMap { $0.groups[j]?.calibration.first }
            guard let stratum = strata.first else { continue }
            let base = baseBins(of: stratum)
            let edges = sharedEdges(strata, with: [], baseBins: base, minCell: minCell)
            groupPartitions.append(edges)
            guard edges != CalibrationCoarsening.baseEdges(base) else { continue }
            for t in out.indices {
                guard var group = out[t].groups[j] else { continue }
                group.calibration = group.calibration.map { CalibrationCoarsening.coarsened($0, to: edges) }
                out[t].groups[j] = group
            }
            findings.append(Finding(group: first.keys[j], scope: "ece_bins",
                                    reason: "calibration bins below min_cell (\(minCell)) were merged with a neighbour"))
        }
        let strata = sites.compactMap { $0.population.calibration.first }
        if let stratum = strata.first {
            let base = baseBins(of: stratum)
            let edges = sharedEdges(strata, with: groupPartitions, baseBins: base, minCell: minCell)
            if edges != CalibrationCoarsening.baseEdges(base) {
                for t in out.indices {
                    out[t].population.calibration = out[t].population.calibration.map { CalibrationCoarsening.coarsened($0, to: edges) }
                }
                findings.append(Finding(group: nil, scope: "ece_bins",
                                        reason: "population calibration bins were merged to cover every group's merged bins "
                                            + "(min_cell \(minCell)), so no group bin can be recovered by subtraction"))
            }
        }
        return (out, findings)
    }

    /// Step 3: drops the Σ r_c r_t of every joint cell (comparator bin × own-model bin) holding
    /// 1 … minCell − 1 rows, after the bins were merged. Both bins of such a cell may meet
    /// min_cell while their intersection does not. A population cell is dropped too when it holds
    /// rows of a group's dropped cell: otherwise the population sum minus the groups' sent sums
    /// would reveal the dropped sum. Cells whose row counts are unknown are dropped (fail closed).
    ///
    /// Dropping a cell drops a (mostly positive) cross-covariance term of the two models' bin sums;
    /// the calibration test's variance of the gain is then a little larger, so the test is slightly
    /// conservative, and the coordinator projects the covariance to the nearest PSD matrix.
    static func droppingSmallJointCells(_ sites: [SiteStatistics], minCell: Int) -> ([SiteStatistics], [Finding]) {
        guard let first = sites.first else { return (sites, []) }
        var out = sites
        var groupsWithDrops = Set<Int>()
        var populationDrops = false
        for t in out.indices {
            let population = out[t].population.calibration.first
            var contaminated = Set<Int>()
            for j in out[t].groups.indices {
                guard var stratum = out[t].groups[j]?.calibration.first else { continue }
                for r in stratum.cross.indices {
                    let (kept, dropped) = split(stratum.cross[r], minCell: minCell, excluding: [])
                    if !dropped.isEmpty { groupsWithDrops.insert(j) }
                    // h0 against the own model is the population's comparison as well.
                    if r == 0, let population {
                        for cell in dropped { contaminated.insert(populationCell(cell, of: stratum, in: population)) }
                    }
                    stratum.cross[r] = kept
                }
                out[t].groups[j]?.calibration[0] = stratum
            }
            guard var stratum = population else { continue }
            for r in stratum.cross.indices {
                let (kept, dropped) = split(stratum.cross[r], minCell: minCell, excluding: r == 0 ? contaminated : [])
                if !dropped.isEmpty { populationDrops = true }
                stratum.cross[r] = kept
            }
            out[t].population.calibration[0] = stratum
        }
        var findings = groupsWithDrops.sorted().map {
            Finding(group: first.keys[$0], scope: "ece_cross",
                    reason: "joint calibration cells (comparator bin × own-model bin) below min_cell (\(minCell)) were not sent; "
                        + "the calibration test is slightly conservative")
        }
        if populationDrops {
            findings.append(Finding(group: nil, scope: "ece_cross",
                                    reason: "population joint calibration cells below min_cell (\(minCell)), or holding rows of "
                                        + "a group's cells that were not sent, were not sent"))
        }
        return (out, findings)
    }

    /// The cells of `moments` that may leave (rows known and ≥ minCell, not in `excluding`) and the
    /// indices of the others.
    static func split(_ moments: CalibrationCrossMoments, minCell: Int,
                      excluding: Set<Int>) -> (kept: CalibrationCrossMoments, dropped: [Int]) {
        var kept = CalibrationCrossMoments()
        var dropped: [Int] = []
        for (i, cell) in moments.cells.enumerated() {
            guard moments.hasCounts, moments.counts[i] >= minCell, !excluding.contains(cell) else {
                dropped.append(cell)
                continue
            }
            kept.cells.append(cell)
            kept.sums.append(moments.sums[i])
            kept.counts.append(moments.counts[i])
        }
        return (kept, dropped)
    }

    /// The population joint cell holding a group's joint cell; the population's partition is a
    /// coarsening of the group's, so each group bin lies inside one population bin.
    static func populationCell(_ cell: Int, of group: CalibrationStratum, in population: CalibrationStratum) -> Int {
        let k = group.binCount, K = population.binCount
        let upper = group.edges ?? CalibrationCoarsening.baseEdges(k)
        let populationUpper = population.edges ?? CalibrationCoarsening.baseEdges(K)
        func bin(_ a: Int) -> Int { populationUpper.firstIndex { $0 >= upper[a] } ?? K - 1 }
        return bin(cell / k) * K + bin(cell % k)
    }

    /// Base bins of a stratum (before any merging).
    static func baseBins(of stratum: CalibrationStratum) -> Int {
        stratum.edges.map { ($0.last ?? -1) + 1 } ?? stratum.binCount
    }

    /// The finest partition coarser than what each stratum needs for minCell and than `partitions`.
    static func sharedEdges(_ strata: [CalibrationStratum], with partitions: [[Int]], baseBins: Int, minCell: Int) -> [Int] {
        let needed = strata.map { CalibrationCoarsening.edges(for: $0, minCount: minCell) } + partitions
        return CalibrationCoarsening.commonEdges(needed, baseBins: baseBins) ?? CalibrationCoarsening.baseEdges(baseBins)
    }
}
