import Foundation

/// A row-level reference implementation of the audit's statistics, for tests only. It shares no
/// code with `AuditStats` (no sufficient statistics, no rank sweeps, no distributions): it reads
/// raw rows and applies the definitions of the methods spec directly — error counts, the exact
/// McNemar binomial sum (§2.2), the site-stratified AUC by counting positive–negative pairs within
/// each site (ties ½, decision D1), DeLong placements by pair counting and the stratified variance
/// with the singleton-stratum rule of `Docs/methods-delong.md`, Φ via `erfc`, and ECE from
/// equal-width right-closed bins (§2.4).
struct RowLevelOracle {
    /// One held-out row: its site, true group (index into the keys), label, h0's P(y = 1) and
    /// h(·, g')'s P(y = 1) for every reported group g'.
    struct Row {
        var site: String
        var group: Int
        var label: Int
        var generic: Double
        var personalized: [Double]

        /// Model r's score: r = 0 is h0, r = 1 + k is h(·, keys[k]).
        func score(_ r: Int) -> Double { r == 0 ? generic : personalized[r - 1] }
        func wrong(_ r: Int) -> Bool { (score(r) >= 0.5) != (label == 1) }
    }

    /// The oracle's view of one comparison of h_g (target) against a comparator.
    struct Comparison {
        var errorGain: Double
        var n10: Int, n01: Int
        var mcnemarViolation: Double, mcnemarGain: Double
        var aucTarget: Double?, aucComparator: Double?
        var aucGain: Double?
        /// DeLong z, p_violation and p_gain; nil when the test is NA.
        var z: Double?, deLongViolation: Double?, deLongGain: Double?
        var eceTarget: Double, eceComparator: Double
        var eceGain: Double { eceComparator - eceTarget }
    }

    let rows: [Row]
    let groupCount: Int
    let bins: Int

    /// Rows of group j.
    func rows(ofGroup j: Int) -> [Row] { rows.filter { $0.group == j } }

    /// h_g = model 1 + j against `comparator` on group j's rows (which must exist).
    func compare(group j: Int, comparator c: Int) -> Comparison {
        let mine = rows(ofGroup: j), t = 1 + j
        let n = Double(mine.count)
        let wrongT = mine.filter { $0.wrong(t) }.count, wrongC = mine.filter { $0.wrong(c) }.count
        let n10 = mine.filter { $0.wrong(c) && !$0.wrong(t) }.count
        let n01 = mine.filter { !$0.wrong(c) && $0.wrong(t) }.count
        let (pV, pG) = Self.mcnemar(n10: n10, n01: n01)
        let delong = Self.deLong(mine, target: t, comparator: c)
        return Comparison(
            errorGain: Double(wrongC - wrongT) / n, n10: n10, n01: n01, mcnemarViolation: pV, mcnemarGain: pG,
            aucTarget: Self.auc(mine, model: t), aucComparator: Self.auc(mine, model: c), aucGain: delong.gain,
            z: delong.z, deLongViolation: delong.z.map { Self.phi($0) }, deLongGain: delong.z.map { Self.phi(-$0) },
            eceTarget: ece(mine, model: t), eceComparator: ece(mine, model: c))
    }

    // MARK: - McNemar (spec §2.2)

    /// p_V = Σ_{k ≤ n10} C(n_d, k) 2^−n_d and p_G = Σ_{k ≥ n10} C(n_d, k) 2^−n_d; 1 when n_d = 0.
    /// Terms from C(n_d, 0)·2^−n_d = 2^−n_d upward by the ratio (n_d − k + 1)/k.
    static func mcnemar(n10: Int, n01: Int) -> (violation: Double, gain: Double) {
        let nd = n10 + n01
        guard nd > 0 else { return (1, 1) }
        precondition(nd < 1000, "the oracle's binomial terms would underflow")
        var terms = [scalbn(1.0, -nd)]
        for k in 1...nd { terms.append(terms[k - 1] * Double(nd - k + 1) / Double(k)) }
        let lower = terms[0...n10].reduce(0, +), upper = terms[n10...].reduce(0, +)
        return (min(1, lower), min(1, upper))
    }

    // MARK: - Site-stratified AUC and DeLong (decision D1)

    /// ψ(a, b) doubled: 2 if a > b, 1 if tied, 0 otherwise (integers keep pair counts exact).
    static func psi2(_ a: Double, _ b: Double) -> Int { a > b ? 2 : (a == b ? 1 : 0) }

    /// Rows of each site with both classes: (positives, negatives).
    static func strata(_ rows: [Row]) -> [(positives: [Row], negatives: [Row])] {
        Dictionary(grouping: rows, by: \.site).values
            .map { site in (site.filter { $0.label == 1 }, site.filter { $0.label == 0 }) }
            .filter { !$0.0.isEmpty && !$0.1.isEmpty }
    }

    /// AUC_r = Σ_s Σ_{i ∈ pos_s} Σ_{j ∈ neg_s} ψ(x_i, y_j) / Σ_s M_s N_s; nil when no site has both classes.
    static func auc(_ rows: [Row], model r: Int) -> Double? {
        var pairs = 0, doubled = 0
        for s in strata(rows) {
            for x in s.positives { for y in s.negatives { doubled += psi2(x.score(r), y.score(r)); pairs += 1 } }
        }
        return pairs > 0 ? Double(doubled) / Double(2 * pairs) : nil
    }

    /// The site-stratified DeLong test from placements counted pair by pair; z = 0 when Δ = 0 and
    /// Var = 0 (spec §5), nil when NA.
    static func deLong(_ rows: [Row], target t: Int, comparator c: Int) -> (gain: Double?, z: Double?) {
        let sites = strata(rows)
        let w = sites.reduce(0) { $0 + $1.positives.count * $1.negatives.count }
        guard w > 0 else { return (nil, nil) }
        // Doubled placement differences: for positive i, Σ_j [2ψ_t − 2ψ_c] = 2N_s·D10_i; for negative j, 2M_s·D01_j.
        var d10: [[Int]] = [], d01: [[Int]] = []
        var numerator = 0
        for s in sites {
            let p = s.positives.map { x in s.negatives.reduce(0) { $0 + psi2(x.score(t), $1.score(t)) - psi2(x.score(c), $1.score(c)) } }
            let q = s.negatives.map { y in s.positives.reduce(0) { $0 + psi2($1.score(t), y.score(t)) - psi2($1.score(c), y.score(c)) } }
            d10.append(p)
            d01.append(q)
            numerator += p.reduce(0, +)
        }
        let gain = Double(numerator) / Double(2 * w)
        let m = sites.reduce(0) { $0 + $1.positives.count }, n = sites.reduce(0) { $0 + $1.negatives.count }
        guard m >= 2 && n >= 2 else { return (gain, nil) }
        /// Σ (x − x̄)² of the unscaled differences x = d/scale, exactly as (kΣd² − (Σd)²)/(k·scale²).
        func squares(_ d: [Int], scale: Int) -> (exactZero: Bool, value: Double) {
            let k = d.count, sum = d.reduce(0, +), sq = d.reduce(0) { $0 + $1 * $1 }
            let centred = k * sq - sum * sum
            return (centred == 0, Double(centred) / (Double(k) * Double(scale) * Double(scale)))
        }
        func pooled(_ ds: [[Int]], scales: [Int]) -> Double {
            var total = 0.0, df = 0
            for (d, scale) in zip(ds, scales) where d.count >= 2 {
                total += squares(d, scale: scale).value
                df += d.count - 1
            }
            return df > 0 ? total / Double(df) : 1
        }
        let scales10 = sites.map { 2 * $0.negatives.count }, scales01 = sites.map { 2 * $0.positives.count }
        let pooled10 = pooled(d10, scales: scales10), pooled01 = pooled(d01, scales: scales01)
        var variance = 0.0, allExactZero = true
        for k in sites.indices {
            let mk = Double(sites[k].positives.count), nk = Double(sites[k].negatives.count)
            let weight = mk * nk / Double(w)
            var v10 = pooled10, v01 = pooled01
            if d10[k].count >= 2 {
                let s = squares(d10[k], scale: scales10[k]); v10 = s.value / (mk - 1); allExactZero = allExactZero && s.exactZero
            } else { allExactZero = allExactZero && pooled10 == 0 }
            if d01[k].count >= 2 {
                let s = squares(d01[k], scale: scales01[k]); v01 = s.value / (nk - 1); allExactZero = allExactZero && s.exactZero
            } else { allExactZero = allExactZero && pooled01 == 0 }
            variance += weight * weight * (v10 / mk + v01 / nk)
        }
        if allExactZero { return (gain, numerator == 0 ? 0 : nil) }
        return (gain, gain / variance.squareRoot())
    }

    /// Φ(z) = ½ erfc(−z/√2).
    static func phi(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

    // MARK: - ECE (spec §2.4)

    /// Bin k (1-based) is the first with p ≤ k/B (float64 k/B); p = 0 goes to bin 1.
    func bin(_ p: Double) -> Int {
        for k in 1...bins where p <= Double(k) / Double(bins) { return k }
        return bins
    }

    /// ECE = (1/n) Σ_b |Σ_{i ∈ b} (p_i − y_i)|.
    func ece(_ rows: [Row], model r: Int) -> Double {
        var residual = [Double](repeating: 0, count: bins + 1)
        for row in rows { residual[bin(row.score(r))] += row.score(r) - Double(row.label) }
        return residual.reduce(0) { $0 + abs($1) } / Double(rows.count)
    }
}
