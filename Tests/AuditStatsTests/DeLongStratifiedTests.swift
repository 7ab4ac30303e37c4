import Foundation
import Testing
@testable import AuditStats

/// The site-stratified DeLong test (decision D1; `Docs/methods-delong.md`): singleton strata,
/// minimum information, degenerate variances and the Wald interval. Expected values come from a
/// row-by-row formula written here (direct pair counting, sharing no code with `DeLongTest`) and
/// from numpy/scipy (`Docs/calcs/delong_singleton.py` and `delong_strata.py`:
/// np.var(ddof=1) of kernel placements, scipy.stats.norm).
@Suite("DeLong, site-stratified")
struct DeLongStratifiedTests {
    /// One site's rows of a group: (h0, h_g) scores of positives and of negatives.
    struct Site {
        var positives: [(Double, Double)]
        var negatives: [(Double, Double)]
    }

    /// The test through the production path: per-site extraction, then pooling.
    static func test(_ sites: [Site]) throws -> DeLongTest {
        let parts = sites.enumerated().map { k, site in
            let rows = site.positives.map { (UInt8(1), $0) } + site.negatives.map { (UInt8(0), $0) }
            return GroupStatistics.extract(
                key: "g", target: 1,
                rows: GroupRows(labels: rows.map(\.0), probabilities: rows.flatMap { [$0.1.0, $0.1.1] }, modelCount: 2),
                settings: ExtractionSettings(bootstrapReplicates: 0, site: "s\(k)"))
        }
        return DeLongTest(strata: try #require(GroupStatistics.pooled(parts)).auc, comparator: 0)
    }

    /// The row-level formula: placements by counting pairs (ties ½), weights M_s N_s / W, each
    /// stratum's sample variances, and a singleton class's variance pooled over strata on the
    /// unscaled differences (bound 1 with no degrees of freedom). Returns (Δ, SE).
    static func formula(_ sites: [Site]) -> (gain: Double, se: Double) {
        func psi(_ a: Double, _ b: Double) -> Double { a > b ? 1 : (a == b ? 0.5 : 0) }
        let usable = sites.filter { !$0.positives.isEmpty && !$0.negatives.isEmpty }
        let w = usable.reduce(0.0) { $0 + Double($1.positives.count * $1.negatives.count) }
        var d10: [[Double]] = [], d01: [[Double]] = []
        for s in usable {
            d10.append(s.positives.map { x in
                s.negatives.reduce(0.0) { $0 + psi(x.1, $1.1) - psi(x.0, $1.0) } / Double(s.negatives.count)
            })
            d01.append(s.negatives.map { y in
                s.positives.reduce(0.0) { $0 + psi($1.1, y.1) - psi($1.0, y.0) } / Double(s.positives.count)
            })
        }
        func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }
        func squares(_ x: [Double]) -> Double { let m = mean(x); return x.reduce(0) { $0 + ($1 - m) * ($1 - m) } }
        func pooled(_ ds: [[Double]]) -> Double {
            let df = ds.reduce(0) { $0 + max(0, $1.count - 1) }
            return df == 0 ? 1 : ds.filter { $0.count >= 2 }.reduce(0) { $0 + squares($1) } / Double(df)
        }
        let pooled10 = pooled(d10), pooled01 = pooled(d01)
        var gain = 0.0, variance = 0.0
        for k in usable.indices {
            let m = Double(d10[k].count), n = Double(d01[k].count), ws = m * n / w
            gain += ws * mean(d10[k])
            let v10 = d10[k].count >= 2 ? squares(d10[k]) / (m - 1) : pooled10
            let v01 = d01[k].count >= 2 ? squares(d01[k]) / (n - 1) : pooled01
            variance += ws * ws * (v10 / m + v01 / n)
        }
        return (gain, variance.squareRoot())
    }

    static let specPositives = SpecVectorTests.delongPositives
    static let specNegatives = SpecVectorTests.delongNegatives

    /// Site A has a single positive, site C a single negative (numpy: W = 19).
    static let singletonSites = [
        Site(positives: [(0.62, 0.71)], negatives: [(0.30, 0.45), (0.70, 0.40), (0.55, 0.75), (0.20, 0.10)]),
        Site(positives: [(0.81, 0.66), (0.47, 0.58), (0.35, 0.52), (0.74, 0.90)],
             negatives: [(0.50, 0.41), (0.28, 0.60), (0.66, 0.33)]),
        Site(positives: [(0.58, 0.49), (0.91, 0.87), (0.44, 0.61)], negatives: [(0.52, 0.50)]),
    ]

    // Spec §2.3: one site is the ordinary DeLong test; its 90% Wald interval is Δ ± 1.6448536269514722·SE
    // (scipy.stats.norm.ppf(0.95)) with SE = Δ/z from the spec's own vector.
    @Test func oneSiteIsOrdinaryDeLong() throws {
        let test = try Self.test([Site(positives: Self.specPositives, negatives: Self.specNegatives)])
        let gain = 5.0 / 6.0 - 61.0 / 72.0, z = -0.29361010975735286
        #expect(abs(try #require(test.z) - z) < 1e-13)
        #expect(test.varianceSource == .estimated && test.unavailableReason == nil)
        let interval = try #require(test.interval(level: 0.9))
        let half = 1.6448536269514722 * gain / z
        #expect(abs(interval.lowerBound - (gain - half)) < 1e-13 && abs(interval.upperBound - (gain + half)) < 1e-13)
    }

    // Two sites with ≥ 2 of each class: the previous stratified formula (numpy: Δ = −1/18,
    // SE = 0.07856742013183862, z = −1/√2).
    @Test func stratumsWithTwoOfEachAreUnchanged() throws {
        let sites = [Site(positives: Array(Self.specPositives[0..<3]), negatives: Array(Self.specNegatives[0..<3])),
                     Site(positives: Array(Self.specPositives[3...]), negatives: Array(Self.specNegatives[3...]))]
        let test = try Self.test(sites)
        let expected = Self.formula(sites)
        #expect(abs(try #require(test.gain) - -1.0 / 18.0) < 1e-15)
        #expect(abs(try #require(test.standardError) - 0.07856742013183862) < 1e-14)
        #expect(abs(try #require(test.standardError) - expected.se) < 1e-14)
        #expect(abs(try #require(test.z) - -1 / 2.0.squareRoot()) < 1e-13)
        #expect(test.varianceSource == .estimated)
    }

    // A single positive at one site and a single negative at another borrow the pooled variance
    // (numpy: pooled σ̂²_10 = 0.4222…, 5 df; σ̂²_01 = 0.5333…, 5 df; SE 0.30938933488681397,
    // z 0.34022878627424563, p_V 0.6331578792191797).
    @Test func singletonStrataBorrowThePooledVariance() throws {
        let test = try Self.test(Self.singletonSites)
        let expected = Self.formula(Self.singletonSites)
        #expect(abs(try #require(test.gain) - 2.0 / 19.0) < 1e-15 && abs(expected.gain - 2.0 / 19.0) < 1e-15)
        let se = try #require(test.standardError)
        #expect(abs(se - expected.se) < 1e-14)
        #expect(abs(se - 0.30938933488681397) < 1e-14)
        #expect(abs(try #require(test.z) - 0.34022878627424563) < 1e-13)
        #expect(abs(try #require(test.pViolation) - 0.6331578792191797) < 1e-13)
        #expect(test.varianceSource == .pooled(singletonStrata: 2, positiveDF: 5, negativeDF: 5))
        let interval = try #require(test.interval(level: 0.9))
        #expect(abs(interval.lowerBound - -0.40363701173394273) < 1e-13)
        #expect(abs(interval.upperBound - 0.6141633275234164) < 1e-13)
    }

    // Every site has one positive: no stratum estimates σ²_10, the bound 1 is used
    // (numpy: W = 7, Δ = 1/7, SE = 5/7, z = 0.2).
    @Test func noStratumWithTwoPositivesUsesTheBound() throws {
        let sites = [Site(positives: [(0.62, 0.71)], negatives: [(0.30, 0.45), (0.70, 0.40), (0.55, 0.75)]),
                     Site(positives: [(0.47, 0.58)], negatives: [(0.50, 0.41), (0.28, 0.60)]),
                     Site(positives: [(0.91, 0.87)], negatives: [(0.52, 0.50), (0.95, 0.20)])]
        let test = try Self.test(sites)
        #expect(abs(try #require(test.standardError) - 5.0 / 7.0) < 1e-14)
        #expect(abs(try #require(test.standardError) - Self.formula(sites).se) < 1e-14)
        #expect(abs(try #require(test.z) - 0.2) < 1e-14)
        #expect(test.varianceSource == .pooled(singletonStrata: 3, positiveDF: 0, negativeDF: nil))
    }

    // Four rows, complete separation reversed between the models: Var = 0 with Δ = 1 used to give
    // z = +∞ and a "significant gain"; it is NA now, with a reason.
    @Test func zeroVarianceWithAGainIsNA() throws {
        let test = try Self.test([Site(positives: [(0.1, 0.9), (0.2, 0.8)], negatives: [(0.5, 0.3), (0.6, 0.4)])])
        #expect(test.gain == 1)
        #expect(test.z == nil && test.pViolation == nil && test.pGain == nil && test.interval(level: 0.9) == nil)
        #expect(test.unavailableReason?.contains("variance is 0") == true)
    }

    // Identical orderings: Δ = 0 and Var = 0 give z = 0 and p = Φ(0) = ½ both ways (spec §5), not NA.
    @Test func identicalOrderingsGiveZZero() throws {
        let shifted = { (rows: [(Double, Double)]) in rows.map { ($0.0, $0.0 / 2) } }
        let test = try Self.test([Site(positives: shifted(Self.specPositives), negatives: shifted(Self.specNegatives))])
        #expect(test.gain == 0 && test.z == 0 && test.standardError == 0)
        #expect(test.pViolation == 0.5 && test.pGain == 0.5 && test.unavailableReason == nil)
        #expect(test.interval(level: 0.9) == nil)
    }

    // Fewer than two positives that can be paired within a site, or one class only: NA.
    @Test func tooLittleInformationIsNA() throws {
        let onePositive = try Self.test([Site(positives: [(0.7, 0.8)], negatives: [(0.2, 0.3), (0.4, 0.1)]),
                                         Site(positives: [(0.6, 0.9)], negatives: [])])
        #expect(onePositive.positives == 1 && onePositive.gain != nil && onePositive.z == nil)
        #expect(onePositive.unavailableReason?.contains("only one positive") == true)
        let oneClass = try Self.test([Site(positives: [], negatives: [(0.2, 0.3), (0.4, 0.1)])])
        #expect(oneClass.gain == nil && oneClass.unavailableReason?.contains("one class") == true)
    }

    // The evaluator carries the reason, interval and cautions as data on the comparison.
    @Test func comparisonCarriesReasonIntervalAndCaution() throws {
        let parts = Self.singletonSites.enumerated().map { k, site in
            let rows = site.positives.map { (UInt8(1), $0) } + site.negatives.map { (UInt8(0), $0) }
            return GroupStatistics.extract(
                key: "g", target: 1,
                rows: GroupRows(labels: rows.map(\.0), probabilities: rows.flatMap { [$0.1.0, $0.1.1] }, modelCount: 2),
                settings: ExtractionSettings(bootstrapReplicates: 0, site: "s\(k)"))
        }
        let stats = try #require(GroupStatistics.pooled(parts))
        let comparison = MetricEstimates(metric: .auc, stats: stats).comparison(comparator: 0, settings: EvaluationSettings(alpha: 0.10))
        #expect(comparison.primary.intervalLower.map { abs($0 - -0.40363701173394273) < 1e-13 } == true)
        #expect(comparison.primary.standardError == comparison.standardError)
        let caution = try #require(comparison.caution)
        #expect(caution.contains("2 sites have a single positive or negative"))
        #expect(caution.contains("positives: pooled over sites, 5 df"))
        #expect(caution.contains("small group (n = 16)"))
    }
}
