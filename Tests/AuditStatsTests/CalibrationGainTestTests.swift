import Foundation
import Testing
@testable import AuditStats

/// The calibration test against a row-level oracle written here from the formulas of
/// Docs/methods.md ("The calibration test"), sharing no code with `CalibrationStratum`,
/// `CalibrationCoarsening` or `CalibrationGainTest`.
@Suite("Calibration test")
struct CalibrationGainTestTests {
    /// Rows of one group: site index, label, and each model's probability (row-major).
    struct Rows {
        var sites: [Int], labels: [UInt8], p: [Double], models: Int
        var count: Int { labels.count }
    }

    static func rows(seed: UInt64, n: Int, models: Int, sites: Int, bias: Double = 0) -> Rows {
        var rng = Xoshiro256StarStar(seed: seed)
        func u() -> Double { Double(rng.next() >> 11) * 0x1.0p-53 }
        var out = Rows(sites: [], labels: [], p: [], models: models)
        for _ in 0..<n {
            let risk = 0.05 + 0.9 * u()
            out.sites.append(Int(rng.nextBounded(UInt64(sites))))
            out.labels.append(u() < risk ? 1 : 0)
            for _ in 0..<models { out.p.append(min(1, max(0, risk + bias + 0.15 * (u() - 0.5)))) }
        }
        return out
    }

    /// The audit's statistics of the rows: one `GroupStatistics` per site, pooled in site order.
    static func statistics(_ rows: Rows, target: Int, bins: Int = 10) throws -> GroupStatistics {
        let parts = Set(rows.sites).sorted().map { site -> GroupStatistics in
            let mine = rows.sites.indices.filter { rows.sites[$0] == site }
            let local = GroupRows(labels: mine.map { rows.labels[$0] },
                                  probabilities: mine.flatMap { i in rows.p[(i * rows.models)..<((i + 1) * rows.models)] },
                                  modelCount: rows.models)
            return GroupStatistics.extract(key: "g", target: target, rows: local,
                                           settings: ExtractionSettings(eceBins: bins, bootstrapReplicates: 0, site: "s\(site)"))
        }
        return try #require(GroupStatistics.pooled(parts))
    }

    /// Oracle bin: the first k with p ≤ (k+1)/K (right-closed, p = 0 in bin 0), by a linear scan.
    static func oracleBin(_ p: Double, _ k: Int) -> Int {
        for b in 0..<k where p <= Double(b + 1) / Double(k) { return b }
        return k - 1
    }

    /// Row-level S and Σ: v_i holds row i's residual at its bin under c (first K) and under t;
    /// Σ = Σ_sites Σ_i (v_i − v̄_s)(v_i − v̄_s)ᵀ.
    static func oracleMoments(_ rows: Rows, comparator c: Int, target t: Int, bins k: Int) -> ([Double], [[Double]]) {
        let d = 2 * k
        var s = [Double](repeating: 0, count: d)
        var sigma = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        for site in Set(rows.sites) {
            let mine = rows.sites.indices.filter { rows.sites[$0] == site }
            let vectors = mine.map { i -> [Double] in
                var v = [Double](repeating: 0, count: d)
                let pc = rows.p[i * rows.models + c], pt = rows.p[i * rows.models + t], y = Double(rows.labels[i])
                v[oracleBin(pc, k)] = pc - y
                v[k + oracleBin(pt, k)] = pt - y
                return v
            }
            let mean = (0..<d).map { a in vectors.reduce(0) { $0 + $1[a] } / Double(mine.count) }
            for v in vectors {
                for a in 0..<d {
                    s[a] += v[a]
                    for b in 0..<d { sigma[a][b] += (v[a] - mean[a]) * (v[b] - mean[b]) }
                }
            }
        }
        return (s, sigma)
    }

    /// E|N(m, s²)| from its definition as an integral, by Simpson's rule over m ± 12s, split
    /// at the kink of |x| at 0 so each piece is smooth.
    static func foldedMean(_ m: Double, _ s: Double) -> Double {
        guard s > 0 else { return abs(m) }
        func density(_ x: Double) -> Double { exp(-(x - m) * (x - m) / (2 * s * s)) / (s * (2 * Double.pi).squareRoot()) }
        func simpson(_ lo: Double, _ hi: Double) -> Double {
            guard hi > lo else { return 0 }
            let steps = 20000, h = (hi - lo) / Double(steps)
            var total = 0.0
            for i in 0...steps {
                let x = lo + Double(i) * h
                total += abs(x) * density(x) * (i == 0 || i == steps ? 1 : (i % 2 == 1 ? 4 : 2))
            }
            return total * h / 3
        }
        let lo = m - 12 * s, hi = m + 12 * s
        return simpson(lo, min(0, hi)) + simpson(max(0, lo), hi)
    }

    @Test(arguments: [(1, 11), (3, 12), (5, 13)])
    func momentsEqualTheRowLevelCovariance(sites: Int, seed: UInt64) throws {
        let rows = Self.rows(seed: seed, n: 300, models: 4, sites: sites)
        let stats = try Self.statistics(rows, target: 2)
        for c in [0, 1, 3] {
            let (sums, covariance, k) = CalibrationGainTest.moments(stats: stats, comparator: c)
            let (s, sigma) = Self.oracleMoments(rows, comparator: c, target: 2, bins: 10)
            #expect(k == 10)
            for a in 0..<20 {
                #expect(abs(sums[a] - s[a]) < 1e-10)
                for b in 0..<20 { #expect(abs(covariance[a * 20 + b] - sigma[a][b]) < 1e-10, "Σ[\(a)][\(b)]") }
            }
        }
    }

    @Test func estimateIsTheBiasCorrectedGain() throws {
        let rows = Self.rows(seed: 21, n: 400, models: 3, sites: 2)
        let stats = try Self.statistics(rows, target: 1)
        let test = CalibrationGainTest(stats: stats, comparator: 0, draws: 200, seed: 1)
        let (s, sigma) = Self.oracleMoments(rows, comparator: 0, target: 1, bins: 10)
        var expected = 0.0, plugIn = 0.0
        for a in 0..<20 {
            let term = 2 * abs(s[a]) - Self.foldedMean(s[a], sigma[a][a].squareRoot())
            expected += a < 10 ? term : -term
            plugIn += a < 10 ? abs(s[a]) : -abs(s[a])
        }
        #expect(abs(test.estimate - expected / 400) < 1e-9)
        #expect(abs(test.plugInGain - plugIn / 400) < 1e-12)
        // The folded-normal mean in closed form against the integral, across regimes.
        for (m, sd) in [(0.0, 1.0), (0.3, 1.0), (-2.5, 0.7), (8.0, 1.0), (1.0, 0.0)] {
            #expect(abs(CalibrationGainTest.expectedAbsolute(mean: m, sd: sd) - Self.foldedMean(m, sd)) < 1e-9)
        }
    }

    /// Where every bin is far from calibrated (all predictions shifted up by 0.4), |·| is linear
    /// around the truth, the shrunken centre is the estimate itself, and the SE must equal the
    /// delta-method SE √(wᵀΣw)/n with w = ±sign(S): an independent closed form.
    @Test func standardErrorMatchesTheDeltaMethodWhereLinear() throws {
        let rows = Self.rows(seed: 31, n: 3000, models: 2, sites: 2, bias: 0.4)
        let stats = try Self.statistics(rows, target: 1)
        let test = CalibrationGainTest(stats: stats, comparator: 0, draws: 8000, seed: 9)
        let (s, sigma) = Self.oracleMoments(rows, comparator: 0, target: 1, bins: 10)
        let w = (0..<20).map { a in (a < 10 ? 1.0 : -1.0) * (s[a] > 0 ? 1 : (s[a] < 0 ? -1 : 0)) }
        var variance = 0.0
        for a in 0..<20 { for b in 0..<20 { variance += w[a] * sigma[a][b] * w[b] } }
        let delta = variance.squareRoot() / 3000
        let se = try #require(test.standardError)
        // Monte Carlo error of an SD from 8000 draws: about 1/√(2·8000) ≈ 0.8 % relative.
        #expect(abs(se / delta - 1) < 0.04, "SE \(se) vs delta method \(delta)")
        let z = try #require(test.z)
        #expect(abs((try #require(test.pViolation)) - 0.5 * erfc(-z / 2.squareRoot())) < 1e-12)
        let interval = try #require(test.interval(level: 0.9))
        #expect(abs(interval.upperBound - test.estimate - 1.6448536269514722 * se) < 1e-9)
    }

    @Test func reproducibleFromTheSeed() throws {
        let stats = try Self.statistics(Self.rows(seed: 41, n: 200, models: 3, sites: 3), target: 1)
        let a = CalibrationGainTest(stats: stats, comparator: 2, draws: 500, seed: 77)
        let b = CalibrationGainTest(stats: stats, comparator: 2, draws: 500, seed: 77)
        let c = CalibrationGainTest(stats: stats, comparator: 2, draws: 500, seed: 78)
        #expect(a == b)
        #expect(a.standardError != c.standardError)
        #expect(a.estimate == c.estimate)
    }

    @Test func undefinedCasesSayWhy() throws {
        let stats = try Self.statistics(Self.rows(seed: 51, n: 100, models: 2, sites: 1), target: 1)
        let noDraws = CalibrationGainTest(stats: stats, comparator: 0, draws: 0, seed: 1)
        #expect(noDraws.pViolation == nil && noDraws.pGain == nil)
        #expect(noDraws.unavailableReason?.contains("tests.bootstrap is 0") == true)
        // Every residual equal within its bin and site (one row per site): no variance anywhere.
        let single = Rows(sites: [0, 1], labels: [1, 0], p: [0.5, 0.6, 0.2, 0.3], models: 2)
        let constant = CalibrationGainTest(stats: try Self.statistics(single, target: 1), comparator: 0, draws: 100, seed: 1)
        #expect(constant.pViolation == nil)
        #expect(constant.unavailableReason?.contains("no variance") == true)
    }

    /// Merged bins: the test runs on the sites' common coarsening, and the caution names it.
    @Test func mergedBinsAreCautioned() throws {
        let rows = Self.rows(seed: 61, n: 60, models: 3, sites: 1)
        let site = try Self.statistics(rows, target: 1)
        let (merged, changed) = CalibrationCoarsening.enforceMinimum(site, minCount: 8)
        #expect(changed)
        let caution = try #require(CalibrationGainTest.binCaution(merged, comparator: 0))
        let stratum = try #require(merged.calibration.first)
        #expect(caution.contains("the ECE of h_g uses \(stratum.bins[1].binCount) of 10 bins, the comparator's \(stratum.bins[0].binCount)"))
        // Each model is merged on its own counts only.
        for bins in stratum.bins { #expect(bins.counts.allSatisfy { $0 == 0 || $0 >= 8 }) }
        let test = CalibrationGainTest(stats: merged, comparator: 0, draws: 300, seed: 2)
        #expect(test.standardError != nil)
        #expect(CalibrationGainTest.binCaution(site, comparator: 0) == nil)
        // The row-level moments on the merged bins: merge the oracle's base-bin moments by the same edges.
        let (sums, _, k) = CalibrationGainTest.moments(stats: merged, comparator: 0)
        let (s, _) = Self.oracleMoments(rows, comparator: 0, target: 1, bins: 10)
        let edges = stratum.edges(model: 0)
        for (j, upper) in edges.enumerated() {
            let lower = j == 0 ? 0 : edges[j - 1] + 1
            #expect(abs(sums[j] - (lower...upper).reduce(0) { $0 + s[$1] }) < 1e-10)
        }
        #expect(k == edges.count)
    }
}
