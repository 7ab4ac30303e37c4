extension LogisticRegression {
    /// A line search for the strong Wolfe conditions (Nocedal & Wright 2006, ch. 3, Algorithms 3.5
    /// and 3.6), specialised to a convex objective whose value and gradient come from one pass.
    ///
    /// Accepts a step α along a descent direction p when
    /// φ(α) ≤ φ(0) + c₁ α φ′(0) + ε and |φ′(α)| ≤ c₂ |φ′(0)|, with c₁ = 1e-4, c₂ = 0.9.
    /// The slack ε = 1e-12 · |φ(0)| is the rounding noise of a sum of many positive loss terms:
    /// near the optimum the decrease per step falls below that noise while the directional
    /// derivative (accurate to far smaller error) still carries the information, as in the
    /// "approximate Wolfe" conditions of Hager & Zhang (2005). Brackets are kept with the sign of
    /// φ′ (valid for convex φ) and refined by the secant of φ′ with a 10 % safeguard. On
    /// single-precision passes the slack is ``singleRelativeSlack`` · |φ(0)|, their rounding noise.
    struct WolfeLineSearch {
        /// The sufficient-decrease constant c₁.
        static let c1 = 1e-4
        /// The curvature constant c₂.
        static let c2 = 0.9
        /// The relative slack ε / |φ(0)| allowed in the sufficient-decrease test.
        static let relativeSlack = 1e-12
        /// The relative slack on single-precision passes (`Objective.Precision.single`).
        static let singleRelativeSlack = 1e-7
        /// The most objective evaluations per search.
        static let maxEvaluations = 40
        /// The most evaluations per search on single-precision passes: a search that needs more has
        /// run into their rounding noise, and the solver switches to exact passes instead.
        static let singleMaxEvaluations = 6

        /// The outcome of a search.
        struct Result {
            /// Whether a step satisfying the conditions was found (its point is in the output buffers).
            var accepted: Bool
            /// The accepted step length.
            var alpha: Double
            /// The objective value at the accepted point.
            var value: Double
            /// Objective evaluations spent.
            var evaluations: Int
        }

        /// Searches from `theta` (value `f0`, directional derivative `slope0` < 0) along `p`, starting
        /// at step `alpha0`; the last evaluated point (the accepted one on success) is left in
        /// `thetaOut` and its gradient in `gradientOut`.
        static func search(_ objective: Objective, theta: UnsafePointer<Double>, value f0: Double,
                           slope0: Double, direction p: UnsafePointer<Double>, alpha0: Double,
                           thetaOut: UnsafeMutablePointer<Double>, gradientOut: UnsafeMutablePointer<Double>,
                           precision: Objective.Precision = .double) -> Result {
            let count = objective.parameterCount
            let slack = (precision == .double ? relativeSlack : singleRelativeSlack) * abs(f0)
            var lo = 0.0, slopeLo = slope0
            var hi = Double.infinity, slopeHi = Double.nan
            var alpha = alpha0
            var evaluations = 0
            let limit = precision == .double ? maxEvaluations : singleMaxEvaluations
            while evaluations < limit {
                for j in 0..<count { thetaOut[j] = theta[j] + alpha * p[j] }
                let f = objective.evaluate(UnsafePointer(thetaOut), gradient: gradientOut, curvature: nil,
                                           precision: precision)
                evaluations += 1
                let slope = Kernels.dot(UnsafePointer(gradientOut), p, count)
                let finite = f.isFinite && slope.isFinite
                if finite && f <= f0 + c1 * alpha * slope0 + slack && abs(slope) <= -c2 * slope0 {
                    return Result(accepted: true, alpha: alpha, value: f, evaluations: evaluations)
                }
                if !finite || f > f0 + c1 * alpha * slope0 + slack || slope > 0 {
                    hi = alpha
                    slopeHi = finite ? slope : .nan
                } else {
                    // Sufficient decrease but still descending steeply: the minimizer lies beyond α.
                    let previousLo = lo, previousSlope = slopeLo
                    lo = alpha
                    slopeLo = slope
                    if hi == .infinity {
                        var next = 4 * alpha
                        if slope > previousSlope {
                            next = alpha - slope * (alpha - previousLo) / (slope - previousSlope)
                        }
                        alpha = min(max(next, 1.25 * alpha), 10 * alpha)
                        continue
                    }
                }
                alpha = interpolate(lo: lo, slopeLo: slopeLo, hi: hi, slopeHi: slopeHi)
                if !(alpha > lo && alpha < hi) { break }   // the bracket collapsed to rounding
            }
            return Result(accepted: false, alpha: alpha, value: .nan, evaluations: evaluations)
        }

        /// The zero of the secant of φ′ between the bracket ends, kept 10 % inside the bracket.
        static func interpolate(lo: Double, slopeLo: Double, hi: Double, slopeHi: Double) -> Double {
            let width = hi - lo
            var next = lo + 0.5 * width
            if slopeHi.isFinite && slopeHi > slopeLo {
                next = lo - slopeLo * width / (slopeHi - slopeLo)
            }
            return min(max(next, lo + 0.1 * width), hi - 0.1 * width)
        }
    }
}
