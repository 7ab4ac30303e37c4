/// The paired bootstrap of one group's loss differences at one site (spec §2.1, §2.5; Efron &
/// Tibshirani 1993 §16): replicate b resamples the group's n rows with replacement from the
/// stratum's keyed stream `StratumStream(root seed, site, group, label 0)` — a continuous outcome
/// has no classes, so each (site, group) is one stratum — draws after those of replicate b − 1.
/// One resample serves every model and metric, so comparisons stay paired; models are never refitted.
///
/// A replicate is reduced to Σ_k d_r,i(b,k) per model r: sums that add across sites, so the
/// pooled replicate gain Δ*_b = Σ_sites Σ_k d / Σ_sites n of a federated audit equals that of a
/// pooled audit with sites as strata.
enum RegressionBootstrap {
    /// Replicate sums for each metric's difference matrix. `differences[k]` is row-major n × models
    /// (d of row i under model r at [i·models + r]); the result [k] is replicate-major B × models.
    static func replicateSums(differences: [[Double]], rows n: Int, models: Int, replicates: Int,
                              rootSeed: UInt64, site: String, group: String) -> [[Double]] {
        guard replicates > 0, n > 0 else { return differences.map { _ in [] } }
        var stream = StratumStream(rootSeed: rootSeed, site: site, group: group, label: 0)
        var draws = [Int32](repeating: 0, count: n)
        var out = differences.map { _ in [Double](repeating: 0, count: replicates * models) }
        for b in 0..<replicates {
            stream.draw(into: &draws, count: n)
            for k in differences.indices {
                differences[k].withUnsafeBufferPointer { d in
                    out[k].withUnsafeMutableBufferPointer { sums in
                        let base = b * models
                        for i in draws {
                            let row = Int(i) * models
                            for r in 0..<models { sums[base + r] += d[row + r] }
                        }
                    }
                }
            }
        }
        return out
    }
}
