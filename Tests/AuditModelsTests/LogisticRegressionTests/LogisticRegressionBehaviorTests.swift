import AuditModelTypes
@testable import AuditModels
import Foundation
import Testing

@Suite("Logistic regression behaviour")
struct LogisticRegressionBehaviorTests {
    @Test("single-class data throws .singleClass (also when the other class has weight zero)")
    func singleClass() throws {
        let design = DesignMatrix(rowCount: 3, columnCount: 2, values: [1, 2, 3, 4, 5, 6])
        #expect(throws: ModelError.self) { try LogisticRegression.fit(design, labels: [1, 1, 1]) }
        do {
            _ = try LogisticRegression.fit(design, labels: [0, 0, 0])
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .singleClass)
        }
        do {
            _ = try LogisticRegression.fit(design, labels: [0, 1, 0], weights: [1, 0, 2])
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .singleClass)
        }
    }

    @Test("bad inputs throw coded errors, never crash")
    func badInputs() {
        let design = DesignMatrix(rowCount: 3, columnCount: 2, values: [1, 2, 3, 4, 5, 6])
        func code(_ body: @autoclosure () throws(ModelError) -> LogisticModel) -> ModelError.Code? {
            do { _ = try body(); return nil } catch { return error.code }
        }
        #expect(code(try LogisticRegression.fit(DesignMatrix(rowCount: 0, columnCount: 2, values: []), labels: [])) == .noRows)
        #expect(code(try LogisticRegression.fit(design, labels: [0, 1])) == .shapeMismatch)
        #expect(code(try LogisticRegression.fit(design, labels: [0, 1, 0], weights: [1, 1])) == .shapeMismatch)
        #expect(code(try LogisticRegression.fit(design, labels: [0, 1, 2])) == .invalidValue)
        #expect(code(try LogisticRegression.fit(design, labels: [0, 1, 0], weights: [1, -1, 1])) == .invalidValue)
        #expect(code(try LogisticRegression.fit(design, labels: [0, 1, 0], weights: [1, .nan, 1])) == .nonFinite)
        #expect(code(try LogisticRegression.fit(design, labels: [0, 1, 0], weights: [0, 0, 0])) == .noRows)
        #expect(code(try LogisticRegression.fit(design, labels: [0, 1, 0],
                                                configuration: .init(inverseRegularization: 0))) == .invalidValue)
        var broken = design
        broken.values[3] = .infinity
        #expect(code(try LogisticRegression.fit(broken, labels: [0, 1, 0])) == .nonFinite)
        do {
            _ = try LogisticRegression.fit(broken, labels: [0, 1, 0])
        } catch {
            #expect(error.message.contains("row 1, column 1"))
        }
        broken.values.append(0)
        #expect(code(try LogisticRegression.fit(broken, labels: [0, 1, 0])) == .shapeMismatch)
    }

    @Test("weight 2 on a row equals duplicating that row")
    func weightTwoEqualsDuplication() throws {
        let fixture = try LRFixture.heart()
        let n = fixture.design.rowCount
        let doubled = (0..<n).filter { $0 % 3 == 0 }
        var weights = [Double](repeating: 1, count: n)
        for i in doubled { weights[i] = 2 }
        let weighted = try LogisticRegression.fit(fixture.design, labels: fixture.labels, weights: weights)
        let indices = Array(0..<n) + doubled
        let duplicated = try LogisticRegression.fit(fixture.design.rows(indices), labels: indices.map { fixture.labels[$0] })
        #expect(lrMismatch([weighted.intercept] + weighted.coefficients,
                           [duplicated.intercept] + duplicated.coefficients, relative: 1e-8, absolute: 1e-10) <= 1)
    }

    @Test("fitting twice gives bit-identical models (multi-chunk, both solvers)",
          arguments: [(13000, 21, LogisticRegression.Solver.newton), (1100, 250, .lbfgs)])
    func determinism(rows: Int, columns: Int, solver: LogisticRegression.Solver) throws {
        let (design, labels) = LRTestRandom.problem(rows: rows, columns: columns, seed: 42)
        #expect(LogisticRegression.Kernels.chunkRanges(rowCount: rows, columnCount: columns).count > 1)
        // The L-BFGS case is capped (determinism needs no convergence; debug builds are slow).
        let config = LogisticRegressionConfiguration(maxIterations: solver == .newton ? 1000 : 15)
        let first = try LogisticRegression.fit(design, labels: labels, weights: nil, configuration: config, solver: solver)
        let second = try LogisticRegression.fit(design, labels: labels, weights: nil, configuration: config, solver: solver)
        #expect(first == second)
        #expect(first.intercept.bitPattern == second.intercept.bitPattern)
        #expect(zip(first.coefficients, second.coefficients).allSatisfy { $0.bitPattern == $1.bitPattern })
        if solver == .newton {
            #expect(first.converged)
            #expect(lrIndependentGradient(first, design, labels) <= 1e-8)
        }
    }

    @Test("automatic solver: Newton below 40 columns, L-BFGS beyond newtonColumnLimit")
    func solverChoice() throws {
        let (narrow, y1) = LRTestRandom.problem(rows: 300, columns: 39, seed: 1)
        let (wide, y2) = LRTestRandom.problem(rows: 300, columns: LogisticRegression.newtonColumnLimit + 1, seed: 2)
        let quick = LogisticRegressionConfiguration(maxIterations: 1)
        #expect(try LogisticRegression.fit(narrow, labels: y1, configuration: quick).solver == "newton")
        #expect(try LogisticRegression.fit(wide, labels: y2, configuration: quick).solver == "lbfgs")
    }

    @Test("automatic solver, 40...200 columns: L-BFGS warm start, Newton if it has not converged")
    func warmStart() throws {
        let (design, labels) = LRTestRandom.problem(rows: 2000, columns: 60, seed: 3)
        let budget = LogisticRegression.warmStartBudget(columnCount: 60)
        // Well-conditioned: L-BFGS finishes within its budget.
        let easy = try LogisticRegression.fit(design, labels: labels)
        #expect(easy.solver == "lbfgs" && easy.converged && easy.iterations <= budget)
        // Columns on scales 1 to 1000 with offsets: L-BFGS cannot finish in budget, Newton does.
        var values = design.values
        for i in 0..<design.rowCount {
            for j in 0..<60 { values[i * 60 + j] = 50 + values[i * 60 + j] * [1.0, 10, 100, 1000][j % 4] }
        }
        let scaled = DesignMatrix(rowCount: design.rowCount, columnCount: 60, values: values)
        let hard = try LogisticRegression.fit(scaled, labels: labels)
        #expect(hard.solver == "newton" && hard.converged && hard.iterations > budget)
        #expect(lrIndependentGradient(hard, scaled, labels) <= 1e-8)
        let newton = try LogisticRegression.fit(scaled, labels: labels, weights: nil, configuration: .init(), solver: .newton)
        #expect(lrMismatch([hard.intercept] + hard.coefficients, [newton.intercept] + newton.coefficients,
                           relative: 1e-6, absolute: 1e-9) <= 1)
    }

    @Test("an iteration cap of 1 is reported honestly as not converged")
    func iterationCap() throws {
        let fixture = try LRFixture.random()
        let model = try LogisticRegression.fit(fixture.design, labels: fixture.labels,
                                               configuration: .init(maxIterations: 1))
        #expect(model.iterations == 1)
        #expect(!model.converged)
        #expect(model.maxAbsGradient > 1e-10)
        #expect(abs(model.maxAbsGradient - lrIndependentGradient(model, fixture.design, fixture.labels)) <= 1e-12)
    }

    @Test("perfectly separable data still has a finite optimum (the ridge), found by both solvers")
    func separable() throws {
        let design = DesignMatrix(rowCount: 4, columnCount: 1, values: [-2, -1, 1, 2])
        let config = LogisticRegressionConfiguration(inverseRegularization: 1e4)
        let newton = try LogisticRegression.fit(design, labels: [0, 0, 1, 1], weights: nil, configuration: config, solver: .newton)
        let lbfgs = try LogisticRegression.fit(design, labels: [0, 0, 1, 1], weights: nil, configuration: config, solver: .lbfgs)
        #expect(newton.converged && lbfgs.converged)
        #expect(newton.coefficients[0] > 5 && newton.coefficients[0].isFinite)
        #expect(abs(newton.coefficients[0] - lbfgs.coefficients[0]) <= 1e-6 * newton.coefficients[0])
        #expect(abs(newton.intercept) <= 1e-9)
    }

    @Test("zero columns: intercept-only fit is the weighted log-odds")
    func interceptOnly() throws {
        let design = DesignMatrix(rowCount: 5, columnCount: 0, values: [])
        let model = try LogisticRegression.fit(design, labels: [1, 0, 0, 1, 1], weights: [1, 1, 1, 1, 3])
        #expect(abs(model.intercept - log(5.0 / 2.0)) <= 1e-12)
        #expect(model.coefficients.isEmpty)
        #expect(model.scores(design) == [Double](repeating: model.intercept, count: 5))
    }

    @Test("predictions: probability(row), scores and probabilities agree bit for bit")
    func predictions() throws {
        let (design, labels) = LRTestRandom.problem(rows: 1031, columns: 37, seed: 7)
        let model = try LogisticRegression.fit(design, labels: labels)
        let scores = model.scores(design)
        let probabilities = model.probabilities(design)
        design.values.withUnsafeBufferPointer { values in
            for i in [0, 1, 2, 3, 4, 517, 1027, 1028, 1029, 1030] {
                let row = UnsafeBufferPointer(rebasing: values[(i * 37)..<((i + 1) * 37)])
                #expect(model.probability(row) == probabilities[i])
                var z = model.intercept
                for j in 0..<37 { z += design[i, j] * model.coefficients[j] }
                #expect(abs(scores[i] - z) <= 1e-12 * (1 + abs(z)))
                #expect(abs(probabilities[i] - 1 / (1 + exp(-z))) <= 1e-14)
            }
        }
    }

    @Test("stable sigmoid at extreme scores")
    func sigmoidExtremes() {
        #expect(LogisticRegression.Kernels.sigmoid(800) == 1)
        #expect(LogisticRegression.Kernels.sigmoid(-800) == 0)
        #expect(LogisticRegression.Kernels.sigmoid(-30) > 0)
        let terms = LogisticRegression.Kernels.rowTerms(-800, 1, 1)
        #expect(terms.loss == 800 && terms.residual == -1 && terms.curvature == 0)
    }

    @Test("constant models predict their probability and survive JSON", arguments: [0.0, 0.3, 1.0])
    func constantModel(p: Double) throws {
        let model = LogisticModel.constant(probability: p, columnCount: 3)
        #expect(model.solver == "constant" && model.coefficients == [0, 0, 0] && model.converged)
        let design = DesignMatrix(rowCount: 2, columnCount: 3, values: [1, -2, 3, 40, 50, -60])
        for q in model.probabilities(design) { #expect(abs(q - p) <= 1e-15) }
        let decoded = try JSONDecoder().decode(LogisticModel.self, from: JSONEncoder().encode(model))
        #expect(decoded == model)
    }

    @Test("ModelError describes itself by code")
    func errorDescription() {
        let error = ModelError(code: .singleClass, message: "every row with positive weight has label 1")
        #expect(error.description == "singleClass: every row with positive weight has label 1")
        #expect(ModelError.Code.nonFinite != .noRows)
    }
}
