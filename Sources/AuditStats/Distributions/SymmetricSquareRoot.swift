import Foundation

/// A square root L (LLᵀ = A⁺) of a symmetric matrix A, where A⁺ is A with its negative
/// eigenvalues set to 0: the nearest positive semi-definite matrix in Frobenius norm (Higham
/// 1988). Covariances assembled from float moments can be slightly indefinite; this keeps the
/// Gaussian draws of `CalibrationGainTest` well defined. Cyclic Jacobi eigenvalue iteration
/// (Golub & Van Loan, *Matrix Computations* 4th ed., §8.5): fine for the small matrices here
/// (two models × the calibration bins).
enum SymmetricSquareRoot {
    /// Row-major d × d factor L with L·Lᵀ = A⁺, from row-major symmetric `a`.
    static func factor(_ a: [Double], dimension d: Int) -> [Double] {
        precondition(a.count == d * d, "not a d × d matrix")
        var m = a
        var v = [Double](repeating: 0, count: d * d)
        for i in 0..<d { v[i * d + i] = 1 }
        let scale = max(m.reduce(0) { max($0, abs($1)) }, .leastNormalMagnitude)
        for _ in 0..<100 {
            var off = 0.0
            for p in 0..<d { for q in (p + 1)..<d { off = max(off, abs(m[p * d + q])) } }
            if off <= 1e-15 * scale { break }
            for p in 0..<d {
                for q in (p + 1)..<d where m[p * d + q] != 0 {
                    let apq = m[p * d + q]
                    let theta = (m[q * d + q] - m[p * d + p]) / (2 * apq)
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<d {   // columns p, q
                        let mkp = m[k * d + p], mkq = m[k * d + q]
                        m[k * d + p] = c * mkp - s * mkq
                        m[k * d + q] = s * mkp + c * mkq
                    }
                    for k in 0..<d {   // rows p, q
                        let mpk = m[p * d + k], mqk = m[q * d + k]
                        m[p * d + k] = c * mpk - s * mqk
                        m[q * d + k] = s * mpk + c * mqk
                    }
                    for k in 0..<d {
                        let vkp = v[k * d + p], vkq = v[k * d + q]
                        v[k * d + p] = c * vkp - s * vkq
                        v[k * d + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        // L = V · diag(√max(λ, 0)).
        var l = v
        for j in 0..<d {
            let root = max(m[j * d + j], 0).squareRoot()
            for i in 0..<d { l[i * d + j] *= root }
        }
        return l
    }
}
