extension LogisticRegression {
    /// Limited-memory BFGS for f(θ) = C · Σ w_i logloss_i + ‖β‖²/2 (intercept unpenalized), for
    /// wide designs where forming the Hessian would cost more than a few dozen passes.
    ///
    /// The direction is −H∇f from the two-loop recursion over the last ``historySize`` pairs
    /// (Nocedal & Wright 2006, ch. 7, Algorithms 7.4 and 7.5) with H₀ = (sᵀy / yᵀy) I; pairs with
    /// sᵀy ≤ 1e-16 · yᵀy are skipped. Steps come from ``WolfeLineSearch`` starting at α = 1 (the
    /// first step, along −∇f, starts at min(1, 1/‖∇f‖)). If a quasi-Newton step fails, the memory is
    /// cleared and steepest descent is tried once, starting at the last sᵀy / yᵀy. Stops when
    /// max |∇f| / Σw ≤ tolerance, at the iteration cap, or when no step is accepted.
    ///
    /// Mixed precision (when the objective holds a single-precision copy of the design): exact
    /// "anchor" passes alternate with runs of single-precision passes, about twice as fast, that
    /// compute f and ∇f from the last anchor plus single-precision corrections (see
    /// `Objective.Precision.single`); their rounding error is about 1e-6 of the change since the
    /// anchor, so they track the exact iterates. A run ends, with a new anchor at the current point,
    /// once max |∇f| / Σw has fallen by ``anchorReduction`` since the last anchor or reaches the
    /// tolerance (or stops falling, a line search fails, or the cap is reached). Convergence is only
    /// declared on an anchor, i.e. on the exact objective, and the curvature pairs are kept
    /// throughout, so the minimizer is the same as with exact passes only. If a run makes no
    /// progress at all, the rest of the fit uses exact passes.
    enum LBFGSSolver {
        /// The number of curvature pairs kept (m).
        static let historySize = 12
        /// A run of single-precision passes ends once max |∇f| / Σw is this fraction of its value at
        /// the run's anchor (their rounding noise is some 1e-7 of it).
        static let anchorReduction = 1e-5
        /// A run of single-precision passes ends after this many iterations without halving the best max |∇f|.
        static let singleStallIterations = 4

        /// Minimizes from `theta` (d + 1 doubles, updated in place).
        static func minimize(_ objective: Objective, theta: UnsafeMutablePointer<Double>,
                             tolerance: Double, maxIterations: Int) -> SolverReport {
            let n = objective.parameterCount, m = historySize
            let block = UnsafeMutablePointer<Double>.allocate(capacity: 5 * n + 2 * m * n + 2 * m)
            defer { block.deallocate() }
            let g = block, gNew = block + n, thetaNew = block + 2 * n, p = block + 3 * n
            let yStep = block + 4 * n
            let sHistory = block + 5 * n, yHistory = sHistory + m * n
            let rho = yHistory + m * n, coefficient = rho + m
            var start = 0, stored = 0
            var gamma = 0.0

            let mixed = objective.single != nil
            var f = objective.evaluate(theta, gradient: g, curvature: nil, anchoring: mixed, fillingSingle: mixed)
            var measure = objective.gradientMeasure(g)
            var precision = mixed ? Objective.Precision.single : .double
            var exact = true  // f, g and measure come from an exact pass
            var anchorMeasure = measure, best = measure, sinceBest = 0, sinceAnchor = 0
            var iterations = 0, singleIterations = 0, exactPasses = 1
            while true {
                if !exact
                    && (measure <= max(tolerance, anchorReduction * anchorMeasure) || sinceBest >= singleStallIterations
                        || iterations >= maxIterations || !f.isFinite) {
                    // A new anchor: an exact pass at the current point. After a run without any
                    // progress, exact passes only.
                    if sinceAnchor == 0 { precision = .double }
                    f = objective.evaluate(theta, gradient: g, curvature: nil, anchoring: precision == .single)
                    measure = objective.gradientMeasure(g)
                    exactPasses += 1
                    exact = true
                    anchorMeasure = measure
                    best = measure
                    sinceBest = 0
                    sinceAnchor = 0
                }
                guard !(measure <= tolerance) && iterations < maxIterations && f.isFinite else { break }
                // Two-loop recursion: p = −H g.
                p.update(from: g, count: n)
                for k in stride(from: stored - 1, through: 0, by: -1) {
                    let slot = (start + k) % m
                    let a = rho[slot] * Kernels.dot(sHistory + slot * n, p, n)
                    coefficient[slot] = a
                    Kernels.axpy(-a, yHistory + slot * n, p, n)
                }
                if stored > 0 { for j in 0..<n { p[j] *= gamma } }
                for k in 0..<stored {
                    let slot = (start + k) % m
                    let b = rho[slot] * Kernels.dot(yHistory + slot * n, p, n)
                    Kernels.axpy(coefficient[slot] - b, sHistory + slot * n, p, n)
                }
                for j in 0..<n { p[j] = -p[j] }
                var slope = Kernels.dot(g, p, n)
                var alpha0 = 1.0
                if stored == 0 || !(slope < 0) {
                    stored = 0
                    for j in 0..<n { p[j] = -g[j] }
                    slope = Kernels.dot(g, p, n)
                    alpha0 = gamma > 0 ? gamma : min(1, 1 / (-slope).squareRoot())
                }
                let search = WolfeLineSearch.search(
                    objective, theta: theta, value: f, slope0: slope, direction: p, alpha0: alpha0,
                    thetaOut: thetaNew, gradientOut: gNew, precision: precision)
                if precision == .double { exactPasses += search.evaluations }
                guard search.accepted else {
                    if precision == .single {
                        // Re-anchor (exactly) at the same point and carry on.
                        exact = false
                        sinceBest = singleStallIterations
                        continue
                    }
                    if stored > 0 {
                        stored = 0
                        continue
                    }
                    break
                }
                // Curvature pair s = θ⁺ − θ (into p, no longer needed), y = ∇f⁺ − ∇f; kept if sᵀy > 0.
                for j in 0..<n {
                    p[j] = thetaNew[j] - theta[j]
                    yStep[j] = gNew[j] - g[j]
                }
                let sy = Kernels.dot(p, yStep, n), yy = Kernels.dot(yStep, yStep, n)
                if sy > 1e-16 * yy && yy > 0 {
                    let slot = stored < m ? (start + stored) % m : start
                    (sHistory + slot * n).update(from: p, count: n)
                    (yHistory + slot * n).update(from: yStep, count: n)
                    rho[slot] = 1 / sy
                    gamma = sy / yy
                    if stored < m { stored += 1 } else { start = (start + 1) % m }
                }
                theta.update(from: thetaNew, count: n)
                g.update(from: gNew, count: n)
                f = search.value
                measure = objective.gradientMeasure(g)
                exact = precision == .double
                iterations += 1
                if precision == .single {
                    singleIterations += 1
                    sinceAnchor += 1
                }
                if measure <= 0.5 * best {
                    best = measure
                    sinceBest = 0
                } else {
                    sinceBest += 1
                }
            }
            return SolverReport(iterations: iterations, converged: measure <= tolerance, gradientMeasure: measure,
                                singlePrecisionIterations: singleIterations, exactPasses: mixed ? exactPasses : 0)
        }
    }
}
