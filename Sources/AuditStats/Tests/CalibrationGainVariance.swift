import Foundation

/// The exact variance of the calibration test's bias-corrected gain T under its Gaussian law: the
/// B → ∞ limit of what `CalibrationGainTest`'s multiplier draws estimate, without Monte Carlo error.
/// Used by the heterogeneity table's per-site ECE estimates (`Heterogeneity.siteEstimate`), a
/// descriptive meta-analysis; the primary pooled test keeps its seeded draws.
///
/// T(S) = Σ_a w_a f_a(S_a) with S ~ N(μ̃, Σ), w_a = +1/n on the comparator's bins and −1/n on the
/// target's, and f_a(x) = 2|x| − E|N(x, σ_a²)|, σ_a² = Σ_aa. Each f_a reads one coordinate of a
/// Gaussian vector, so by Mehler's formula (Mehler 1866; Kibble 1945, "An extension of a theorem
/// of Mehler's on Hermite polynomials"), with ρ_ab = Σ_ab / (σ_a σ_b) clamped to [−1, 1],
///
///     Cov(f_a(S_a), f_b(S_b)) = Σ_{k≥1} ρ_ab^k c_{a,k} c_{b,k} / k!,   c_{a,k} = E[f_a(μ̃_a + σ_a Z) He_k(Z)],
///
/// He_k the probabilists' Hermite polynomials, and Var T = Σ_a Σ_b w_a w_b Cov(f_a, f_b); bins without
/// variance (σ_a = 0) are constants and drop out.
///
/// **Coefficients in closed form.** |x| has a kink, so Gauss–Hermite quadrature of c_{a,k} converges
/// only algebraically in the node count; Stein's identity E[h(Z) He_k(Z)] = E[h^{(k)}(Z)] gives them
/// exactly instead. For h(z) = E_W|μ + τz + rW| (W ~ N(0, 1) independent, s² = τ² + r²):
/// c_1 = τ(1 − 2Φ(−μ/s)) and c_k = 2 τ^k He_{k−2}(−μ/s) φ(μ/s) / s^{k−1} for k ≥ 2. Both parts of f_a
/// are of this form: 2|x| with r = 0 and E|N(x, σ_a²)| with r = σ_a (τ = σ_a).
///
/// **Truncation.** The E|N(·, σ²)| part is smooth and its terms fall like 2^{−k/2}; the 2|x| part's
/// fall only like k^{−5/2} (the kink), which at ρ ≈ 1 leaves a relative error of ~K^{−3/2} after K
/// terms (4 × 10⁻³ at K = 40, measured). So the series is summed to K = 40 and the |x|·|y| part's tail
/// is added exactly: on the diagonal from Var|X| = μ² + τ² − (E|X|)²; off the diagonal, where the
/// Cauchy–Schwarz bound 4|ρ|^{K+1} √(tail_a tail_b) of that tail exceeds 10⁻¹³ σ_a σ_b, from Price's
/// theorem (Price 1958, "A useful theorem for nonlinear devices having Gaussian inputs"):
///
///     Cov(|X_a|, |X_b|) = τ_a τ_b [ρ m_a m_b + 4 ∫_0^ρ (ρ − u) φ₂(x_a, x_b; u) du],   x = μ/τ, m = 1 − 2Φ(−x),
///
/// integrated in u = sin θ (which removes the (1 − u²)^{−1/2} singularity at |ρ| → 1) by 32-point
/// Gauss–Legendre quadrature. Measured against adaptive quadrature (`Docs/calcs/calibration_variance.py`
/// and the tests): relative error of Cov below 3 × 10⁻¹⁰ for |ρ| ≤ 0.99 and |μ|/σ up to 25, and
/// below 3 × 10⁻⁸ at ρ = 1 − 10⁻⁶; K = 30 gives 2 × 10⁻⁸ at ρ = 0.99, K = 20 gives 2 × 10⁻⁶.
enum CalibrationGainVariance {
    /// Terms K of the Mehler series (see the type's documentation for the measured error).
    static let terms = 40
    /// Relative size (to σ_a σ_b) above which the |x|·|y| tail bound sends a pair to Price's integral.
    static let tailTolerance = 1e-13

    /// Var T for bin sums centred at `centre` with row-major d × d `covariance` (d = centre.count),
    /// `k` comparator bins (weight +1/n) then the target's (weight −1/n), n = `rows`.
    static func variance(centre: [Double], covariance: [Double], comparatorBins k: Int, rows n: Double) -> Double {
        var cache = BinCache()
        return variance(centre: centre, covariance: covariance, comparatorBins: k, rows: n, cache: &cache)
    }

    /// The same, taking each live bin's coefficients from `cache` (and adding the missing ones): the
    /// heterogeneity table asks for the target model's bins once per comparator, with the very same
    /// mean and SD each time, so they are computed once per site and group. A bin's coefficients are
    /// a function of its (mean, SD) bits alone, so the result is bit for bit that without a cache.
    ///
    /// Hot (the federated combine runs it per site, group and comparator): the coefficients are read
    /// from flat buffers, in exactly the order and with exactly the operations of the plain loop.
    static func variance(centre: [Double], covariance: [Double], comparatorBins k: Int, rows n: Double,
                         cache: inout BinCache) -> Double {
        let d = centre.count
        let live = (0..<d).filter { covariance[$0 * d + $0] > 0 }
        let terms = Self.terms
        let bins = live.map { cache.bin(mean: centre[$0], sd: covariance[$0 * d + $0].squareRoot(), terms: terms) }
        let signs = live.map { $0 < k ? 1.0 : -1.0 }
        // Coefficient t of bin j at t · stride + j (stride a multiple of the lanes, padding zero), so
        // one load gives term t of `lanes` consecutive bins.
        let count = bins.count, stride = (count + lanes - 1) / lanes * lanes
        var full = [Double](repeating: 0, count: terms * stride + lanes)
        var absolute = [Double](repeating: 0, count: terms * stride + lanes)
        for (j, bin) in bins.enumerated() {
            for t in 0..<terms {
                full[t * stride + j] = bin.full[t]
                absolute[t * stride + j] = bin.absolute[t]
            }
        }
        var total = 0.0
        full.withUnsafeBufferPointer { full in
            absolute.withUnsafeBufferPointer { absolute in
                for i in 0..<count {
                    let a = bins[i]
                    // The diagonal: the series with ρ = 1, plus the |x| part's tail exactly.
                    var diagonal = 0.0
                    for t in 0..<terms { diagonal += a.full[t] * a.full[t] }
                    total += diagonal + 4 * a.absoluteTail
                    // The pairs (i, j), j > i, `lanes` at a time: lane l runs the series of pair
                    // (i, j + l) with exactly the scalar operations, so each lane's sums are the
                    // scalar loop's bits; the pairs are then added to `total` one by one, in j order.
                    var j = i + 1
                    while j < count {
                        let width = min(lanes, count - j)
                        var rho = Lanes(repeating: 0)
                        for l in 0..<width {
                            rho[l] = min(1, max(-1, covariance[live[i] * d + live[j + l]] / (a.sd * bins[j + l].sd)))
                        }
                        var power = Lanes(repeating: 1), series = Lanes(repeating: 0), absoluteSeries = Lanes(repeating: 0)
                        // Term t of bin i at fullA[t · stride], of bins j … j + lanes − 1 at fullB.
                        var fullA = full.baseAddress! + i, absoluteA = absolute.baseAddress! + i
                        var fullB = full.baseAddress! + j, absoluteB = absolute.baseAddress! + j
                        for _ in 0..<terms {
                            power *= rho
                            series += power * fullA.pointee * UnsafeRawPointer(fullB).loadUnaligned(as: Lanes.self)
                            absoluteSeries += power * absoluteA.pointee * UnsafeRawPointer(absoluteB).loadUnaligned(as: Lanes.self)
                            fullA += stride
                            absoluteA += stride
                            fullB += stride
                            absoluteB += stride
                        }
                        for l in 0..<width where rho[l] != 0 {
                            let b = bins[j + l]
                            var pair = series[l]
                            let bound = 4 * abs(power[l] * rho[l]) * (a.absoluteTail * b.absoluteTail).squareRoot()
                            if bound > tailTolerance * a.sd * b.sd {
                                pair += 4 * (absoluteCovariance(a, b, rho: rho[l]) - absoluteSeries[l])
                            }
                            total += 2 * signs[i] * signs[j + l] * pair
                        }
                        j += lanes
                    }
                }
            }
        }
        return max(total, 0) / (n * n)
    }

    /// Pairs of bins summed side by side in ``variance(centre:covariance:comparatorBins:rows:cache:)``.
    typealias Lanes = SIMD4<Double>
    /// Lanes of ``Lanes``.
    static var lanes: Int { Lanes.scalarCount }

    /// Live bins already worked out, by the bits of their (mean, SD): one per heterogeneity job
    /// (a metric and group over its comparators and sites), never shared between threads. An
    /// open-addressing table with a multiplicative hash: a `Dictionary`'s seeded SipHash cost more
    /// than the lookups save.
    struct BinCache {
        private var keys: [(mean: UInt64, sd: UInt64)] = []
        private var slots: [Int32] = []      // index into `bins` + 1; 0 = empty
        private var bins: [Bin] = []

        /// The bin of `mean` and `sd` with `terms` coefficients, computed on first use.
        mutating func bin(mean: Double, sd: Double, terms: Int) -> Bin {
            let key = (mean: mean.bitPattern, sd: sd.bitPattern)
            if slots.isEmpty { slots = [Int32](repeating: 0, count: 256) }
            var slot = Self.slot(of: key, mask: slots.count - 1)
            while slots[slot] != 0 {
                let index = Int(slots[slot]) - 1
                if keys[index] == key && bins[index].full.count == terms { return bins[index] }
                slot = (slot + 1) & (slots.count - 1)
            }
            let bin = Bin(mean: mean, sd: sd, terms: terms)
            keys.append(key)
            bins.append(bin)
            slots[slot] = Int32(bins.count)
            if 2 * bins.count > slots.count { grow() }
            return bin
        }

        private static func slot(of key: (mean: UInt64, sd: UInt64), mask: Int) -> Int {
            let mixed = (key.mean &* 0x9E37_79B9_7F4A_7C15 ^ key.sd) &* 0xBF58_476D_1CE4_E5B9
            return Int(truncatingIfNeeded: mixed >> 32) & mask
        }

        private mutating func grow() {
            slots = [Int32](repeating: 0, count: slots.count * 2)
            let mask = slots.count - 1
            for (index, key) in keys.enumerated() {
                var slot = Self.slot(of: key, mask: mask)
                while slots[slot] != 0 { slot = (slot + 1) & mask }
                slots[slot] = Int32(index + 1)
            }
        }
    }

    /// One live bin: its normalized Hermite coefficients c_k / √k!, k = 1 … K, of f and of |x| alone,
    /// and the tail Var|X| − Σ_{k≤K} (that of |x|)² of the latter.
    struct Bin {
        let mean: Double, sd: Double
        /// c_k / √k! of f(x) = 2|x| − E|N(x, σ²)| at index k − 1.
        let full: [Double]
        /// c_k / √k! of |x| at index k − 1.
        let absolute: [Double]
        /// Var|X| − Σ_k (absolute[k])², ≥ 0: what the truncated series of |x| misses.
        let absoluteTail: Double

        init(mean: Double, sd: Double, terms: Int) {
            self.mean = mean
            self.sd = sd
            let (plain, smoothed) = Bin.coefficientPair(mean: mean, sd: sd, terms: terms)
            absolute = plain
            full = zip(plain, smoothed).map { 2 * $0 - $1 }
            let x = abs(mean) / sd
            // E|X| − |μ| = τ(2φ(x) − 2xΦ(−x)) without cancellation, then Var|X| = τ² − (E|X|² − μ²).
            let excess = sd * (2 * Bin.density(x) - 2 * x * NormalDistribution.cdf(-x))
            let variance = sd * sd - excess * (excess + 2 * abs(mean))
            absoluteTail = max(0, variance - plain.reduce(0) { $0 + $1 * $1 })
        }

        /// c_k / √k! of h(z) = E_W|μ + τz + rW|, s = `spread` = √(τ² + r²) (Stein's identity, see the type).
        /// The reference form of ``coefficientPair(mean:sd:terms:)``, which the tests hold it to.
        static func coefficients(mean: Double, sd tau: Double, spread s: Double, terms: Int) -> [Double] {
            var c = [Double](repeating: 0, count: terms)
            let y = -mean / s, ratio = tau / s
            c[0] = tau * (1 - 2 * NormalDistribution.cdf(y))
            // Normalized Hermite polynomials ĥ_m = He_m(y)/√m!: ĥ_{m+1} = (y ĥ_m − √m ĥ_{m−1}) / √(m+1).
            var previous = 0.0, current = 1.0
            var scale = 2 * tau * ratio * density(y)   // 2τ (τ/s)^{k−1} φ(μ/s) at k = 2
            for k in stride(from: 2, through: terms, by: 1) {
                let m = Double(k - 2)
                c[k - 1] = scale * current / (Double(k) * Double(k - 1)).squareRoot()
                let next = (y * current - m.squareRoot() * previous) / (m + 1).squareRoot()
                previous = current
                current = next
                scale *= ratio
            }
            return c
        }

        /// ``coefficients(mean:sd:spread:terms:)`` at s = τ (the |x| part) and at s = τ√2 (the
        /// E|N(x, σ²)| part) in one loop, with the square roots from tables: the same operations on
        /// the same values, so the same bits, but the two independent recurrences overlap in the
        /// pipeline and no square root is taken in the loop.
        static func coefficientPair(mean: Double, sd tau: Double, terms: Int) -> (plain: [Double], smoothed: [Double]) {
            guard terms <= SquareRoots.count - 1 else {
                return (coefficients(mean: mean, sd: tau, spread: tau, terms: terms),
                        coefficients(mean: mean, sd: tau, spread: tau * 2.0.squareRoot(), terms: terms))
            }
            let s1 = tau, s2 = tau * 2.0.squareRoot()
            var c1 = [Double](repeating: 0, count: terms), c2 = [Double](repeating: 0, count: terms)
            let y1 = -mean / s1, ratio1 = tau / s1
            let y2 = -mean / s2, ratio2 = tau / s2
            c1[0] = tau * (1 - 2 * NormalDistribution.cdf(y1))
            c2[0] = tau * (1 - 2 * NormalDistribution.cdf(y2))
            var previous1 = 0.0, current1 = 1.0, previous2 = 0.0, current2 = 1.0
            var scale1 = 2 * tau * ratio1 * density(y1), scale2 = 2 * tau * ratio2 * density(y2)
            SquareRoots.of.withUnsafeBufferPointer { roots in
                SquareRoots.ofProducts.withUnsafeBufferPointer { products in
                    c1.withUnsafeMutableBufferPointer { c1 in
                        c2.withUnsafeMutableBufferPointer { c2 in
                            var k = 2
                            while k <= terms {
                                let rootProduct = products[k], rootM = roots[k - 2], rootNext = roots[k - 1]
                                c1[k - 1] = scale1 * current1 / rootProduct
                                c2[k - 1] = scale2 * current2 / rootProduct
                                let next1 = (y1 * current1 - rootM * previous1) / rootNext
                                let next2 = (y2 * current2 - rootM * previous2) / rootNext
                                previous1 = current1
                                current1 = next1
                                previous2 = current2
                                current2 = next2
                                scale1 *= ratio1
                                scale2 *= ratio2
                                k += 1
                            }
                        }
                    }
                }
            }
            return (c1, c2)
        }

        /// The standard normal density φ.
        static func density(_ x: Double) -> Double { exp(-x * x / 2) / (2 * Double.pi).squareRoot() }
    }

    /// The square roots the Hermite recurrence takes, each computed once exactly as the loop of
    /// ``Bin/coefficients(mean:sd:spread:terms:)`` would (√ is correctly rounded, so the same bits).
    enum SquareRoots {
        /// Entries 0 … count − 1.
        static let count = 101
        /// √m at index m.
        static let of = (0..<count).map { Double($0).squareRoot() }
        /// √(k(k − 1)) at index k.
        static let ofProducts = (0..<count).map { (Double($0) * Double($0 - 1)).squareRoot() }
    }

    /// Cov(|X_a|, |X_b|) for (X_a, X_b) Gaussian with the bins' means and SDs and correlation ρ (Price's
    /// theorem, see the type), by Gauss–Legendre quadrature in θ = arcsin u.
    static func absoluteCovariance(_ a: Bin, _ b: Bin, rho: Double) -> Double {
        let xa = a.mean / a.sd, xb = b.mean / b.sd
        let ma = 1 - 2 * NormalDistribution.cdf(-xa), mb = 1 - 2 * NormalDistribution.cdf(-xb)
        let end = asin(rho), half = end / 2
        var integral = 0.0
        for (node, weight) in GaussLegendre.rule32 {
            let theta = half * (node + 1)
            let u = sin(theta), c = cos(theta)
            integral += weight * (rho - u) * exp(-(xa * xa - 2 * u * xa * xb + xb * xb) / (2 * c * c))
        }
        integral *= half / (2 * Double.pi)
        return a.sd * b.sd * (rho * ma * mb + 4 * integral)
    }
}

/// Gauss–Legendre quadrature on [−1, 1]: nodes (roots of P_n) by Newton's method on the three-term
/// recurrence, weights 2 / ((1 − x²) P_n′(x)²) (Davis & Rabinowitz, *Methods of Numerical Integration*,
/// 2nd ed., §2.7); exact for polynomials of degree 2n − 1.
enum GaussLegendre {
    /// The 32-point rule, (node, weight) pairs.
    static let rule32 = rule(points: 32)

    /// The n-point rule.
    static func rule(points n: Int) -> [(node: Double, weight: Double)] {
        var result: [(node: Double, weight: Double)] = []
        for i in 1...n {
            var x = cos(Double.pi * (Double(i) - 0.25) / (Double(n) + 0.5))
            var derivative = 0.0
            for _ in 0..<100 {
                var p0 = 1.0, p1 = x
                for j in 2...n {
                    let p2 = ((2 * Double(j) - 1) * x * p1 - (Double(j) - 1) * p0) / Double(j)
                    p0 = p1
                    p1 = p2
                }
                derivative = Double(n) * (x * p1 - p0) / (x * x - 1)
                let step = p1 / derivative
                x -= step
                if abs(step) < 1e-16 { break }
            }
            result.append((x, 2 / ((1 - x * x) * derivative * derivative)))
        }
        return result
    }
}
