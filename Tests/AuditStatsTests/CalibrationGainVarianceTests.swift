import Foundation
import Testing
@testable import AuditStats

/// The exact variance of the calibration test's gain (`CalibrationGainVariance`, used by the
/// heterogeneity table) against two oracles that share no code with the Mehler series: adaptive
/// quadrature in scipy (`Docs/calcs/calibration_variance.py`, values pasted below) and the test's
/// own multiplier draws (`drawnStandardError`, a Monte Carlo algorithm) with a very large B.
@Suite("Calibration test: exact variance")
struct CalibrationGainVarianceTests {
    /// A hand-written case of the scipy script: centre, row-major covariance, comparator bins, rows,
    /// and Var T as the script printed it.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String, centre: [Double], covariance: [Double], bins: Int, rows: Double, variance: Double
        var testDescription: String { name }
    }

    static let cases = [
        // ρ = 0.99 between the comparator's bin 0 and the target's bin 0.
        Case(name: "correlated", centre: [1.2, -0.7, 0.9, -0.5],
             covariance: [2.0, -0.05, 1.98, 0.0, -0.05, 1.5, 0.0, 1.2, 1.98, 0.0, 2.0, -0.02, 0.0, 1.2, -0.02, 1.5],
             bins: 2, rows: 40, variance: 0.0007222736712529348),
        // A near-calibrated bin (μ̃ ≈ 0) next to miscalibrated ones.
        Case(name: "near calibrated", centre: [0.0, 3.5, 0.02, 2.8],
             covariance: [1.0, 0.0, 0.6, 0.1, 0.0, 2.0, 0.2, 1.5, 0.6, 0.2, 1.1, 0.0, 0.1, 1.5, 0.0, 1.8],
             bins: 2, rows: 25, variance: 0.00314539251925205),
        // A bin without variance (σ = 0): a constant of T.
        Case(name: "constant bin", centre: [0.8, 1.7, -0.4],
             covariance: [0.9, 0.0, 0.5, 0.0, 0.0, 0.0, 0.5, 0.0, 0.7],
             bins: 2, rows: 12, variance: 0.011025701393491105),
    ]

    /// scipy's adaptive quadrature is good to ~10⁻¹² relative; the series to ~10⁻⁹ (measured, see
    /// `CalibrationGainVariance`): 10⁻⁸ leaves room for both and still catches a wrong coefficient.
    @Test(arguments: cases)
    func matchesScipyQuadrature(_ c: Case) {
        let exact = CalibrationGainVariance.variance(centre: c.centre, covariance: c.covariance, comparatorBins: c.bins, rows: c.rows)
        #expect(abs(exact / c.variance - 1) < 1e-8, "\(c.name): \(exact) vs scipy \(c.variance)")
    }

    /// B = 400,000 draws of the primary path. The relative Monte Carlo SE of a sample SD is
    /// √((κ − 1)/(4B)) for kurtosis κ; T is a sum of folded-normal-like terms (κ ≤ 5), so ≤ 0.16 %;
    /// the tolerance is five of those, 0.8 %.
    @Test(arguments: cases)
    func matchesManyDraws(_ c: Case) {
        let d = c.centre.count
        let live = (0..<d).filter { c.covariance[$0 * d + $0] > 0 }
        var reduced = [Double]()
        for a in live { for b in live { reduced.append(c.covariance[a * d + b]) } }
        let root = SymmetricSquareRoot.factor(reduced, dimension: live.count)
        let sigma = (0..<d).map { c.covariance[$0 * d + $0].squareRoot() }
        let drawn = CalibrationGainTest.drawnStandardError(
            centre: c.centre, sigma: sigma, live: live, root: root, comparatorBins: c.bins, rows: c.rows,
            draws: 400_000, generator: Xoshiro256StarStar(seed: 2026))
        let exact = CalibrationGainVariance.variance(centre: c.centre, covariance: c.covariance, comparatorBins: c.bins, rows: c.rows)
        #expect(abs(exact.squareRoot() / drawn - 1) < 0.008, "\(c.name): exact SE \(exact.squareRoot()) vs drawn \(drawn)")
    }

    /// The whole test on real moments (20 bins of two models, shrunken centre, near-calibrated
    /// and miscalibrated bins alike): the exact SE against the drawn SE at B = 400,000, same
    /// tolerance as above; the estimate itself is the drawn test's, bit for bit.
    @Test(arguments: [(UInt64(3), 0.0), (UInt64(4), 0.08)])
    func wholeTestMatchesManyDraws(seed: UInt64, bias: Double) throws {
        let rows = CalibrationGainTestTests.rows(seed: seed, n: 1500, models: 3, sites: 1, bias: bias)
        let stats = try CalibrationGainTestTests.statistics(rows, target: 1)
        for comparator in [0, 2] {
            let exact = CalibrationGainTest(exactVarianceOf: stats, comparator: comparator)
            let drawn = CalibrationGainTest(stats: stats, comparator: comparator, draws: 400_000, seed: seed)
            let se = try #require(exact.standardError), reference = try #require(drawn.standardError)
            #expect(exact.estimate == drawn.estimate && exact.plugInGain == drawn.plugInGain)
            #expect(abs(se / reference - 1) < 0.008, "comparator \(comparator): exact \(se) vs drawn \(reference)")
        }
    }

    /// Where every bin is far from calibrated, T is linear in S and Var T = wᵀΣw/n² with
    /// w = ±sign(μ̃): a closed form the series must reach to rounding.
    @Test func linearRegimeIsTheDeltaMethod() {
        let centre = [40.0, -35.0, 50.0, 38.0]
        let covariance = [2.0, 0.3, 1.5, 0.0, 0.3, 1.0, 0.2, 0.4, 1.5, 0.2, 3.0, -0.1, 0.0, 0.4, -0.1, 1.2]
        let w = [1.0, -1.0, -1.0, -1.0]
        var delta = 0.0
        for a in 0..<4 { for b in 0..<4 { delta += w[a] * w[b] * covariance[a * 4 + b] } }
        let exact = CalibrationGainVariance.variance(centre: centre, covariance: covariance, comparatorBins: 2, rows: 10)
        #expect(abs(exact / (delta / 100) - 1) < 1e-12)
    }

    @Test func undefinedWithoutVariance() throws {
        let single = CalibrationGainTestTests.Rows(sites: [0, 1], labels: [1, 0], p: [0.5, 0.6, 0.2, 0.3], models: 2)
        let test = CalibrationGainTest(exactVarianceOf: try CalibrationGainTestTests.statistics(single, target: 1), comparator: 0)
        #expect(test.standardError == nil && test.pViolation == nil)
        #expect(test.unavailableReason?.contains("no variance") == true)
        #expect(CalibrationGainVariance.variance(centre: [1, 2], covariance: [0, 0, 0, 0], comparatorBins: 1, rows: 5) == 0)
    }

    /// The heterogeneity table's per-site ECE estimate is the exact-variance test: no seed, no B.
    @Test func heterogeneityUsesTheExactVariance() throws {
        let stats = try CalibrationGainTestTests.statistics(CalibrationGainTestTests.rows(seed: 8, n: 600, models: 3, sites: 1), target: 1)
        let estimate = try #require(Heterogeneity.siteEstimate(site: "a", metric: .ece, stats: stats, comparator: 2))
        let test = CalibrationGainTest(exactVarianceOf: stats, comparator: 2)
        let se = try #require(test.standardError)
        #expect(estimate.value == test.estimate && estimate.variance == se * se)
    }

    /// The 32-point Gauss–Legendre rule integrates x^62 exactly and its weights sum to 2.
    @Test func gaussLegendreRule() {
        let rule = GaussLegendre.rule32
        #expect(rule.count == 32)
        #expect(abs(rule.reduce(0) { $0 + $1.weight } - 2) < 1e-14)
        #expect(abs(rule.reduce(0) { $0 + $1.weight * pow($1.node, 62) } - 2.0 / 63) < 1e-14)
    }
}
