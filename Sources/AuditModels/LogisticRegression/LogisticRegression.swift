import AuditModelTypes
import Foundation

/// L2-regularized logistic regression with the minimizer of scikit-learn's
/// `LogisticRegression(C=C, solver="lbfgs")` (with `sample_weight` when weights are given).
///
/// Objective: f(β, b) = C · Σ_i w_i · logloss(y_i, σ(b + x_i·β)) + ‖β‖²/2, intercept b unpenalized.
/// Stopping rule: max |∇f| / Σw ≤ `gradientTolerance` (default 1e-10), far tighter than sklearn's.
/// Designs with at most ``newtonColumnLimit`` columns use Newton's method with the exact Hessian
/// (after a short L-BFGS warm start that often converges on its own); wider ones use L-BFGS
/// (Nocedal & Wright 2006, ch. 7) with a strong-Wolfe line search (ch. 3), on large designs in
/// mixed precision: single-precision passes for the bulk of the iterations, exact passes to finish
/// (see ``LBFGSSolver``), so the stopping rule and the minimizer are those of the exact objective.
public enum LogisticRegression {
    /// The widest design (in columns) for which the automatic choice may use Newton's method; wider designs use L-BFGS.
    public static let newtonColumnLimit = 200

    /// Fits the model; labels are 0/1. Throws if the data has one class or zero rows (the caller decides the fallback).
    /// `start`, when given, is a warm start: its intercept and coefficients begin the search, and
    /// columns beyond its coefficients start at 0 (e.g. a personalized model started from h0).
    /// The optimum does not depend on it; only the number of iterations does.
    public static func fit(_ design: DesignMatrix, labels: [UInt8], weights: [Double]? = nil,
                           configuration: LogisticRegressionConfiguration = .init(),
                           start: LogisticModel? = nil) throws(ModelError) -> LogisticModel {
        try fit(design, labels: labels, weights: weights, configuration: configuration, solver: .automatic, start: start)
    }

    /// Fits the model on `design` with the columns of `extra` appended (row i of `extra` extends
    /// row i of `design`): the model of `fit(design.appendingColumns(extra), …)`, without forming
    /// the wider matrix when the fit is large enough to gain from it (mixed-precision L-BFGS, see
    /// ``LBFGSSolver``). For models with appended group indicators, which thus read the generic
    /// design in place.
    public static func fit(_ design: DesignMatrix, appending extra: DesignMatrix,
                           labels: [UInt8], weights: [Double]? = nil,
                           configuration: LogisticRegressionConfiguration = .init(),
                           start: LogisticModel? = nil) throws(ModelError) -> LogisticModel {
        try fit(design, appending: extra, labels: labels, weights: weights, configuration: configuration,
                solver: .automatic, start: start)
    }

    /// Which solver ``fit(_:labels:weights:configuration:solver:)`` runs.
    enum Solver: Sendable {
        /// Newton below 40 columns; L-BFGS then Newton up to ``newtonColumnLimit``; L-BFGS beyond.
        case automatic
        /// Newton's method with the exact Hessian.
        case newton
        /// L-BFGS.
        case lbfgs
    }

    /// Whether L-BFGS runs its early iterations on a single-precision copy of the design.
    enum MixedPrecision: Sendable {
        /// On when L-BFGS alone fits the design (more than ``newtonColumnLimit`` columns) and the
        /// design has at least ``mixedPrecisionMinimumEntries`` entries.
        case automatic
        /// Exact passes only.
        case off
        /// Whenever L-BFGS runs (for tests).
        case on
    }

    /// The fewest design entries (rows × columns) for which ``MixedPrecision/automatic`` uses mixed
    /// precision: below that a pass costs well under a millisecond and the copy is not worth making.
    static let mixedPrecisionMinimumEntries = 1 << 20

    /// Whether a fit of an n × d design with this solver runs L-BFGS in mixed precision.
    static func usesMixedPrecision(rowCount n: Int, columnCount d: Int, solver: Solver, choice: MixedPrecision) -> Bool {
        guard d > 0 && solver != .newton else { return false }
        switch choice {
        case .automatic:
            return (solver == .lbfgs || d > newtonColumnLimit) && n * d >= mixedPrecisionMinimumEntries
        case .off:
            return false
        case .on:
            return true
        }
    }

    /// ``fit(_:appending:labels:weights:configuration:start:)`` with an explicit solver choice
    /// (for tests and benchmarks).
    static func fit(_ design: DesignMatrix, appending extra: DesignMatrix? = nil,
                    labels: [UInt8], weights: [Double]?,
                    configuration: LogisticRegressionConfiguration, solver: Solver,
                    start: LogisticModel? = nil, mixedPrecision: MixedPrecision = .automatic) throws(ModelError) -> LogisticModel {
        let base = design.columnCount, e = extra?.columnCount ?? 0, d = base + e
        let n = design.rowCount
        try validate(configuration)
        guard design.entryCount == design.rowCount * base else {
            throw ModelError(code: .shapeMismatch,
                             message: "the design holds \(design.entryCount) values, expected \(design.rowCount) x \(base)")
        }
        if let extra, extra.rowCount != n || extra.values.count != n * e {
            throw ModelError(code: .shapeMismatch,
                             message: "\(extra.rowCount) rows of appended columns for \(n) rows")
        }
        // Appended columns are read in place by every solver (their part of the scores, gradient
        // and Hessian is summed from `extra` in double), so the wider matrix, a second copy of the
        // design, is formed only when the design itself has no columns.
        let single = usesMixedPrecision(rowCount: n, columnCount: d, solver: solver, choice: mixedPrecision)
        if let extra, e > 0, base == 0 {
            return try fit(design.appendingColumns(extra), labels: labels, weights: weights, configuration: configuration,
                           solver: solver, start: start, mixedPrecision: mixedPrecision)
        }
        guard n > 0 else { throw ModelError(code: .noRows, message: "the design has no rows") }
        guard labels.count == n else {
            throw ModelError(code: .shapeMismatch, message: "\(labels.count) labels for \(n) rows")
        }
        if let weights, weights.count != n {
            throw ModelError(code: .shapeMismatch, message: "\(weights.count) weights for \(n) rows")
        }
        let w = weights ?? [Double](repeating: 1, count: n)
        var positive = 0.0, negative = 0.0
        for i in 0..<n {
            guard labels[i] <= 1 else {
                throw ModelError(code: .invalidValue, message: "row \(i) has a label other than 0 or 1")
            }
            guard w[i].isFinite else {
                throw ModelError(code: .nonFinite, message: "row \(i) has a non-finite weight")
            }
            guard w[i] >= 0 else {
                throw ModelError(code: .invalidValue, message: "row \(i) has a negative weight")
            }
            if labels[i] == 1 { positive += w[i] } else { negative += w[i] }
        }
        let weightSum = positive + negative
        guard weightSum.isFinite else { throw ModelError(code: .nonFinite, message: "the weights sum to infinity") }
        guard weightSum > 0 else { throw ModelError(code: .noRows, message: "every row has weight zero") }
        guard positive > 0 && negative > 0 else {
            throw ModelError(code: .singleClass,
                             message: "every row with positive weight has label \(positive > 0 ? 1 : 0)")
        }

        var theta = [Double](repeating: 0, count: d + 1)
        theta[d] = log(positive) - log(negative)
        if let start, start.coefficients.count <= d, start.intercept.isFinite,
           start.coefficients.allSatisfy(\.isFinite) {
            for j in start.coefficients.indices { theta[j] = start.coefficients[j] }
            theta[d] = start.intercept
        }
        let config = configuration
        // A contiguous copy of the (narrow) appended columns.
        let extraValues = e > 0 ? extra.map { extra in
            let p = UnsafeMutablePointer<Double>.allocate(capacity: extra.values.count)
            p.initialize(from: extra.values, count: extra.values.count)
            return p
        } : nil
        defer { extraValues?.deallocate() }
        let (report, solverName) = design.withEntries { entries in
            labels.withUnsafeBufferPointer { y in
                w.withUnsafeBufferPointer { wb in
                    theta.withUnsafeMutableBufferPointer { t in
                        // A dummy address keeps the kernels' pointer arithmetic valid when d == 0.
                        withUnsafeTemporaryAllocation(of: Double.self, capacity: 1) { dummy in
                            let rows: Objective.Rows
                            switch entries {
                            case .double(let x): rows = .double(x.baseAddress ?? UnsafePointer(dummy.baseAddress!))
                            case .single(let x):
                                if let base = x.baseAddress { rows = .single(base) } else { rows = .double(UnsafePointer(dummy.baseAddress!)) }
                            }
                            let objective = Objective(
                                rows: rows, labels: y.baseAddress!,
                                weights: wb.baseAddress!, rowCount: n, columnCount: d,
                                c: config.inverseRegularization, weightSum: weightSum, singlePrecision: single,
                                extra: extraValues.map { UnsafePointer($0) }, extraColumns: e)
                            defer { objective.deallocate() }
                            return run(objective, theta: t.baseAddress!, configuration: config, solver: solver)
                        }
                    }
                }
            }
        }
        guard report.gradientMeasure.isFinite && theta.allSatisfy(\.isFinite) else {
            if let (row, column) = firstNonFinite(extra.map { design.appendingColumns($0) } ?? design) {
                throw ModelError(code: .nonFinite, message: "row \(row), column \(column) of the design is not finite")
            }
            throw ModelError(code: .nonFinite,
                             message: "the objective overflowed; features this large should be rescaled")
        }
        return LogisticModel(intercept: theta[d], coefficients: Array(theta[0..<d]),
                             iterations: report.iterations, converged: report.converged,
                             maxAbsGradient: report.gradientMeasure, solver: solverName)
    }

    /// L-BFGS iterations tried before Newton on a design of `d` ≤ ``newtonColumnLimit`` columns.
    ///
    /// One Hessian costs about d / 5 passes over the rows and Newton needs about 6 of them from a
    /// cold start, while L-BFGS needs about 15 passes on well-conditioned data. Below 40 columns
    /// Newton is about as cheap, so it runs alone; from 40 columns on, L-BFGS gets the cost of two
    /// Hessians, 2(d + 1)/5 passes, before Newton takes over.
    static func warmStartBudget(columnCount d: Int) -> Int { d < 40 ? 0 : 2 * (d + 1) / 5 }

    /// Runs the chosen solver from `theta`; returns its report and the name of the solver that
    /// produced the final iterate.
    ///
    /// `.automatic` on at most ``newtonColumnLimit`` columns first runs L-BFGS for
    /// ``warmStartBudget(columnCount:)`` iterations (none below 40 columns), since on well-conditioned
    /// data it converges in a few dozen passes, far cheaper than Hessians when rows are many; if it
    /// has not converged by then, Newton continues from its iterate and converges in a few steps
    /// whatever the conditioning.
    static func run(_ objective: Objective, theta: UnsafeMutablePointer<Double>,
                    configuration: LogisticRegressionConfiguration, solver: Solver) -> (SolverReport, String) {
        let tolerance = configuration.gradientTolerance, cap = configuration.maxIterations
        switch solver {
        case .newton:
            return (NewtonSolver.minimize(objective, theta: theta, tolerance: tolerance, maxIterations: cap), "newton")
        case .lbfgs:
            return (LBFGSSolver.minimize(objective, theta: theta, tolerance: tolerance, maxIterations: cap), "lbfgs")
        case .automatic where objective.columnCount > newtonColumnLimit:
            return (LBFGSSolver.minimize(objective, theta: theta, tolerance: tolerance, maxIterations: cap), "lbfgs")
        case .automatic:
            let budget = min(cap, warmStartBudget(columnCount: objective.columnCount))
            if budget == 0 {
                return (NewtonSolver.minimize(objective, theta: theta, tolerance: tolerance, maxIterations: cap), "newton")
            }
            let first = LBFGSSolver.minimize(objective, theta: theta, tolerance: tolerance, maxIterations: budget)
            if first.converged || first.iterations >= cap { return (first, "lbfgs") }
            var second = NewtonSolver.minimize(objective, theta: theta, tolerance: tolerance,
                                               maxIterations: cap - first.iterations)
            second.iterations += first.iterations
            return (second, "newton")
        }
    }

    /// Checks the configuration's ranges.
    static func validate(_ configuration: LogisticRegressionConfiguration) throws(ModelError) {
        let c = configuration.inverseRegularization
        guard c.isFinite else { throw ModelError(code: .nonFinite, message: "C (inverseRegularization) is not finite") }
        guard c > 0 else { throw ModelError(code: .invalidValue, message: "C (inverseRegularization) must be > 0") }
        guard !configuration.gradientTolerance.isNaN else {
            throw ModelError(code: .nonFinite, message: "gradientTolerance is NaN")
        }
        guard configuration.gradientTolerance >= 0 else {
            throw ModelError(code: .invalidValue, message: "gradientTolerance must be >= 0")
        }
        guard configuration.maxIterations >= 0 else {
            throw ModelError(code: .invalidValue, message: "maxIterations must be >= 0")
        }
    }

    /// The first (row, column) of the design holding a NaN or an infinity.
    static func firstNonFinite(_ design: DesignMatrix) -> (Int, Int)? {
        guard design.columnCount > 0,
              let k = design.values.firstIndex(where: { !$0.isFinite }) else { return nil }
        return (k / design.columnCount, k % design.columnCount)
    }

}
