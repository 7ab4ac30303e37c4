import Testing
@testable import AuditStats

@Suite("Paired stratified bootstrap")
struct BootstrapTests {
    static func rows(seed: UInt64, n: Int, models: Int) -> GroupRows {
        var rng = Xoshiro256StarStar(seed: seed)
        var labels: [UInt8] = [], p: [Double] = []
        for _ in 0..<n {
            labels.append(UInt8(rng.nextBounded(2)))
            for _ in 0..<models { p.append(Double(rng.nextBounded(21)) / 20) }  // many ties
        }
        return GroupRows(labels: labels, probabilities: p, modelCount: models)
    }

    // Replicates are a pure function of (root seed, site, group, label): recomputing gives the
    // same bits, and another site id gives other draws.
    @Test func reproducibleFromSeed() {
        let rows = Self.rows(seed: 7, n: 60, models: 3)
        let settings = ExtractionSettings(bootstrapReplicates: 200, rootSeed: 42, site: "a")
        let a = GroupStatistics.extract(key: "g", target: 1, rows: rows, settings: settings)
        let b = GroupStatistics.extract(key: "g", target: 1, rows: rows, settings: settings)
        #expect(a == b)
        var other = settings
        other.site = "b"
        let c = GroupStatistics.extract(key: "g", target: 1, rows: rows, settings: other)
        #expect(a.bootstrap?.wrong != c.bootstrap?.wrong)
    }

    // Each replicate's statistics equal a naive recomputation on the explicitly resampled rows,
    // and the resample keeps each class's size.
    @Test func replicateEqualsNaiveRecomputation() throws {
        let rows = Self.rows(seed: 11, n: 40, models: 3)
        let settings = ExtractionSettings(bootstrapReplicates: 5, rootSeed: 3, site: "s")
        let stats = GroupStatistics.extract(key: "k", target: 2, rows: rows, settings: settings)
        let boot = try #require(stats.bootstrap)
        let classRows = [0, 1].map { c in rows.labels.indices.filter { Int(rows.labels[$0]) == c } }
        var streams = [0, 1].map { StratumStream(rootSeed: 3, site: "s", group: "k", label: $0) }
        for b in 0..<5 {
            var sample: [Int] = []
            for c in 0..<2 {
                var draws = [Int32](repeating: 0, count: classRows[c].count)
                streams[c].draw(into: &draws, count: classRows[c].count)
                sample += draws.map { classRows[c][Int($0)] }
            }
            #expect(sample.filter { rows.labels[$0] == 1 }.count == classRows[1].count)
            let resampled = GroupRows(labels: sample.map { rows.labels[$0] },
                                      probabilities: sample.flatMap { i in (0..<3).map { rows.probabilities[i * 3 + $0] } },
                                      modelCount: 3)
            let naive = GroupStatistics.extract(key: "k", target: 2, rows: resampled,
                                                settings: ExtractionSettings(bootstrapReplicates: 0))
            for r in 0..<3 {
                #expect(Int(boot.wrong[b * 3 + r]) == naive.wrong[r])
                #expect(boot.aucNumerators[b * 3 + r] == naive.auc[0].placementSums[r])
                for k in 0..<10 {
                    #expect(abs(boot.calibrationResiduals[(b * 3 + r) * 10 + k] - naive.calibration[r].residualSums[k]) < 1e-12)
                }
            }
        }
    }

    @Test func identicalModelsGivePValueOne() {
        var rows = Self.rows(seed: 5, n: 50, models: 2)
        for i in 0..<rows.count { rows.probabilities[i * 2 + 1] = rows.probabilities[i * 2] }
        let stats = GroupStatistics.extract(key: "g", target: 1, rows: rows,
                                            settings: ExtractionSettings(bootstrapReplicates: 99))
        for metric in FairnessMetric.binaryMetrics {
            let c = MetricEstimates(metric: metric, stats: stats).comparison(comparator: 0, level: 0.9)
            #expect(c.bootstrap?.violation.raw == 1 && c.bootstrap?.gain.raw == 1, "\(metric)")
        }
    }

    // h_g right wherever h0 is wrong and never worse: every replicate gain is > 0, so
    // p_gain reaches its smallest value 1/(B+1) and p_violation is 1.
    @Test func dominatingModelReachesSmallestPValue() {
        let n = 200
        var labels: [UInt8] = [], p: [Double] = []
        for i in 0..<n {
            let y = UInt8(i % 2)
            labels.append(y)
            let right = y == 1 ? 0.8 : 0.2, wrong = y == 1 ? 0.3 : 0.7
            p += [i % 4 < 2 ? wrong : right, right]
        }
        let stats = GroupStatistics.extract(key: "g", target: 1, rows: GroupRows(labels: labels, probabilities: p, modelCount: 2),
                                            settings: ExtractionSettings(bootstrapReplicates: 999))
        let c = MetricEstimates(metric: .error, stats: stats).comparison(comparator: 0, level: 0.9)
        #expect(c.bootstrap?.gain.raw == 1.0 / 1000)
        #expect(c.bootstrap?.violation.raw == 1)
        #expect(c.gain == 0.5)
    }

    @Test func xoshiroKnownAnswer() {
        // First outputs of xoshiro256** seeded by SplitMix64(0): checked against the authors'
        // C reference (splitmix64.c + xoshiro256starstar.c).
        var rng = Xoshiro256StarStar(seed: 0)
        let first = (0..<3).map { _ in rng.next() }
        #expect(first == Self.referenceOutputs)
    }

    static let referenceOutputs: [UInt64] = [11091344671253066420, 13793997310169335082, 1900383378846508768]
}

@Suite("Bootstrap helpers")
struct BootstrapHelperTests {
    // Quickselect gives the same type-7 quantiles as sorting.
    @Test(arguments: [1, 2, 3, 10, 999, 2000])
    func quantileBySelectionMatchesSorting(count: Int) {
        var rng = Xoshiro256StarStar(seed: UInt64(count))
        let values = (0..<count).map { _ in Double(rng.nextBounded(50)) / 7 }  // many ties
        let sorted = values.sorted()
        for q in [0.0, 0.05, 0.5, 0.95, 1.0] {
            var copy = values
            let h = Double(count - 1) * q
            let lo = Int(h.rounded(.down)), hi = min(lo + 1, count - 1)
            let expected = sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
            #expect(BootstrapTest.quantile(&copy, q) == expected)
        }
    }

    // A cache shared by two audits of the same rows gives the same statistics as no cache.
    @Test func sharedResamplesChangeNothing() {
        let rows = BootstrapTests.rows(seed: 3, n: 80, models: 3)
        let settings = ExtractionSettings(bootstrapReplicates: 100, rootSeed: 5, site: "s")
        let cache = ResampleCache()
        let first = GroupStatistics.extract(key: "g", target: 1, rows: rows, settings: settings, cache: cache)
        let second = GroupStatistics.extract(key: "g", target: 2, rows: rows, settings: settings, cache: cache)
        #expect(first == GroupStatistics.extract(key: "g", target: 1, rows: rows, settings: settings))
        #expect(second == GroupStatistics.extract(key: "g", target: 2, rows: rows, settings: settings))
    }
}
