import AuditCore
import Foundation
import Testing
@testable import AuditStats

/// The regression audit's statistics: the paired t-test, the additive sums, the keyed paired
/// bootstrap, and federated = pooled.
@Suite struct RegressionStatisticsTests {
    // A worked example, n = 4: y = (1, 2, 3, 4), h0 predicts (1.5, 2.5, 2, 4), h_g (1, 2.5, 3.5, 3.5).
    // Squared losses h0 (.25, .25, 1, 0), h_g (0, .25, .25, .25): d = ℓ0 − ℓg = (.25, 0, .75, −.25),
    //   Σd = .75, d̄ = .1875, Σd² = .6875, s² = (.6875 − 4·.1875²)/3 = .546875/3, SE = √(s²/4) = .2134781…,
    //   t = d̄/SE = .8783100…, ν = 3; scipy.stats.ttest_rel(ℓ0, ℓg, alternative="greater").pvalue = 0.2222190425673652.
    // Absolute losses h0 (.5, .5, 1, 0), h_g (0, .5, .5, .5): d = (.5, 0, .5, −.5), Σd = .5, Σd² = .75,
    //   s² = (.75 − 4·.125²)/3 = .6875/3, t = .5222329…, p_gain = 0.31880904570030094 (scipy).
    static let outcomes = [1.0, 2, 3, 4]
    static let generic = [1.5, 2.5, 2.0, 4.0]
    static let own = [1.0, 2.5, 3.5, 3.5]

    static func handExample(replicates: Int = 0) -> RegressionGroupStatistics {
        let predictions = zip(generic, own).flatMap { [$0, $1] }   // models: 0 = h0, 1 = h_g
        return RegressionSiteStatistics.extract(key: "g", target: 1, outcomes: outcomes, predictions: predictions, models: 2,
                                                metrics: [.squaredError, .absoluteError], replicates: replicates,
                                                rootSeed: 0, site: "local")
    }

    @Test func handComputedExample() throws {
        let stats = Self.handExample()
        let squared = try #require(stats.metric(.squaredError))
        #expect(squared.lossSums == [1.5, 0.75])
        #expect(squared.differences[0] == PairedDifferenceSums(count: 4, sum: 0.75, sumOfSquares: 0.6875))
        let t = PairedTTest(squared.differences[0])
        #expect(t.gain == 0.1875)
        #expect(t.degreesOfFreedom == 3)
        #expect(abs(try #require(t.standardError) - 0.21347814095749162) < 1e-15)
        #expect(abs(try #require(t.t) - 0.8783100656536799) < 1e-13)
        #expect(abs(try #require(t.pGain) - 0.2222190425673652) < 1e-12)
        #expect(abs(try #require(t.pViolation) - 0.7777809574326349) < 1e-12)

        let absolute = try #require(stats.metric(.absoluteError))
        #expect(absolute.lossSums == [2.0, 1.5])
        let a = PairedTTest(absolute.differences[0])
        #expect(a.gain == 0.125)
        #expect(abs(try #require(a.t) - 0.5222329678670935) < 1e-13)
        #expect(abs(try #require(a.pGain) - 0.31880904570030094) < 1e-12)
        #expect(abs(try #require(a.pViolation) - 0.681190954299699) < 1e-12)
        // The target compared with itself: every difference is 0.
        #expect(squared.differences[1] == PairedDifferenceSums(count: 4, sum: 0, sumOfSquares: 0))
    }

    /// scipy.stats.ttest_1samp(d, 0) on d = b − a, a ~ N(0,1), b = a + N(0.1, 1), n = 200,
    /// numpy default_rng(7): t = 0.2979825114016708, p_greater = 0.38301369414667236.
    @Test func agreesWithScipyFromSums() throws {
        let t = PairedTTest(PairedDifferenceSums(count: 200, sum: 4.09884578470777, sumOfSquares: 188.34687741768494))
        #expect(abs(try #require(t.t) - 0.2979825114016708) < 1e-12)
        #expect(abs(try #require(t.pGain) - 0.38301369414667236) < 1e-12)
        #expect(abs(try #require(t.pViolation) - 0.6169863058533276) < 1e-12)
        // The small tail is computed directly (scipy.stats.t.sf(40, 199) = 2.1697292834645594e-97).
        #expect(abs(StudentT.cdf(-40, degreesOfFreedom: 199) / 2.1697292834645594e-97 - 1) < 1e-8)
    }

    @Test func edgeCases() {
        let single = PairedTTest(PairedDifferenceSums(count: 1, sum: 2, sumOfSquares: 4))
        #expect(single.gain == 2 && single.t == nil && single.pGain == nil && single.pViolation == nil)
        let identical = PairedTTest(PairedDifferenceSums(count: 10, sum: 0, sumOfSquares: 0))
        #expect(identical.gain == 0 && identical.t == nil && identical.pGain == 1 && identical.pViolation == 1)
        // Zero spread with a non-zero mean: undefined (never t = ±∞ or p = 0; Docs/methods-delong.md §3).
        let constant = PairedTTest(PairedDifferenceSums(count: 5, sum: 0.5, sumOfSquares: 0.05))
        #expect(constant.t == nil && constant.pGain == nil && constant.pViolation == nil)
        let empty = PairedTTest(PairedDifferenceSums())
        #expect(empty.gain == nil && empty.pGain == nil)
    }

    // MARK: - Bootstrap

    /// Replicate b is the stream's b-th draw of n rows; its sum is recomputed here naively.
    @Test func bootstrapMatchesNaiveResampling() throws {
        let stats = Self.handExample(replicates: 50)
        let squared = try #require(stats.metric(.squaredError))
        let d = zip(Self.generic, Self.own).enumerated().map { i, p in
            let y = Self.outcomes[i]
            return (p.0 - y) * (p.0 - y) - (p.1 - y) * (p.1 - y)
        }
        var stream = StratumStream(rootSeed: 0, site: "local", group: "g", label: 0)
        var draws = [Int32](repeating: 0, count: 4)
        for b in 0..<50 {
            stream.draw(into: &draws, count: 4)
            let expected = draws.reduce(0.0) { $0 + d[Int($1)] }
            #expect(squared.replicateSums[b * 2] == expected)
            #expect(squared.replicateSums[b * 2 + 1] == 0)
        }
    }

    @Test func bootstrapIsDeterministicAndKeyedBySeed() {
        let predictions = Self.randomPredictions(seed: 3, n: 300, groups: 3, sites: ["a", "b"])
        let settings = EvaluationSettings(metrics: Metric.regressionMetrics)
        let first = RegressionAudit.run(predictions, extraction: ExtractionSettings(bootstrapReplicates: 200, rootSeed: 11), evaluation: settings)
        let again = RegressionAudit.run(predictions, extraction: ExtractionSettings(bootstrapReplicates: 200, rootSeed: 11), evaluation: settings)
        let other = RegressionAudit.run(predictions, extraction: ExtractionSettings(bootstrapReplicates: 200, rootSeed: 12), evaluation: settings)
        #expect(first == again)
        #expect(first != other)
        // The seed moves only the bootstrap, never the t-test.
        let g = first.metrics[0].groups[0].rationality, h = other.metrics[0].groups[0].rationality
        #expect(g?.primary == h?.primary && g?.t == h?.t)
        #expect(g?.bootstrap?.standardError != h?.bootstrap?.standardError)
    }

    // MARK: - Federated = pooled

    /// Rows split at random into sites: the sums add, so the t statistics and p-values of the
    /// combined site statistics equal those of all rows as one site (to rounding, 1e-12 relative).
    @Test(arguments: [1, 2, 3, 4, 5])
    func federatedSumsEqualPooled(seed: UInt64) throws {
        let sites = Array(["s1", "s2", "s3", "s4"][0..<(Int(seed % 3) + 2)])
        let federated = Self.randomPredictions(seed: seed, n: 500, groups: 4, sites: sites)
        var pooled = federated
        pooled.sites = Array(repeating: "local", count: pooled.count)
        let settings = EvaluationSettings(metrics: Metric.regressionMetrics)
        let extraction = ExtractionSettings(bootstrapReplicates: 0)
        let siteStats = federated.siteIDs.reversed().map {
            RegressionSiteStatistics.extract(from: federated, site: $0, metrics: settings.metrics, settings: extraction)
        }
        let a = RegressionAudit.combine(siteStats, settings: settings)
        let b = RegressionAudit.run(pooled, extraction: extraction, evaluation: settings)
        func close(_ x: Double?, _ y: Double?) -> Bool {
            guard let x, let y else { return x == nil && y == nil }
            return abs(x - y) <= 1e-12 * max(1, abs(x), abs(y))
        }
        for (ma, mb) in zip(a.metrics, b.metrics) {
            for (ga, gb) in zip(ma.groups, mb.groups) {
                #expect(ga.count == gb.count)
                #expect(close(ga.personalized, gb.personalized) && close(ga.generic, gb.generic))
                for (ca, cb) in zip([ga.rationality!] + ga.envy, [gb.rationality!] + gb.envy) {
                    #expect(close(ca.gain, cb.gain) && close(ca.t, cb.t) && close(ca.standardError, cb.standardError))
                    #expect(close(ca.primary.gain.raw, cb.primary.gain.raw) && close(ca.primary.violation.raw, cb.primary.violation.raw))
                    #expect(close(ca.primary.gain.holm, cb.primary.gain.holm))
                    #expect(ca.primary.flag == cb.primary.flag && ca.degreesOfFreedom == cb.degreesOfFreedom)
                }
            }
            #expect(close(ma.summary.gain, mb.summary.gain))
        }
    }

    /// With the bootstrap: a federated combine (sites reporting in any order) equals, exactly, the
    /// pooled audit with sites as strata, because every (site, group) stream is keyed.
    @Test func federatedBootstrapEqualsPooledWithSiteStrata() {
        let predictions = Self.randomPredictions(seed: 9, n: 400, groups: 3, sites: ["north", "south", "west"])
        let settings = EvaluationSettings(metrics: Metric.regressionMetrics)
        let extraction = ExtractionSettings(bootstrapReplicates: 300, rootSeed: 5)
        let pooled = RegressionAudit.run(predictions, extraction: extraction, evaluation: settings)
        let reported = ["west", "north", "south"].map {
            RegressionSiteStatistics.extract(from: predictions, site: $0, metrics: settings.metrics, settings: extraction)
        }
        #expect(RegressionAudit.combine(reported, settings: settings) == pooled)
    }

    @Test func sumsAreCodableForTheWire() throws {
        let stats = Self.handExample(replicates: 5)
        let data = try JSONEncoder().encode(stats)
        #expect(try JSONDecoder().decode(RegressionGroupStatistics.self, from: data) == stats)
    }

    // MARK: - Evaluation

    /// A personalized model that is better for group 0 and worse for group 1 is flagged so.
    @Test func flagsGainAndViolation() throws {
        var rng = Xoshiro256StarStar(seed: 21)
        let n = 400
        var groups: [Int32] = [], outcomes: [Double] = [], generic: [Double] = [], personalized: [Double] = []
        for i in 0..<n {
            let g = Int32(i % 2), y = Self.uniform(&rng) * 4
            groups.append(g); outcomes.append(y)
            generic.append(y + (Self.uniform(&rng) - 0.5))
            let good = y + 0.2 * (Self.uniform(&rng) - 0.5), bad = y + 2 * (Self.uniform(&rng) - 0.5)
            personalized += [good, bad]   // every row: as group a a good prediction, as group b a bad one
        }
        let predictions = RegressionPredictions(keys: ["a", "b"], sites: Array(repeating: "local", count: n), groups: groups,
                                                outcomes: outcomes, generic: generic, personalized: personalized)
        let evaluation = RegressionAudit.run(predictions, extraction: ExtractionSettings(bootstrapReplicates: 199),
                                             evaluation: EvaluationSettings(metrics: [.squaredError]))
        let metric = try #require(evaluation.metrics.first)
        #expect(metric.primaryTest == "paired_t" && !metric.higherIsBetter)
        #expect(metric.groups[0].rationality?.primary.flag == .gain)
        #expect(metric.groups[1].rationality?.primary.flag == .violation)
        #expect(metric.groups[1].envy.first?.primary.flag == .violation)   // b would do better as a
        #expect(metric.groups[0].rationality?.bootstrap?.flag == .gain)
        #expect(metric.summary.rationality.gains == 1 && metric.summary.rationality.violations == 1)
        #expect(metric.familySize == 4)
        #expect((metric.groups[0].rationality?.gain ?? 0) > 0 && (metric.groups[1].rationality?.gain ?? 0) < 0)
    }

    // MARK: - Support

    static func uniform(_ rng: inout Xoshiro256StarStar) -> Double {
        Double(rng.next() >> 11) * 0x1p-53
    }

    static func randomPredictions(seed: UInt64, n: Int, groups m: Int, sites: [String]) -> RegressionPredictions {
        var rng = Xoshiro256StarStar(seed: seed)
        var site: [String] = [], groups: [Int32] = [], outcomes: [Double] = [], generic: [Double] = [], personalized: [Double] = []
        for _ in 0..<n {
            site.append(sites[Int(rng.next() % UInt64(sites.count))])
            let g = Int(rng.next() % UInt64(m))
            groups.append(Int32(g))
            let y = 10 * uniform(&rng)
            outcomes.append(y)
            generic.append(y + 2 * (uniform(&rng) - 0.5))
            for j in 0..<m { personalized.append(y + (j == g ? 1.5 : 2.5) * (uniform(&rng) - 0.5)) }
        }
        return RegressionPredictions(keys: (0..<m).map { "group=\($0)" }, sites: site, groups: groups, outcomes: outcomes,
                                     generic: generic, personalized: personalized)
    }
}
