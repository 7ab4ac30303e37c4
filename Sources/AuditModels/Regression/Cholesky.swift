/// Solves A x = b for a symmetric positive-definite A by the Cholesky factorization A = L Lᵀ
/// (Golub & Van Loan, Matrix Computations, 4th ed., Algorithm 4.2.1), then forward and back
/// substitution. O(p³/3) for the factorization; p is the number of design columns.
enum Cholesky {
    /// x with A x = b, A row-major p × p (only the lower triangle is read); nil when A is not
    /// numerically positive definite (a pivot ≤ 0 or not finite).
    static func solve(_ a: [Double], dimension p: Int, _ b: [Double]) -> [Double]? {
        precondition(a.count == p * p && b.count == p, "Cholesky: shape")
        var l = [Double](repeating: 0, count: p * p)
        for j in 0..<p {
            var pivot = a[j * p + j]
            for k in 0..<j { pivot -= l[j * p + k] * l[j * p + k] }
            guard pivot > 0, pivot.isFinite else { return nil }
            let diagonal = pivot.squareRoot()
            l[j * p + j] = diagonal
            for i in (j + 1)..<max(j + 1, p) {
                var s = a[i * p + j]
                for k in 0..<j { s -= l[i * p + k] * l[j * p + k] }
                l[i * p + j] = s / diagonal
            }
        }
        var y = b
        for i in 0..<p {                       // L y = b
            var s = y[i]
            for k in 0..<i { s -= l[i * p + k] * y[k] }
            y[i] = s / l[i * p + i]
        }
        for i in stride(from: p - 1, through: 0, by: -1) {   // Lᵀ x = y
            var s = y[i]
            for k in (i + 1)..<max(i + 1, p) { s -= l[k * p + i] * y[k] }
            y[i] = s / l[i * p + i]
        }
        return y
    }
}
