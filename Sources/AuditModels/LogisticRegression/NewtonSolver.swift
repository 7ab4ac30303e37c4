extension LogisticRegression {
    /// What a solver reports about its run.
    struct SolverReport {
        /// Accepted steps taken.
        var iterations: Int
        /// Whether the stopping rule max |∇f| / Σw ≤ tolerance was met.
        var converged: Bool
        /// The final max |∇f| / Σw.
        var gradientMeasure: Double
        /// Of ``iterations``, those taken on single-precision passes (mixed-precision L-BFGS).
        var singlePrecisionIterations = 0
        /// Exact passes over the design made by a mixed-precision L-BFGS run (0 otherwise).
        var exactPasses = 0
    }

    /// Newton's method with the exact Hessian for f(θ) = C · Σ w_i logloss_i + ‖β‖²/2 (intercept
    /// unpenalized), for designs with few columns.
    ///
    /// Each iteration forms ∇²f (rank-4 updates, one pass), factors it by Cholesky (adding a tiny
    /// ridge, growing ×100, if the factorization fails), and backtracks from the full step by
    /// halving until the Armijo condition f(θ + αp) ≤ f(θ) + c₁ α ∇fᵀp holds (Nocedal & Wright
    /// 2006, ch. 3, Algorithm 3.1, c₁ = 1e-4). Within the rounding noise of f (1e-12 · |f|) a step is
    /// accepted when it lowers max |∇f|, which is resolvable there while f is not.
    /// Stops when max |∇f| / Σw ≤ tolerance, at the iteration cap, or when no step is accepted.
    enum NewtonSolver {
        /// The most step halvings per iteration.
        static let maxHalvings = 60

        /// Minimizes from `theta` (d + 1 doubles, updated in place).
        static func minimize(_ objective: Objective, theta: UnsafeMutablePointer<Double>,
                             tolerance: Double, maxIterations: Int) -> SolverReport {
            let m = objective.parameterCount, n = objective.rowCount
            let block = UnsafeMutablePointer<Double>.allocate(capacity: 4 * m + 2 * m * m + 2 * n)
            defer { block.deallocate() }
            var g = block, gNew = block + m
            let thetaNew = block + 2 * m, p = block + 3 * m
            let hessian = block + 4 * m, factor = hessian + m * m
            var curvature = factor + m * m, curvatureNew = curvature + n

            var f = objective.evaluate(theta, gradient: g, curvature: curvature)
            var measure = objective.gradientMeasure(g)
            var iterations = 0
            while !(measure <= tolerance) && iterations < maxIterations && f.isFinite {
                objective.hessian(curvature: curvature, into: hessian)
                for j in 0..<m { p[j] = -g[j] }
                if !solveRidged(hessian, factor: factor, m: m, rhs: p) {
                    for j in 0..<m { p[j] = -g[j] / max(hessian[j * m + j], 1) }
                }
                var slope = Kernels.dot(g, p, m)
                if !(slope < 0) {
                    for j in 0..<m { p[j] = -g[j] / max(hessian[j * m + j], 1) }
                    slope = Kernels.dot(g, p, m)
                }
                let slack = WolfeLineSearch.relativeSlack * abs(f)
                var alpha = 1.0
                var accepted = false
                var fNew = Double.nan
                for _ in 0..<maxHalvings {
                    for j in 0..<m { thetaNew[j] = theta[j] + alpha * p[j] }
                    fNew = objective.evaluate(thetaNew, gradient: gNew, curvature: curvatureNew)
                    if fNew.isFinite {
                        if fNew <= f + WolfeLineSearch.c1 * alpha * slope {
                            accepted = true
                        } else if fNew <= f + slack && objective.gradientMeasure(gNew) < measure {
                            accepted = true
                        }
                    }
                    if accepted { break }
                    alpha *= 0.5
                }
                guard accepted else { break }
                theta.update(from: thetaNew, count: m)
                swap(&g, &gNew)
                swap(&curvature, &curvatureNew)
                f = fNew
                measure = objective.gradientMeasure(g)
                iterations += 1
            }
            return SolverReport(iterations: iterations, converged: measure <= tolerance, gradientMeasure: measure)
        }

        /// Solves `hessian · x = rhs` in place in `rhs` by Cholesky, adding a ridge τI (τ from
        /// 1e-10 · max diagonal, ×100 per retry) if the factorization fails; false if all tries fail.
        static func solveRidged(_ hessian: UnsafePointer<Double>, factor: UnsafeMutablePointer<Double>,
                                m: Int, rhs: UnsafeMutablePointer<Double>) -> Bool {
            var maxDiagonal = 0.0
            for j in 0..<m { maxDiagonal = max(maxDiagonal, abs(hessian[j * m + j])) }
            var ridge = 0.0
            for attempt in 0..<10 {
                factor.update(from: hessian, count: m * m)
                if ridge > 0 { for j in 0..<m { factor[j * m + j] += ridge } }
                if choleskyFactor(factor, m) {
                    choleskySolve(factor, m, rhs)
                    return true
                }
                ridge = attempt == 0 ? 1e-10 * max(maxDiagonal, 1) : ridge * 100
            }
            return false
        }

        /// Overwrites the lower triangle of the row-major m × m matrix `a` with L, where a = LLᵀ;
        /// false if `a` is not numerically positive definite.
        static func choleskyFactor(_ a: UnsafeMutablePointer<Double>, _ m: Int) -> Bool {
            for j in 0..<m {
                let rowJ = a + j * m
                let pivot = rowJ[j] - Kernels.dot(rowJ, rowJ, j)
                guard pivot > 0 && pivot.isFinite else { return false }
                let l = pivot.squareRoot()
                rowJ[j] = l
                for i in (j + 1)..<m {
                    let rowI = a + i * m
                    rowI[j] = (rowI[j] - Kernels.dot(rowI, rowJ, j)) / l
                }
            }
            return true
        }

        /// Solves LLᵀx = b in place in `b`, with L from ``choleskyFactor(_:_:)``.
        static func choleskySolve(_ l: UnsafePointer<Double>, _ m: Int, _ b: UnsafeMutablePointer<Double>) {
            for i in 0..<m {
                b[i] = (b[i] - Kernels.dot(l + i * m, b, i)) / l[i * m + i]
            }
            for i in stride(from: m - 1, through: 0, by: -1) {
                var s = b[i]
                for k in (i + 1)..<m { s -= l[k * m + i] * b[k] }
                b[i] = s / l[i * m + i]
            }
        }
    }
}
