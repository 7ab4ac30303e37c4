import Testing
@testable import AuditStats

/// Random predictions for m groups with a site column.
func randomPredictions(seed: UInt64, rows: Int, groups: Int, sites: Int) -> Predictions {
    var rng = Xoshiro256StarStar(seed: seed)
    func u() -> Double { Double(rng.next() >> 11) * 0x1p-53 }
    let keys = (0..<groups).map { "g=\($0)" }
    var siteIDs: [String] = [], groupIndex: [Int32] = [], labels: [UInt8] = [], generic: [Double] = [], personalized: [Double] = []
    for _ in 0..<rows {
        let g = Int(rng.nextBounded(UInt64(groups)))
        siteIDs.append("site-\(rng.nextBounded(UInt64(sites)))")
        groupIndex.append(Int32(g))
        let risk = 0.2 + 0.5 * u()
        labels.append(u() < risk ? 1 : 0)
        generic.append((risk + 0.3 * (u() - 0.5) * 100).rounded() / 100)  // ties on a 0.01 grid
        for h in 0..<groups { personalized.append(min(1, max(0, risk + 0.05 * Double(h - g) + 0.2 * (u() - 0.5)))) }
    }
    return Predictions(keys: keys, sites: siteIDs, groups: groupIndex, labels: labels, generic: generic.map { min(1, max(0, $0)) },
                       personalized: personalized)
}

@Suite("Federated = pooled")
struct FederatedPoolingTests {
    // Site-invariant statistics (counts, error gains, McNemar, ECE) of a k-site audit equal the
    // same rows audited as one site, for random splits over 1–8 sites.
    @Test(arguments: 1...8)
    func siteInvariantStatisticsMatchOneSite(sites: Int) throws {
        let split = randomPredictions(seed: UInt64(100 + sites), rows: 900, groups: 3, sites: sites)
        var single = split
        single.sites = Array(repeating: "local", count: split.count)
        let settings = EvaluationSettings(metrics: [.error, .ece, .auc])
        let federated = FairUseAudit.run(split, extraction: ExtractionSettings(bootstrapReplicates: 0), evaluation: settings)
        let pooled = FairUseAudit.run(single, extraction: ExtractionSettings(bootstrapReplicates: 0), evaluation: settings)
        let (fe, pe) = (federated.metrics[0], pooled.metrics[0])
        #expect(fe == pe, "error results must be identical")
        let (fc, pc) = (federated.metrics[1], pooled.metrics[1])
        for (a, b) in zip(fc.groups, pc.groups) {
            #expect(abs(a.personalized! - b.personalized!) < 1e-15)
            for (x, y) in zip([a.rationality!] + a.envy, [b.rationality!] + b.envy) { #expect(abs(x.gain! - y.gain!) < 1e-15) }
        }
        if sites == 1 { #expect(federated.metrics[2] == pooled.metrics[2]) }
    }

    // Combining independently extracted site statistics, in any order of arrival, gives exactly
    // the result of the one-call audit with a site column (bootstrap included, bit for bit).
    @Test func combineIsOrderIndependentAndBitExact() {
        let predictions = randomPredictions(seed: 7, rows: 600, groups: 3, sites: 4)
        let extraction = ExtractionSettings(bootstrapReplicates: 300, rootSeed: 99)
        let settings = EvaluationSettings()
        let oneCall = FairUseAudit.run(predictions, extraction: extraction, evaluation: settings)
        let sites = predictions.siteIDs.map { SiteStatistics.extract(from: predictions, site: $0, settings: extraction) }
        #expect(FairUseAudit.combine(sites.reversed(), settings: settings) == oneCall)
        #expect(FairUseAudit.combine(sites.shuffled(), settings: settings) == oneCall)
    }

    // The site-stratified AUC weights each site's AUC by M_s N_s (decision D1).
    @Test func stratifiedAUCWeightsSites() throws {
        let predictions = randomPredictions(seed: 8, rows: 500, groups: 2, sites: 3)
        let extraction = ExtractionSettings(bootstrapReplicates: 0)
        let sites = predictions.siteIDs.map { SiteStatistics.extract(from: predictions, site: $0, settings: extraction) }
        let pooled = try #require(GroupStatistics.pooled(sites.compactMap { $0.groups[0] }))
        var weighted = 0.0, total = 0.0
        for site in sites {
            let s = try #require(site.groups[0])
            let w = Double(s.positives * s.negatives)
            weighted += w * (StratifiedAUC.value(strata: s.auc, model: 0) ?? 0)
            total += w
        }
        #expect(abs(try #require(StratifiedAUC.value(strata: pooled.auc, model: 0)) - weighted / total) < 1e-14)
    }
}

@Suite("Calibration bins merged for disclosure control")
struct CalibrationCoarseningTests {
    static func group(seed: UInt64, n: Int) -> GroupStatistics {
        let rows = BootstrapTests.rows(seed: seed, n: n, models: 3)
        return GroupStatistics.extract(key: "g", target: 1, rows: rows, settings: ExtractionSettings(bootstrapReplicates: 0))
    }

    @Test func mergedBinsRespectTheMinimumAndKeepTotals() throws {
        let g = Self.group(seed: 21, n: 40)
        let (merged, changed) = CalibrationCoarsening.enforceMinimum(g, minCount: 5)
        #expect(changed)
        let before = try #require(g.calibration.first), after = try #require(merged.calibration.first)
        for (b, a) in zip(before.bins, after.bins) {
            #expect(a.counts.allSatisfy { $0 == 0 || $0 >= 5 })
            #expect(a.counts.reduce(0, +) == b.counts.reduce(0, +))
            #expect(abs(a.residualSums.reduce(0, +) - b.residualSums.reduce(0, +)) < 1e-12)
            #expect(abs(a.residualSquares.reduce(0, +) - b.residualSquares.reduce(0, +)) < 1e-12)
        }
        for (r, (b, a)) in zip(before.cross, after.cross).enumerated() {
            #expect(abs(a.sums.reduce(0, +) - b.sums.reduce(0, +)) < 1e-12)
            #expect(a.cells.allSatisfy { $0 < after.bins[r].binCount * after.bins[1].binCount })
        }
        #expect(after.edges?.allSatisfy { $0.last == 9 } == true)
        // Merging again changes nothing.
        #expect(CalibrationCoarsening.enforceMinimum(merged, minCount: 5).1 == false)
    }

    @Test func pooledSitesUseTheCommonCoarsening() throws {
        let a = CalibrationCoarsening.enforceMinimum(Self.group(seed: 22, n: 40), minCount: 6).0
        let b = Self.group(seed: 23, n: 300)
        let pooled = try #require(GroupStatistics.pooled([a, b]))
        let edges = try #require(a.calibration.first?.edges)
        #expect(pooled.alignedCalibration.edges == edges)  // b has the base bins: a's partition is the common one
        #expect(pooled.count == 340)
        let bins = try #require(pooled.pooledCalibration(model: 0))
        #expect(bins.counts.reduce(0, +) == 340)
        // The pooled bins equal site a's plus site b's re-binned to a's edges.
        let direct = CalibrationCoarsening.coarsened(try #require(b.calibration.first), to: edges, target: 1)
        let mine = try #require(a.calibration.first)
        for k in bins.counts.indices {
            #expect(bins.counts[k] == mine.bins[0].counts[k] + direct.bins[0].counts[k])
        }
    }
}
