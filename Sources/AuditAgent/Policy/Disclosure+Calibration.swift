import AuditStats

extension Disclosure {
    /// Step 2: merges calibration bins, model by model (`CalibrationCoarsening.enforceMinimum`), so
    /// every bin of every model holds 0 or ≥ minCell rows.
    ///
    /// A model's partition is a function of its own bin counts, so a model that appears in several
    /// places with the same rows — h0 of a group in every technique — gets the same partition
    /// each time, and no merged-away bin can be recovered by subtracting one partition from
    /// another. The population is different: its h0 bins are sums of the groups' h0 bins and its
    /// own-model bins sums of each group's own-model bins, so each of its two partitions must also
    /// coarsen every group's partition of the same model. Each population bin is then a sum of
    /// released group bins, and subtracting the other groups reveals nothing new.
    /// `sites` holds one ``SiteStatistics`` per technique, of the same rows.
    static func mergingBins(_ sites: [SiteStatistics], minCell: Int) -> ([SiteStatistics], [Finding]) {
        guard let first = sites.first else { return (sites, []) }
        var out = sites
        var mergedGroups = Set<Int>(), mergedPopulation = false
        for t in out.indices {
            var h0: [[Int]] = [], own: [[Int]] = []   // every group's partitions of the population's two models
            for j in out[t].groups.indices {
                guard let group = out[t].groups[j] else { continue }
                let (merged, changed) = CalibrationCoarsening.enforceMinimum(group, minCount: minCell)
                if changed { mergedGroups.insert(j) }
                out[t].groups[j] = merged
                if let stratum = merged.calibration.first {
                    h0.append(stratum.edges(model: 0))
                    own.append(stratum.edges(model: merged.target))
                }
            }
            guard let stratum = out[t].population.calibration.first else { continue }
            let needed = [h0, own].enumerated().map { r, groups in
                let base = stratum.baseBins
                let itself = CalibrationCoarsening.edges(counts: stratum.bins[r].counts, upper: stratum.edges(model: r),
                                                        minCount: minCell)
                return CalibrationCoarsening.commonEdges([itself] + groups, baseBins: base)
                    ?? CalibrationCoarsening.baseEdges(base)
            }
            if needed != [0, 1].map({ stratum.edges(model: $0) }) {
                mergedPopulation = true
                out[t].population.calibration[0] = CalibrationCoarsening.coarsened(stratum, to: needed, target: 1)
            }
        }
        var findings = mergedGroups.sorted().map {
            Finding(group: first.keys[$0], scope: .eceBins, rule: .belowMinCell, minCell: minCell)
        }
        if mergedPopulation {
            findings.append(Finding(group: nil, scope: .eceBins, rule: .revealedBySubtraction, minCell: minCell))
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
                guard let target = out[t].groups[j]?.target, var stratum = out[t].groups[j]?.calibration.first else { continue }
                for r in stratum.cross.indices {
                    let (kept, dropped) = split(stratum.cross[r], minCell: minCell, excluding: [])
                    if !dropped.isEmpty { groupsWithDrops.insert(j) }
                    // h0 against the own model is the population's comparison as well.
                    if r == 0, let population {
                        for cell in dropped {
                            contaminated.insert(populationCell(cell, of: stratum, target: target, in: population))
                        }
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
            Finding(group: first.keys[$0], scope: .eceCross, rule: .belowMinCell, minCell: minCell)
        }
        if populationDrops {
            findings.append(Finding(group: nil, scope: .eceCross, rule: .revealedBySubtraction, minCell: minCell))
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

    /// The population joint cell (h0 bin × own-model bin) holding a group's joint cell of h0 and
    /// its own model `target`; each population partition coarsens the group's, so each group bin
    /// lies inside one population bin.
    static func populationCell(_ cell: Int, of group: CalibrationStratum, target: Int,
                               in population: CalibrationStratum) -> Int {
        let groupOwn = group.edges(model: target), populationH0 = population.edges(model: 0)
        let populationOwn = population.edges(model: 1)
        let a = group.edges(model: 0)[cell / groupOwn.count], b = groupOwn[cell % groupOwn.count]
        let row = populationH0.firstIndex { $0 >= a } ?? populationH0.count - 1
        let column = populationOwn.firstIndex { $0 >= b } ?? populationOwn.count - 1
        return row * populationOwn.count + column
    }
}
