@testable import AuditModels
import Foundation
import Testing

/// Mixed-precision L-BFGS: single-precision passes for the bulk of the iterations, exact passes to
/// finish. The automatic choice only turns it on for designs of at least a million entries (too
/// slow for debug-build tests), so these tests force it with `mixedPrecision: .on`.
@Suite("Logistic regression in mixed precision")
struct MixedPrecisionTests {
    /// A multi-chunk problem (1303 rows, 2 chunks, a 3-row tail) wide enough for L-BFGS.
    static let problem = LRTestRandom.problem(rows: 1303, columns: 211, seed: 11)

    @Test("the mixed-precision fit reaches the pure double fit's minimizer (1e-9) and the exact stopping rule")
    func sameMinimizer() throws {
        let (design, labels) = Self.problem
        #expect(LogisticRegression.Kernels.chunkRanges(rowCount: design.rowCount, columnCount: design.columnCount).count > 1)
        // A tolerance of 1e-12 bounds either fit's distance to the optimum by ~1e-11 here, so the
        // two fits must agree far inside 1e-9 (at the default 1e-10 they differ by up to ~1e-9).
        let config = LogisticRegressionConfiguration(gradientTolerance: 1e-12)
        let mixed = try LogisticRegression.fit(design, labels: labels, weights: nil, configuration: config,
                                               solver: .lbfgs, mixedPrecision: .on)
        let exact = try LogisticRegression.fit(design, labels: labels, weights: nil, configuration: config,
                                               solver: .lbfgs, mixedPrecision: .off)
        #expect(mixed.converged && exact.converged)
        #expect(mixed.maxAbsGradient <= 1e-12)
        #expect(lrIndependentGradient(mixed, design, labels) <= 1e-11)
        #expect(lrMismatch([mixed.intercept] + mixed.coefficients, [exact.intercept] + exact.coefficients,
                           relative: 0, absolute: 1e-9) <= 1)
    }

    @Test("the solver iterates on single-precision passes with a few exact ones, and converges exactly")
    func phases() throws {
        let (design, labels) = Self.problem
        let n = design.rowCount, d = design.columnCount
        let weights = [Double](repeating: 1, count: n)
        var theta = [Double](repeating: 0, count: d + 1)
        let (mixed, exactIterations) = design.values.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { y in
                weights.withUnsafeBufferPointer { w in
                    func run(single: Bool) -> LogisticRegression.SolverReport {
                        let objective = LogisticRegression.Objective(
                            x: x.baseAddress!, labels: y.baseAddress!, weights: w.baseAddress!, rowCount: n,
                            columnCount: d, c: 1, weightSum: Double(n), singlePrecision: single)
                        defer { objective.deallocate() }
                        for j in theta.indices { theta[j] = 0 }
                        return LogisticRegression.LBFGSSolver.minimize(objective, theta: &theta, tolerance: 1e-10,
                                                                        maxIterations: 1000)
                    }
                    let exact = run(single: false)
                    return (run(single: true), exact.iterations)
                }
            }
        }
        #expect(mixed.converged && mixed.gradientMeasure <= 1e-10)
        // The single-precision iterations track the exact ones (no more than a couple of extra steps),
        // and besides them only the first pass, a re-anchoring or two and the final check are exact.
        #expect(mixed.singlePrecisionIterations > 0 && mixed.iterations <= exactIterations + 2)
        #expect(mixed.exactPasses >= 2 && mixed.exactPasses <= 5)
    }

    @Test("default tolerance, weights and a warm start: converged on the exact objective")
    func weightedWarmStart() throws {
        let (design, labels) = Self.problem
        let weights = labels.enumerated().map { $0.element == 1 ? 2.5 : 0.5 + Double($0.offset % 3) }
        let start = try LogisticRegression.fit(design.rows(Array(0..<600)), labels: Array(labels[0..<600]),
                                               weights: nil, configuration: .init(maxIterations: 5), solver: .lbfgs)
        let mixed = try LogisticRegression.fit(design, labels: labels, weights: weights, configuration: .init(),
                                               solver: .lbfgs, start: start, mixedPrecision: .on)
        let exact = try LogisticRegression.fit(design, labels: labels, weights: weights, configuration: .init(),
                                               solver: .lbfgs, start: start, mixedPrecision: .off)
        #expect(mixed.converged && mixed.maxAbsGradient <= 1e-10)
        #expect(lrIndependentGradient(mixed, design, labels, weights: weights) <= 1e-9)
        #expect(lrMismatch([mixed.intercept] + mixed.coefficients, [exact.intercept] + exact.coefficients,
                           relative: 1e-6, absolute: 1e-8) <= 1)
    }

    @Test("mixed-precision fits are bit-identical run to run")
    func determinism() throws {
        let (design, labels) = Self.problem
        let first = try LogisticRegression.fit(design, labels: labels, weights: nil, configuration: .init(),
                                               solver: .lbfgs, mixedPrecision: .on)
        let second = try LogisticRegression.fit(design, labels: labels, weights: nil, configuration: .init(),
                                                solver: .lbfgs, mixedPrecision: .on)
        #expect(first == second)
        #expect(first.intercept.bitPattern == second.intercept.bitPattern)
        #expect(zip(first.coefficients, second.coefficients).allSatisfy { $0.bitPattern == $1.bitPattern })
    }

    @Test("an iteration cap inside the single-precision phase still reports the exact gradient")
    func capReportsExactGradient() throws {
        let (design, labels) = Self.problem
        for cap in [0, 1, 3] {
            let model = try LogisticRegression.fit(design, labels: labels, weights: nil,
                                                   configuration: .init(maxIterations: cap),
                                                   solver: .lbfgs, mixedPrecision: .on)
            #expect(model.iterations == cap && !model.converged)
            #expect(abs(model.maxAbsGradient - lrIndependentGradient(model, design, labels)) <= 1e-12)
        }
    }

    @Test("automatic: mixed precision only for L-BFGS-only designs of at least 2^20 entries")
    func automaticChoice() {
        let limit = LogisticRegression.newtonColumnLimit
        func uses(_ n: Int, _ d: Int, _ solver: LogisticRegression.Solver = .automatic) -> Bool {
            LogisticRegression.usesMixedPrecision(rowCount: n, columnCount: d, solver: solver, choice: .automatic)
        }
        #expect(uses(20000, 480))
        #expect(uses(20000, 480, .lbfgs))
        #expect(!uses(20000, 480, .newton))
        #expect(!uses(100_000, limit))          // Newton's range (L-BFGS only as its warm start)
        #expect(!uses(1000, 480))               // under 2^20 entries
        #expect(LogisticRegression.usesMixedPrecision(rowCount: 10, columnCount: 3, solver: .automatic, choice: .on))
        #expect(!LogisticRegression.usesMixedPrecision(rowCount: 10, columnCount: 3, solver: .newton, choice: .on))
        #expect(!LogisticRegression.usesMixedPrecision(rowCount: 10, columnCount: 0, solver: .lbfgs, choice: .on))
        #expect(!LogisticRegression.usesMixedPrecision(rowCount: 20000, columnCount: 480, solver: .lbfgs, choice: .off))
    }

    @Test("single-precision passes: exact at the anchor, error ~1e-6 of the change since; the anchor fills the copy")
    func singlePass() throws {
        // Rows and columns that exercise every tail: 4-row blocks + 3, 8-column blocks + 4 + 3.
        let (design, labels) = LRTestRandom.problem(rows: 1303, columns: 211, seed: 5)
        let n = design.rowCount, d = design.columnCount
        var rng = LRTestRandom(state: 9)
        let anchor = (0...d).map { _ in rng.normal() * 0.1 }
        let far = anchor.map { $0 + rng.normal() * 0.1 }
        let near = zip(anchor, far).map { $0 + 1e-4 * ($1 - $0) }
        let weights = (0..<n).map { Double($0 % 4) + 0.5 }
        design.values.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { y in
                weights.withUnsafeBufferPointer { w in
                    func objective(single: Bool) -> LogisticRegression.Objective {
                        LogisticRegression.Objective(
                            x: x.baseAddress!, labels: y.baseAddress!, weights: w.baseAddress!, rowCount: n,
                            columnCount: d, c: 0.7, weightSum: weights.reduce(0, +), singlePrecision: single)
                    }
                    let mixed = objective(single: true), exact = objective(single: false)
                    defer {
                        mixed.deallocate()
                        exact.deallocate()
                    }
                    var g = [Double](repeating: 0, count: d + 1), reference = g
                    // The anchoring pass is the exact pass, and it fills the single-precision copy.
                    let f = mixed.evaluate(anchor, gradient: &g, curvature: nil, anchoring: true, fillingSingle: true)
                    #expect(exact.evaluate(anchor, gradient: &reference, curvature: nil) == f && g == reference)
                    #expect(Array(UnsafeBufferPointer(start: mixed.single!, count: n * d)) == design.values.map { Float($0) })
                    // At the anchor a single-precision pass is exact, bit for bit.
                    #expect(mixed.evaluate(anchor, gradient: &g, curvature: nil, precision: .single) == f && g == reference)
                    // Elsewhere its error is about 1e-6 of the change since the anchor.
                    for (point, bound) in [(far, 1e-5), (near, 1e-8)] {
                        let fExact = exact.evaluate(point, gradient: &reference, curvature: nil)
                        let fSingle = mixed.evaluate(point, gradient: &g, curvature: nil, precision: .single)
                        #expect(abs(fSingle - fExact) <= 1e-6 * abs(fExact))
                        let scale = reference.map(abs).max()!
                        #expect(zip(g, reference).allSatisfy { abs($0 - $1) <= bound * scale })
                    }
                }
            }
        }
    }
}
