import AuditModelTypes
@testable import AuditModels
import Foundation
import Testing

/// `LogisticRegression.fit(_:appending:…)`: a design with columns appended, fitted without forming
/// the wider matrix by every solver (exact and mixed-precision L-BFGS, Newton).
@Suite("Logistic regression with appended columns")
struct DesignViewTests {
    /// A 1303 × 211 design (a 3-row tail after the 4-row blocks) and 3 centred group indicators.
    static func problem() -> (design: DesignMatrix, labels: [UInt8], extra: DesignMatrix) {
        let (design, labels) = LRTestRandom.problem(rows: 1303, columns: 211, seed: 21)
        var values = [Double](repeating: 0, count: design.rowCount * 3)
        for i in 0..<design.rowCount {
            for c in 0..<3 { values[i * 3 + c] = (c == (i * 7) % 3 ? 1 : 0) - 1.0 / 3 }
        }
        return (design, labels, DesignMatrix(rowCount: design.rowCount, columnCount: 3, values: values))
    }

    @Test("read in place (mixed precision), the fit reaches the formed matrix's minimizer; reruns are bit-identical")
    func sameMinimizer() throws {
        let (design, labels, extra) = Self.problem()
        let weights = (0..<design.rowCount).map { 0.5 + Double($0 % 3) }
        let formed = design.appendingColumns(extra)
        let config = LogisticRegressionConfiguration(gradientTolerance: 1e-12)
        let inPlace = try LogisticRegression.fit(design, appending: extra, labels: labels, weights: weights,
                                                 configuration: config, solver: .lbfgs, mixedPrecision: .on)
        let reference = try LogisticRegression.fit(formed, labels: labels, weights: weights, configuration: config,
                                                   solver: .lbfgs, mixedPrecision: .off)
        #expect(inPlace.converged && inPlace.maxAbsGradient <= 1e-12)
        #expect(inPlace.coefficients.count == formed.columnCount)
        #expect(lrIndependentGradient(inPlace, formed, labels, weights: weights) <= 1e-11)
        #expect(lrMismatch([inPlace.intercept] + inPlace.coefficients, [reference.intercept] + reference.coefficients,
                           relative: 0, absolute: 1e-9) <= 1)
        let again = try LogisticRegression.fit(design, appending: extra, labels: labels, weights: weights,
                                               configuration: config, solver: .lbfgs, mixedPrecision: .on)
        #expect(again == inPlace)
        // A warm start from the narrower model (the indicators start at 0), default tolerance.
        let narrow = try LogisticRegression.fit(design, labels: labels, weights: weights)
        let warm = try LogisticRegression.fit(design, appending: extra, labels: labels, weights: weights,
                                              configuration: .init(), solver: .lbfgs, start: narrow, mixedPrecision: .on)
        #expect(warm.converged && lrIndependentGradient(warm, formed, labels, weights: weights) <= 1e-9)
    }

    @Test("exact L-BFGS and Newton read appended columns in place too: the formed matrix's minimizer")
    func inPlaceExact() throws {
        let (design, labels, extra) = Self.problem()
        let formed = design.appendingColumns(extra)
        // 1303 × 214 is below the automatic mixed-precision threshold: exact L-BFGS.
        let config = LogisticRegressionConfiguration(gradientTolerance: 1e-12)
        let viaPublic = try LogisticRegression.fit(design, appending: extra, labels: labels, configuration: config)
        let direct = try LogisticRegression.fit(formed, labels: labels, configuration: config)
        #expect(viaPublic.converged && viaPublic.solver == "lbfgs")
        #expect(lrIndependentGradient(viaPublic, formed, labels) <= 1e-11)
        #expect(lrMismatch([viaPublic.intercept] + viaPublic.coefficients, [direct.intercept] + direct.coefficients,
                           relative: 0, absolute: 1e-9) <= 1)
        // Newton's range (5 + 3 columns), with weights, even when mixed precision is asked for.
        let weights = (0..<design.rowCount).map { 0.5 + Double($0 % 3) }
        let narrow = DesignMatrix(rowCount: design.rowCount, columnCount: 5,
                                  values: (0..<(design.rowCount * 5)).map { design.values[($0 / 5) * 211 + $0 % 5] })
        let narrowFormed = narrow.appendingColumns(extra)
        for precision in [LogisticRegression.MixedPrecision.on, .off] {
            let newton = try LogisticRegression.fit(narrow, appending: extra, labels: labels, weights: weights,
                                                    configuration: config, solver: .newton, mixedPrecision: precision)
            #expect(newton.solver == "newton" && newton.converged)
            #expect(lrIndependentGradient(newton, narrowFormed, labels, weights: weights) <= 1e-11)
            let reference = try LogisticRegression.fit(narrowFormed, labels: labels, weights: weights,
                                                       configuration: config, solver: .newton)
            #expect(lrMismatch([newton.intercept] + newton.coefficients, [reference.intercept] + reference.coefficients,
                               relative: 0, absolute: 1e-9) <= 1)
            // Newton converges in a handful of steps only with the right Hessian.
            #expect(newton.iterations <= reference.iterations + 1)
        }
        // No appended columns at all.
        let none = DesignMatrix(rowCount: design.rowCount, columnCount: 0, values: [])
        #expect(try LogisticRegression.fit(design, appending: none, labels: labels, configuration: .init(maxIterations: 5))
                == (try LogisticRegression.fit(design, labels: labels, configuration: .init(maxIterations: 5))))
    }

    @Test("the Hessian with appended columns read in place equals Σ s_i x̃_i x̃_iᵀ summed naively")
    func hessianInPlace() {
        let (design, labels, extra) = Self.problem()
        let n = design.rowCount, base = 7, e = extra.columnCount, d = base + e, m = d + 1
        let x = (0..<(n * base)).map { design.values[($0 / base) * 211 + $0 % base] }
        let weights = (0..<n).map { 0.5 + Double($0 % 3) }
        let s = (0..<n).map { 0.05 + Double(($0 * 13) % 17) / 40 }
        let c = 0.7
        var h = [Double](repeating: 0, count: m * m)
        x.withUnsafeBufferPointer { xb in
            labels.withUnsafeBufferPointer { yb in
                weights.withUnsafeBufferPointer { wb in
                    extra.values.withUnsafeBufferPointer { eb in
                        let objective = LogisticRegression.Objective(
                            x: xb.baseAddress!, labels: yb.baseAddress!, weights: wb.baseAddress!, rowCount: n,
                            columnCount: d, c: c, weightSum: weights.reduce(0, +), extra: eb.baseAddress!, extraColumns: e)
                        defer { objective.deallocate() }
                        s.withUnsafeBufferPointer { sb in
                            h.withUnsafeMutableBufferPointer { objective.hessian(curvature: sb.baseAddress!, into: $0.baseAddress!) }
                        }
                    }
                }
            }
        }
        // The oracle: x̃_i = (x_i, extra_i, 1), H = c Σ s_i x̃_i x̃_iᵀ + I on the coefficients.
        var worst = 0.0
        for j in 0..<m {
            for k in 0..<m {
                var sum = 0.0
                for i in 0..<n {
                    func entry(_ col: Int) -> Double {
                        col < base ? x[i * base + col] : col < d ? extra.values[i * e + col - base] : 1
                    }
                    sum += s[i] * entry(j) * entry(k)
                }
                let expected = c * sum + (j == k && j < d ? 1 : 0)
                worst = max(worst, abs(h[j * m + k] - expected) / max(1, abs(expected)))
            }
        }
        #expect(worst <= 1e-12)
    }

    @Test("mismatched appended rows and non-finite entries throw coded errors", arguments: [true, false])
    func errors(inPlace: Bool) {
        let (design, labels, extra) = Self.problem()
        let precision: LogisticRegression.MixedPrecision = inPlace ? .on : .off
        func error(_ body: @autoclosure () throws(ModelError) -> LogisticModel) -> ModelError? {
            do { _ = try body(); return nil } catch { return error }
        }
        let short = DesignMatrix(rowCount: 1302, columnCount: 3, values: Array(extra.values.dropLast(3)))
        #expect(error(try LogisticRegression.fit(design, appending: short, labels: labels, weights: nil,
                                                 configuration: .init(), solver: .lbfgs,
                                                 mixedPrecision: precision))?.code == .shapeMismatch)
        var broken = extra
        broken.values[10 * 3 + 2] = .nan
        let inExtra = error(try LogisticRegression.fit(design, appending: broken, labels: labels, weights: nil,
                                                       configuration: .init(), solver: .lbfgs, mixedPrecision: precision))
        #expect(inExtra?.code == .nonFinite)
        #expect(inExtra?.message.contains("row 10, column 213") == true)
        var brokenDesign = design
        brokenDesign.values[7 * 211 + 4] = .infinity
        let inDesign = error(try LogisticRegression.fit(brokenDesign, appending: extra, labels: labels, weights: nil,
                                                        configuration: .init(), solver: .lbfgs, mixedPrecision: precision))
        #expect(inDesign?.code == .nonFinite)
        #expect(inDesign?.message.contains("row 7, column 4") == true)
    }
}
