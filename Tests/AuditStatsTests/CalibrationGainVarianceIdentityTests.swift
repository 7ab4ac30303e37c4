import Foundation
import AuditCore
import Testing
@testable import AuditStats

/// The fast paths of the exact ECE variance must give the very bits of the plain computation, or
/// the federated report would change: the fused coefficient loop with tabled square roots, the
/// bin cache, the side-by-side pair sums, and the heterogeneity table run one job per metric and
/// group. The oracle here is the plain algorithm written out again in the test (two coefficient
/// passes, one pair at a time, one job per cell).
@Suite("Calibration test: exact variance, fast path bit for bit")
struct CalibrationGainVarianceIdentityTests {
    /// The plain Var T: every bin's coefficients from two ``CalibrationGainVariance/Bin/coefficients``
    /// passes, then the pairs one at a time in a scalar loop.
    static func plainVariance(centre: [Double], covariance: [Double], comparatorBins k: Int, rows n: Double) -> Double {
        let d = centre.count, terms = CalibrationGainVariance.terms
        let live = (0..<d).filter { covariance[$0 * d + $0] > 0 }
        struct Plain { let mean: Double, sd: Double, full: [Double], absolute: [Double], tail: Double }
        let bins = live.map { index -> Plain in
            let mean = centre[index], sd = covariance[index * d + index].squareRoot()
            let plain = CalibrationGainVariance.Bin.coefficients(mean: mean, sd: sd, spread: sd, terms: terms)
            let smoothed = CalibrationGainVariance.Bin.coefficients(mean: mean, sd: sd, spread: sd * 2.0.squareRoot(), terms: terms)
            let x = abs(mean) / sd
            let excess = sd * (2 * exp(-x * x / 2) / (2 * Double.pi).squareRoot() - 2 * x * NormalDistribution.cdf(-x))
            let variance = sd * sd - excess * (excess + 2 * abs(mean))
            return Plain(mean: mean, sd: sd, full: zip(plain, smoothed).map { 2 * $0 - $1 }, absolute: plain,
                         tail: max(0, variance - plain.reduce(0) { $0 + $1 * $1 }))
        }
        var total = 0.0
        for i in bins.indices {
            let a = bins[i]
            var diagonal = 0.0
            for t in 0..<terms { diagonal += a.full[t] * a.full[t] }
            total += diagonal + 4 * a.tail
            for j in (i + 1)..<bins.count {
                let b = bins[j]
                let rho = min(1, max(-1, covariance[live[i] * d + live[j]] / (a.sd * b.sd)))
                guard rho != 0 else { continue }
                var series = 0.0, absolute = 0.0, power = 1.0
                for t in 0..<terms {
                    power *= rho
                    series += power * a.full[t] * b.full[t]
                    absolute += power * a.absolute[t] * b.absolute[t]
                }
                let bound = 4 * abs(power * rho) * (a.tail * b.tail).squareRoot()
                if bound > CalibrationGainVariance.tailTolerance * a.sd * b.sd {
                    let price = CalibrationGainVariance.absoluteCovariance(
                        CalibrationGainVariance.Bin(mean: a.mean, sd: a.sd, terms: 1),
                        CalibrationGainVariance.Bin(mean: b.mean, sd: b.sd, terms: 1), rho: rho)
                    series += 4 * (price - absolute)
                }
                total += 2 * (live[i] < k ? 1.0 : -1.0) * (live[j] < k ? 1.0 : -1.0) * series
            }
        }
        return max(total, 0) / (n * n)
    }

    /// A seeded covariance of dimension d: A·Aᵀ with some bins without variance, some pairs
    /// uncorrelated (ρ = 0 exactly) and some nearly collinear (ρ ≈ 1, Price's integral).
    static func randomCase(d: Int, seed: UInt64) -> (centre: [Double], covariance: [Double]) {
        var generator = Xoshiro256StarStar(seed: seed)
        func uniform() -> Double { Double(generator.next() >> 11) * 0x1p-53 }
        var factor = (0..<(d * d)).map { _ in uniform() * 2 - 1 }
        for a in 0..<d where uniform() < 0.15 { for j in 0..<d { factor[a * d + j] = 0 } }   // σ = 0
        if d >= 3 { for j in 0..<d { factor[2 * d + j] = factor[j] * 1.000001 + (j == 0 ? 1e-4 : 0) } }  // ρ ≈ 1
        var covariance = [Double](repeating: 0, count: d * d)
        for a in 0..<d { for b in 0..<d { for j in 0..<d { covariance[a * d + b] += factor[a * d + j] * factor[b * d + j] } } }
        for a in 0..<d { for b in 0..<d where a != b && (a + b) % 5 == 0 { covariance[a * d + b] = 0 } }   // ρ = 0
        let centre = (0..<d).map { a -> Double in
            switch a % 4 {
            case 0: 0
            case 1: uniform() * 0.1 - 0.05
            case 2: uniform() * 40 - 20
            default: uniform() * 4 - 2
            }
        }
        return (centre, covariance)
    }

    /// Dimensions 1 … 23 cover every remainder of the lanes; two seeds each.
    @Test(arguments: Array(1...23))
    func varianceIsThePlainLoopBitForBit(d: Int) {
        for seed in [UInt64(d), UInt64(1000 + d)] {
            let c = Self.randomCase(d: d, seed: seed)
            let k = d / 2
            let plain = Self.plainVariance(centre: c.centre, covariance: c.covariance, comparatorBins: k, rows: 37)
            var cache = CalibrationGainVariance.BinCache()
            let fast = CalibrationGainVariance.variance(centre: c.centre, covariance: c.covariance, comparatorBins: k, rows: 37)
            let cached = CalibrationGainVariance.variance(centre: c.centre, covariance: c.covariance, comparatorBins: k, rows: 37,
                                                          cache: &cache)
            // Again from a cache that already holds every bin.
            let again = CalibrationGainVariance.variance(centre: c.centre, covariance: c.covariance, comparatorBins: k, rows: 37,
                                                         cache: &cache)
            #expect(fast.bitPattern == plain.bitPattern, "d = \(d), seed \(seed): \(fast) vs plain \(plain)")
            #expect(cached.bitPattern == plain.bitPattern && again.bitPattern == plain.bitPattern, "d = \(d), seed \(seed)")
        }
    }

    /// The fused loop against two passes of the reference, over means and SDs from tiny to huge,
    /// signed zeros, and means many SDs away.
    @Test func coefficientPairIsTwoPassesBitForBit() {
        let means = [0.0, -0.0, 1e-300, -2.5e-8, 0.3, -1.7, 12.0, -80.0, 1e6, 5e-324]
        let sds = [1e-300, 1e-9, 0.01, 0.7, 1.0, 3.3, 250.0, 1e8]
        for mean in means {
            for sd in sds {
                let pair = CalibrationGainVariance.Bin.coefficientPair(mean: mean, sd: sd, terms: CalibrationGainVariance.terms)
                let plain = CalibrationGainVariance.Bin.coefficients(mean: mean, sd: sd, spread: sd, terms: CalibrationGainVariance.terms)
                let smoothed = CalibrationGainVariance.Bin.coefficients(mean: mean, sd: sd, spread: sd * 2.0.squareRoot(),
                                                                        terms: CalibrationGainVariance.terms)
                #expect(pair.plain.map(\.bitPattern) == plain.map(\.bitPattern), "mean \(mean), sd \(sd)")
                #expect(pair.smoothed.map(\.bitPattern) == smoothed.map(\.bitPattern), "mean \(mean), sd \(sd)")
            }
        }
    }

    /// A cache holds distinct bins apart: many bins, some with equal means or equal SDs, through
    /// several growths of its table, each the bits of a fresh bin.
    @Test func cacheKeepsBinsApart() {
        var cache = CalibrationGainVariance.BinCache()
        let terms = CalibrationGainVariance.terms
        for round in 0..<2 {
            for i in 0..<700 {
                let mean = Double(i % 37) * 0.25 - 4, sd = 0.5 + Double(i / 37) * 0.125
                let cached = cache.bin(mean: mean, sd: sd, terms: terms)
                let fresh = CalibrationGainVariance.Bin(mean: mean, sd: sd, terms: terms)
                #expect(cached.mean == mean && cached.sd == sd, "round \(round), bin \(i)")
                #expect(cached.full.map(\.bitPattern) == fresh.full.map(\.bitPattern), "round \(round), bin \(i)")
                #expect(cached.absoluteTail.bitPattern == fresh.absoluteTail.bitPattern, "round \(round), bin \(i)")
            }
        }
    }

    /// The binary heterogeneity table (one job per metric and group, a cache per job) against the
    /// generic one job per cell with no cache, on four sites of three groups: equal entry by entry.
    @Test func heterogeneityTableIsThePerCellTable() throws {
        let keys = ["g=a", "g=b", "g=c"], rowsPerSite = 240
        let sites = (0..<4).map { s -> SiteStatistics in
            var generator = Xoshiro256StarStar(seed: 77 + UInt64(s))
            func uniform() -> Double { Double(generator.next() >> 11) * 0x1p-53 }
            let groups = (0..<rowsPerSite).map { Int32($0 % keys.count) }
            let latent = (0..<rowsPerSite).map { _ in uniform() * 4 - 2 }
            func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }
            var labels: [UInt8] = [], generic: [Double] = [], personalized: [Double] = []
            for z in latent {
                labels.append(uniform() < sigmoid(z) ? 1 : 0)
                generic.append(sigmoid(0.7 * z + uniform() - 0.5))
                for j in 0..<keys.count {
                    let shift: Double = 0.1 * Double(j) + uniform() * 0.6 - 0.3
                    personalized.append(sigmoid(z + shift))
                }
            }
            let predictions = Predictions(keys: keys, sites: Array(repeating: "s\(s)", count: rowsPerSite), groups: groups,
                                          labels: labels, generic: generic, personalized: personalized)
            return SiteStatistics.extract(from: predictions, site: "s\(s)",
                                          settings: ExtractionSettings(eceBins: 10, bootstrapReplicates: 200, rootSeed: 5, site: "s\(s)"))
        }
        let metrics: [Metric] = [.error, .auc, .ece]
        let settings = EvaluationSettings(metrics: metrics, calibrationDraws: 200, seed: 5)
        let table = Heterogeneity.entries(sites: sites, settings: settings)
        let perCell = Heterogeneity.entries(sites: sites, keys: keys, metrics: metrics) { (site: SiteStatistics, metric: Metric, j: Int, comparator: Int) in
            site.groups[j].flatMap { Heterogeneity.siteEstimate(site: site.site, metric: metric, stats: $0, comparator: comparator) }
        }
        #expect(table.count == perCell.count)
        #expect(table.contains { $0.metric == Metric.ece })
        #expect(table == perCell)
    }
}

/// The calibration test's drawn SE with the rows of Σ^{1/2} Z summed side by side must be the plain
/// loop's bits (the pooled test's p-values and the report depend on them): the plain loop written
/// out again here, over every width remainder, with and without constant bins.
@Suite("Calibration test: drawn SE, fast path bit for bit")
struct DrawnStandardErrorIdentityTests {
    static func plainDrawnStandardError(centre: [Double], sigma: [Double], live: [Int], root: [Double], comparatorBins k: Int,
                                        rows n: Double, draws: Int, generator: Xoshiro256StarStar) -> Double {
        var generator = generator
        var normal = GaussianSource()
        let width = live.count
        var mean = 0.0, squares = 0.0
        for b in 0..<draws {
            let z = (0..<width).map { _ in normal.next(using: &generator) }
            var total = 0.0, i = 0
            for a in centre.indices {
                let term: Double
                if i < width && live[i] == a {
                    var x = centre[a]
                    for j in 0..<width { x += root[i * width + j] * z[j] }
                    term = 2 * abs(x) - CalibrationGainTest.expectedAbsolute(mean: x, sd: sigma[a])
                    i += 1
                } else {
                    term = 2 * abs(centre[a]) - CalibrationGainTest.expectedAbsolute(mean: centre[a], sd: sigma[a])
                }
                total += a < k ? term : -term
            }
            let value = total / n
            let delta = value - mean
            mean += delta / Double(b + 1)
            squares += delta * (value - mean)
        }
        return (squares / Double(draws - 1)).squareRoot()
    }

    @Test(arguments: Array(1...13))
    func drawnSEIsThePlainLoopBitForBit(d: Int) {
        let c = CalibrationGainVarianceIdentityTests.randomCase(d: d, seed: 500 + UInt64(d))
        let live = (0..<d).filter { c.covariance[$0 * d + $0] > 0 }
        guard !live.isEmpty else { return }
        var reduced = [Double]()
        for a in live { for b in live { reduced.append(c.covariance[a * d + b]) } }
        let root = SymmetricSquareRoot.factor(reduced, dimension: live.count)
        let sigma = (0..<d).map { max(c.covariance[$0 * d + $0], 0).squareRoot() }
        let fast = CalibrationGainTest.drawnStandardError(centre: c.centre, sigma: sigma, live: live, root: root, comparatorBins: d / 2,
                                                          rows: 41, draws: 300, generator: Xoshiro256StarStar(seed: 9))
        let plain = Self.plainDrawnStandardError(centre: c.centre, sigma: sigma, live: live, root: root, comparatorBins: d / 2,
                                                 rows: 41, draws: 300, generator: Xoshiro256StarStar(seed: 9))
        #expect(fast.bitPattern == plain.bitPattern, "d = \(d), live \(live.count): \(fast) vs plain \(plain)")
        #expect(fast > 0)
    }
}
