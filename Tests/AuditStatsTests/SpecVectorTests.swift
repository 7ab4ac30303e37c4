import AuditCore
import Testing
@testable import AuditStats

/// The exact vectors of the methods spec (`../shared/methods/fairuse-methods.md`, §5 checklist).
@Suite("Methods-spec vectors")
struct SpecVectorTests {
    // §2.2: (n10, n01) = (3, 10): p_V = 378/8192 exactly, p_G = 8100/8192.
    @Test func mcnemarExactVector() {
        let test = McNemarTest(n10: 3, n01: 10)
        #expect(test.pViolation == 378.0 / 8192.0)
        #expect(test.pGain == 8100.0 / 8192.0)
    }

    // §2.2 federated: site tables (1, 6) and (2, 4) sum to (3, 10): the pooled p is the
    // p of summed counts; site p-values are 0.0625 and 0.34375.
    @Test func mcnemarFederatedSumsCounts() {
        #expect(McNemarTest(n10: 1, n01: 6).pViolation == 0.0625)
        #expect(McNemarTest(n10: 2, n01: 4).pViolation == 0.34375)
        let pooled = Discordance(n10: 1, n01: 6) + Discordance(n10: 2, n01: 4)
        #expect(McNemarTest(n10: pooled.n10, n01: pooled.n01).pViolation == 0.046142578125)
    }

    @Test func mcnemarNoDiscordantRowsGivesOne() {
        let test = McNemarTest(n10: 0, n01: 0)
        #expect(test.pViolation == 1 && test.pGain == 1)
    }

    // Values from scipy 1.17 `binomtest(k, n, 0.5, alternative=...)`, tolerance 1e-12 relative.
    @Test(arguments: [
        (200, 85, 0.020018595806699777, 0.9859372963835368),
        (1000, 480, 0.10872414660207075, 0.9026168357691174),
        (5000, 2430, 0.024657929052085727, 0.9769316245844016),
        (63, 20, 0.002576198521046032, 0.998886234244506),
        (100, 50, 0.5397946186935889, 0.5397946186935889),
        (3001, 1600, 0.999869961494029, 0.0001498384111246693),
    ])
    func mcnemarLargeCountsMatchScipy(n: Int, k: Int, less: Double, greater: Double) {
        let test = McNemarTest(n10: k, n01: n - k)
        #expect(abs(test.pViolation - less) <= 1e-12 * less)
        #expect(abs(test.pGain - greater) <= 1e-12 * greater)
    }

    /// §2.3 worked example: six positives and six negatives, scores (h0, h_g).
    static let delongPositives: [(Double, Double)] = [(0.90, 0.85), (0.75, 0.80), (0.60, 0.55),
                                                     (0.55, 0.70), (0.40, 0.35), (0.80, 0.60)]
    static let delongNegatives: [(Double, Double)] = [(0.30, 0.20), (0.55, 0.50), (0.20, 0.25),
                                                     (0.65, 0.75), (0.10, 0.15), (0.45, 0.40)]

    static func delongStatistics() -> GroupStatistics {
        let rows = delongPositives.map { (1 as UInt8, $0) } + delongNegatives.map { (0 as UInt8, $0) }
        let group = GroupRows(labels: rows.map(\.0), probabilities: rows.flatMap { [$0.1.0, $0.1.1] },
                              modelCount: 2)
        return GroupStatistics.extract(key: "g", target: 1, rows: group,
                                       settings: ExtractionSettings(bootstrapReplicates: 0))
    }

    // §2.3: AUC(h0) = 61/72, AUC(h_g) = 5/6, z = −0.29361010975735286, SE 0.047304, p_V 0.38453.
    @Test func delongWorkedExample() throws {
        let stats = Self.delongStatistics()
        #expect(StratifiedAUC.value(strata: stats.auc, model: 0) == 61.0 / 72.0)
        #expect(StratifiedAUC.value(strata: stats.auc, model: 1) == 5.0 / 6.0)
        let test = DeLongTest(strata: stats.auc, comparator: 0)
        let z = try #require(test.z)
        #expect(abs(z - -0.29361010975735286) < 1e-13)
        #expect(abs(try #require(test.standardError) - 0.047304) < 5e-7)
        #expect(abs(try #require(test.pViolation) - 0.3845279248265815) < 1e-12)
        #expect(abs(try #require(test.gain) - (5.0 / 6.0 - 61.0 / 72.0)) < 1e-15)
    }

    // §2.4: sites A and B, one model; pooled ECE 0.18428571428571 (= 2.58/14).
    @Test func eceSitesAndPooled() throws {
        let a: [(Double, UInt8)] = [(0.05, 0), (0.12, 0), (0.18, 1), (0.35, 0), (0.42, 1), (0.61, 1), (0.70, 0), (0.88, 1)]
        let b: [(Double, UInt8)] = [(0.10, 0), (0.15, 1), (0.33, 0), (0.38, 1), (0.66, 1), (0.91, 1)]
        func stats(_ rows: [(Double, UInt8)], site: String) -> GroupStatistics {
            GroupStatistics.extract(
                key: "g", target: 0,
                rows: GroupRows(labels: rows.map(\.1), probabilities: rows.map(\.0), modelCount: 1),
                settings: ExtractionSettings(bootstrapReplicates: 0, site: site))
        }
        let sa = stats(a, site: "A"), sb = stats(b, site: "B")
        let ece = { (s: GroupStatistics) in MetricEstimates(metric: .ece, stats: s).value(0)! }
        #expect(abs(ece(sa) - 0.26375) < 1e-15)
        #expect(abs(ece(sb) - 0.2783333333333333) < 1e-15)
        let pooled = try #require(GroupStatistics.pooled([sa, sb]))
        #expect(abs(ece(pooled) - 2.58 / 14) < 1e-15)
        let bins = try #require(pooled.pooledCalibration(model: 0))
        #expect(bins.counts == [2, 3, 0, 3, 1, 0, 3, 0, 1, 1])
        // Σ(p − y) per bin = SP_b − SY_b of the spec's summed statistics.
        let sp = [0.15, 0.45, 0, 1.06, 0.42, 0, 1.97, 0, 0.88, 0.91], sy = [0.0, 2, 0, 1, 1, 0, 2, 0, 1, 1]
        for k in 0..<10 { #expect(abs(bins.residualSums[k] - (sp[k] - sy[k])) < 1e-12) }
    }

    // §2.4 boundary check: 0.1 → bin 1, 0.1000001 → bin 2, 0 → bin 1, 1 → bin 10, 0.1·3 → bin 4.
    @Test(arguments: [(0.1, 0), (0.1000001, 1), (0.0, 0), (1.0, 9), (0.1 * 3, 3), (0.3, 2), (0.95, 9)])
    func eceBinEdges(p: Double, bin: Int) {
        #expect(CalibrationBins.bin(of: p, bins: 10) == bin)
    }

    // §2.6 table: p = (.001,.008,.012,.030,.041,.20,.55,.80), M = 8.
    static let familyP = [0.001, 0.008, 0.012, 0.030, 0.041, 0.20, 0.55, 0.80]

    @Test(arguments: [
        (Correction.bonferroni, [0.008, 0.064, 0.096, 0.24, 0.328, 1, 1, 1], 3, 1),
        (.holm, [0.008, 0.056, 0.072, 0.15, 0.164, 0.6, 1, 1], 3, 1),
        (.bh, [0.008, 0.032, 0.032, 0.06, 0.0656, 0.26666666666666666, 0.6285714285714286, 0.8], 5, 3),
        (.by, [0.021742857142857144, 0.08697142857142858, 0.08697142857142858, 0.16307142857142856,
               0.17829142857142857, 0.7247619047619048, 1, 1], 3, 1),
    ])
    func multiplicityTable(method: Correction, expected: [Double], at10: Int, at05: Int) {
        let adjusted = MultipleTesting.adjust(Self.familyP, method: method)
        for (a, e) in zip(adjusted, expected) { #expect(abs(a - e) < 1e-12, "\(method)") }
        #expect(adjusted.filter { $0 <= 0.10 }.count == at10)
        #expect(adjusted.filter { $0 <= 0.05 }.count == at05)
    }

    @Test func multiplicityLeavesNaNOutOfTheFamily() {
        let adjusted = MultipleTesting.adjust([0.01, .nan, 0.04], method: .holm)
        #expect(adjusted[0] == 0.02 && adjusted[1].isNaN && adjusted[2] == 0.04)
    }
}
