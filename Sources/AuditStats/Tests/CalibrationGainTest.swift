import Foundation

/// The primary test of a paired ECE gain Δ = ECE(c) − ECE(h_g) on one group's rows (methods
/// document, "Calibration test"): a bias-corrected estimate studentized by a Gaussian multiplier
/// law drawn at the coordinator from per-site moments, so nothing a site sends grows with B.
///
/// With S the 2K-vector of the two models' bin residual sums (S_a = Σ_{i∈a} (p_i − y_i)) and n
/// the group's rows, ECE(r) = Σ_k |S_{r,k}| / n. The bin sums are asymptotically Gaussian,
/// S ≈ N(μ, Σ), with Σ estimated from each site stratum's moments (sites are independent):
/// Σ = Σ_s [Σ_{i∈s} v_i v_iᵀ − (Σ_{i∈s} v_i)(Σ_{i∈s} v_i)ᵀ / n_s], v_i the row's residual in its bin
/// of each model (diagonal: Σ r²; cross block: the joint-bin Σ r_c r_t; same-model off-diagonal 0).
///
/// 1. **Bias correction** (Kumar, Liang & Ma 2019, "Verified uncertainty calibration", §5): |S_a|
///    overestimates |μ_a| by E|N(μ_a, σ_a²)| − |μ_a|; each bin's term becomes
///    2|S_a| − E|N(S_a, σ_a²)|, with E|N(m, s²)| = s√(2/π)·e^{−m²/2s²} + m(1 − 2Φ(−m/s)) in closed
///    form. T = Σ (terms of c − terms of h_g) / n estimates Δ.
/// 2. **Standard error.** The plug-in multiplier (or row) bootstrap centres the law at S, whose
///    |S_a| exceeds |μ_a| in near-calibrated bins, and so overstates the variance of |·| there
///    (measured: bootstrap SE 15–25 % too large, a test at 0.10 rejecting 1–2 %). The draws are
///    centred instead at the James–Stein-type shrunken means μ̃_a = S_a·√max(0, 1 − κσ_a²/S_a²),
///    κ = 3 (chosen by null simulation, `fairuse simulate calibration`), and SE = SD of T over
///    B draws S* = μ̃ + Σ^{1/2} Z (Σ^{1/2} of the nearest PSD matrix, `SymmetricSquareRoot`).
/// 3. z = T / SE; p_violation = Φ(z) (H1: Δ < 0), p_gain = 1 − Φ(z); interval T ± z_{1−(1−level)/2}·SE.
///
/// Draws come from a xoshiro256** stream keyed by (seed, group, comparator), so a result is
/// reproducible from the audit's seed. Undefined (nil p) when B = 0, the group has no rows, or the
/// draws have no spread (both models' residuals are constant in every bin).
public struct CalibrationGainTest: Sendable, Equatable {
    /// Shrinkage constant κ of the centre of the draws (see the type's documentation).
    public static let shrinkage = 3.0

    /// Plug-in gain ECE(c) − ECE(h_g).
    public let plugInGain: Double
    /// Bias-corrected gain T.
    public let estimate: Double
    /// Standard error of T; nil when undefined.
    public let standardError: Double?
    /// Why the test is undefined; nil when defined.
    public let unavailableReason: String?

    /// The test of comparator `comparator` against the group's own model, its SE from `draws` seeded draws.
    public init(stats: GroupStatistics, comparator c: Int, draws: Int, seed: UInt64) {
        self.init(CalibrationGainTest.Setup(stats: stats, comparator: c)) { setup in
            guard draws >= 2 else { return (nil, "tests.bootstrap is 0: the calibration test draws no Monte Carlo sample") }
            let (sums, covariance, sigma, d) = (setup.sums, setup.covariance, setup.sigma, setup.sums.count)
            // Keep the dimensions with variance; the others are constants of every draw.
            let live = (0..<d).filter { covariance[$0 * d + $0] > 0 }
            guard !live.isEmpty else { return (nil, "the calibration residuals have no variance in any bin") }
            var reduced = [Double](repeating: 0, count: live.count * live.count)
            for (i, a) in live.enumerated() { for (j, b) in live.enumerated() { reduced[i * live.count + j] = covariance[a * d + b] } }
            let root = SymmetricSquareRoot.factor(reduced, dimension: live.count)
            let centre = CalibrationGainTest.shrunkenCentre(sums: sums, sigma: sigma)
            let se = CalibrationGainTest.drawnStandardError(
                centre: centre, sigma: sigma, live: live, root: root, comparatorBins: setup.comparatorBins, rows: setup.rows,
                draws: draws, generator: CalibrationGainTest.stream(seed: seed, group: stats.key, comparator: c))
            guard se > 0, se.isFinite else { return (nil, "the calibration test's draws have no spread") }
            return (se, nil)
        }
    }

    /// The same test with the exact SE of T under the draws' Gaussian law (``CalibrationGainVariance``):
    /// the B → ∞ limit of the drawn SE, without Monte Carlo error or a seed. The heterogeneity table's
    /// per-site estimates use it; the primary pooled test keeps its draws.
    public init(exactVarianceOf stats: GroupStatistics, comparator c: Int) {
        var cache = CalibrationGainVariance.BinCache()
        self.init(exactVarianceOf: stats, comparator: c, cache: &cache)
    }

    /// The same, reusing the bins' coefficients in `cache` (``CalibrationGainVariance/BinCache``):
    /// bit for bit the value without it.
    init(exactVarianceOf stats: GroupStatistics, comparator c: Int, cache: inout CalibrationGainVariance.BinCache) {
        self.init(CalibrationGainTest.Setup(stats: stats, comparator: c)) { setup in
            let centre = CalibrationGainTest.shrunkenCentre(sums: setup.sums, sigma: setup.sigma)
            let se = CalibrationGainVariance.variance(centre: centre, covariance: setup.covariance,
                                                      comparatorBins: setup.comparatorBins, rows: setup.rows,
                                                      cache: &cache).squareRoot()
            guard se > 0, se.isFinite else { return (nil, "the calibration residuals have no variance in any bin") }
            return (se, nil)
        }
    }

    /// The test from its moments: undefined when the group has no rows, else the gains and what
    /// `standardError` gives (an SE, or why there is none). Both initialisers share this preamble.
    private init(_ setup: Setup, standardError: (Setup) -> (value: Double?, reason: String?)) {
        plugInGain = setup.plugInGain
        guard let estimate = setup.estimate else {
            self.estimate = 0; self.standardError = nil; unavailableReason = "the group has no rows"
            return
        }
        self.estimate = estimate
        (self.standardError, unavailableReason) = standardError(setup)
    }

    /// What both standard errors start from: the moments, the plug-in and bias-corrected gains.
    struct Setup {
        let sums: [Double], covariance: [Double], sigma: [Double]
        let comparatorBins: Int, rows: Double
        let plugInGain: Double
        /// T; nil when the group has no rows or no comparator bins.
        let estimate: Double?

        init(stats: GroupStatistics, comparator c: Int) {
            let n = Double(stats.count)
            let (sums, covariance, k) = CalibrationGainTest.moments(stats: stats, comparator: c)
            let d = sums.count
            self.sums = sums
            self.covariance = covariance
            comparatorBins = k
            rows = n
            plugInGain = (0..<d).reduce(0) { $0 + ($1 < k ? abs(sums[$1]) : -abs(sums[$1])) } / max(n, 1)
            let sigma = (0..<d).map { max(covariance[$0 * d + $0], 0).squareRoot() }
            self.sigma = sigma
            guard stats.count > 0, k > 0 else {
                estimate = nil
                return
            }
            var total = 0.0
            for a in 0..<d {
                let term = 2 * abs(sums[a]) - CalibrationGainTest.expectedAbsolute(mean: sums[a], sd: sigma[a])
                total += a < k ? term : -term
            }
            estimate = total / n
        }
    }

    /// The centre μ̃ of the draws: each bin sum shrunk towards 0 (see the type's documentation).
    static func shrunkenCentre(sums: [Double], sigma: [Double]) -> [Double] {
        sums.indices.map { a -> Double in
            let s = sums[a]
            guard s != 0 else { return 0 }
            return s * max(0, 1 - CalibrationGainTest.shrinkage * sigma[a] * sigma[a] / (s * s)).squareRoot()
        }
    }

    /// The SD of T over `draws` draws S* = μ̃ + Σ^{1/2} Z (Welford's running mean and sum of squares).
    ///
    /// Hot: the federated combine runs one test per group, comparator and technique with B draws.
    /// The arithmetic is exactly that of `corrected` applied to each draw, in the same order, so
    /// results are bit for bit those of the plain loop; only the work is less: a dimension without
    /// variance draws its centre every time, so its term is computed once; the rows of Σ^{1/2} Z are
    /// summed four at a time side by side (each lane the plain row sum, term by term, from Σ^{1/2}
    /// stored by columns); the buffers are read without bounds checks.
    static func drawnStandardError(centre: [Double], sigma: [Double], live: [Int], root: [Double], comparatorBins k: Int,
                                   rows n: Double, draws: Int, generator: Xoshiro256StarStar) -> Double {
        typealias Rows = SIMD4<Double>
        let d = centre.count, width = live.count, lanes = Rows.scalarCount
        let padded = (width + lanes - 1) / lanes * lanes
        var generator = generator
        var normal = GaussianSource()
        var isLive = [Bool](repeating: false, count: d)
        for a in live { isLive[a] = true }
        // The term of a dimension without variance (σ = 0: E|N(m, 0)| = |m|), the same every draw.
        let constant = (0..<d).map { a in isLive[a] ? 0 : 2 * abs(centre[a]) - expectedAbsolute(mean: centre[a], sd: sigma[a]) }
        // Σ^{1/2} by columns (column j at j · padded), the live centres, both padded with zeros.
        var columns = [Double](repeating: 0, count: width * padded)
        for i in 0..<width { for j in 0..<width { columns[j * padded + i] = root[i * width + j] } }
        var liveCentre = [Double](repeating: 0, count: padded)
        for (i, a) in live.enumerated() { liveCentre[i] = centre[a] }
        var z = [Double](repeating: 0, count: width)
        var x = [Double](repeating: 0, count: padded)
        var mean = 0.0, squares = 0.0
        columns.withUnsafeBufferPointer { columns in
            liveCentre.withUnsafeBufferPointer { liveCentre in
                sigma.withUnsafeBufferPointer { sigma in
                    z.withUnsafeMutableBufferPointer { z in
                        x.withUnsafeMutableBufferPointer { x in
                            for b in 0..<draws {
                                for i in 0..<width { z[i] = normal.next(using: &generator) }
                                // x_i = μ̃_i + Σ_j root[i][j] z_j, j in order, rows i … i + 3 at once.
                                var block = 0
                                while block < width {
                                    var sum = UnsafeRawPointer(liveCentre.baseAddress! + block).loadUnaligned(as: Rows.self)
                                    var column = columns.baseAddress! + block
                                    for j in 0..<width {
                                        sum += UnsafeRawPointer(column).loadUnaligned(as: Rows.self) * z[j]
                                        column += padded
                                    }
                                    UnsafeMutableRawPointer(x.baseAddress! + block).storeBytes(of: sum, as: Rows.self)
                                    block += lanes
                                }
                                var total = 0.0, i = 0
                                for a in 0..<d {
                                    let term: Double
                                    if isLive[a] {
                                        // live is ascending, so live[i] == a here.
                                        term = 2 * abs(x[i]) - expectedAbsolute(mean: x[i], sd: sigma[a])
                                        i += 1
                                    } else {
                                        term = constant[a]
                                    }
                                    total += a < k ? term : -term
                                }
                                let value = total / n
                                let delta = value - mean
                                mean += delta / Double(b + 1)
                                squares += delta * (value - mean)
                            }
                        }
                    }
                }
            }
        }
        return (squares / Double(draws - 1)).squareRoot()
    }

    /// z = T / SE; nil when undefined.
    public var z: Double? { standardError.map { estimate / $0 } }
    /// p for H1: Δ < 0 (a calibration harm): Φ(z).
    public var pViolation: Double? { z.map(NormalDistribution.cdf) }
    /// p for H1: Δ > 0: 1 − Φ(z).
    public var pGain: Double? { z.map(NormalDistribution.survival) }

    /// Two-sided interval T ± z_{1−(1−level)/2}·SE.
    public func interval(level: Double) -> ClosedRange<Double>? {
        guard let se = standardError else { return nil }
        let half = NormalDistribution.quantile(1 - (1 - level) / 2) * se
        return (estimate - half)...(estimate + half)
    }

    /// The bin sums S (the comparator's K_c bins, then the target's K_t) and their covariance Σ
    /// (row-major, d × d with d = K_c + K_t) from the group's site strata on their common bins,
    /// and K_c.
    static func moments(stats: GroupStatistics, comparator c: Int) -> (sums: [Double], covariance: [Double], bins: Int) {
        let aligned = stats.alignedCalibration.strata
        let t = stats.target
        let k = aligned.first?.bins[c].binCount ?? 0, kt = aligned.first?.bins[t].binCount ?? 0
        let d = k + kt
        var sums = [Double](repeating: 0, count: d)
        var covariance = [Double](repeating: 0, count: d * d)
        for stratum in aligned where stratum.count > 0 {
            let local = stratum.bins[c].residualSums + stratum.bins[t].residualSums
            for a in 0..<k { covariance[a * d + a] += stratum.bins[c].residualSquares[a] }
            for b in 0..<kt { covariance[(k + b) * d + k + b] += stratum.bins[t].residualSquares[b] }
            for (cell, sum) in zip(stratum.cross[c].cells, stratum.cross[c].sums) {
                let a = cell / kt, b = k + cell % kt
                covariance[a * d + b] += sum
                covariance[b * d + a] += sum
            }
            let ns = Double(stratum.count)
            for a in 0..<d {
                sums[a] += local[a]
                for b in 0..<d { covariance[a * d + b] -= local[a] * local[b] / ns }
            }
        }
        return (sums, covariance, k)
    }

    /// E|X| for X ~ N(mean, sd²) (the folded normal mean); |mean| when sd = 0.
    static func expectedAbsolute(mean m: Double, sd s: Double) -> Double {
        guard s > 0 else { return abs(m) }
        let ratio = m / s
        return s * (2 / Double.pi).squareRoot() * exp(-ratio * ratio / 2) + m * (1 - 2 * NormalDistribution.cdf(-ratio))
    }

    /// The draws' generator for (seed, group, comparator), keyed like `StratumStream`.
    static func stream(seed: UInt64, group: String, comparator: Int) -> Xoshiro256StarStar {
        var key = SplitMix64.mix(seed ^ 0x6361_6C69_6272_6174)   // "calibrat": a stream family of its own
        key = SplitMix64.mix(key ^ StratumStream.fnv1a(group))
        key = SplitMix64.mix(key ^ UInt64(truncatingIfNeeded: comparator))
        return Xoshiro256StarStar(seed: key)
    }
}

/// Standard normal draws by the Marsaglia polar method (Marsaglia & Bray 1964), one spare kept.
struct GaussianSource {
    private var spare: Double?

    /// The next N(0, 1) draw.
    mutating func next(using generator: inout Xoshiro256StarStar) -> Double {
        if let value = spare {
            spare = nil
            return value
        }
        while true {
            let u = 2 * Double(generator.next() >> 11) * 0x1.0p-53 - 1
            let v = 2 * Double(generator.next() >> 11) * 0x1.0p-53 - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let factor = (-2 * log(s) / s).squareRoot()
                spare = v * factor
                return u * factor
            }
        }
    }
}

extension CalibrationGainTest {
    /// A caution when sites merged calibration bins (disclosure control): how many of the base
    /// bins the pooled ECE still has, and a stronger word when so few remain that the ECE is
    /// close to calibration-in-the-large. nil when no bin was merged.
    public static func binCaution(_ stats: GroupStatistics, comparator c: Int) -> String? {
        guard let edges = stats.alignedCalibration.edges, let last = edges.first?.last else { return nil }
        let base = last + 1, mine = edges[stats.target].count, theirs = edges[c].count
        guard mine < base || theirs < base else { return nil }
        let fewest = stats.calibration.map { min($0.edges(model: stats.target).count, $0.edges(model: c).count) }.min() ?? mine
        var text = "calibration bins merged for min_cell: the ECE of h_g uses \(mine) of \(base) bins, the comparator's \(theirs)"
        if stats.calibration.count > 1 { text += " (fewest at one site: \(fewest))" }
        if min(mine, theirs) <= 3 { text += "; with so few bins the ECE is close to calibration-in-the-large" }
        return text
    }
}
