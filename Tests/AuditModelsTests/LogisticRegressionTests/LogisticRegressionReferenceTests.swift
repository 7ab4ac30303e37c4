@testable import AuditModels
import Testing

/// Fits against the scikit-learn references in `Fixtures/lr` (written by `make_lr_fixtures.py`).
///
/// Tolerances: against sklearn 1.9.1 `LogisticRegression(C=1, solver="lbfgs", max_iter=10000,
/// tol=1e-10)`, |ours − sklearn| ≤ 1e-4 · |sklearn| + 1e-6 per coefficient (sklearn itself stops at
/// max |∇| ≈ 1e-8 and so is only that close to the optimum). Against the fixture's numpy Newton
/// solution (max |∇| / Σw < 1e-14), ≤ 1e-6 · |ref| + 1e-8: our stopping rule max |∇| / Σw ≤ 1e-10
/// bounds the coefficient error by ‖∇f‖ / λ_min(∇²f), up to a few 1e-8 on the ill-conditioned
/// 400 x 250 design. The gradient is recomputed here with plain loops and must be ≤ 1e-8.
@Suite("Logistic regression vs scikit-learn")
struct LogisticRegressionReferenceTests {
    @Test("heart_cleveland, unweighted: Newton matches sklearn")
    func heartUnweighted() throws {
        let fixture = try LRFixture.heart()
        let model = try LogisticRegression.fit(fixture.design, labels: fixture.labels)
        #expect(model.solver == "newton")
        #expect(model.converged)
        #expect(model.maxAbsGradient <= 1e-10)
        #expect(lrIndependentGradient(model, fixture.design, fixture.labels) <= 1e-8)
        #expect(lrMismatch(model, fixture.file.sklearn, relative: 1e-4, absolute: 1e-6) <= 1)
        #expect(lrMismatch(model, fixture.file.newton, relative: 1e-6, absolute: 1e-8) <= 1)
    }

    @Test("heart_cleveland, weights 1 / 2.5 by class: matches sklearn with sample_weight")
    func heartWeighted() throws {
        let fixture = try LRFixture.heart()
        let weights = fixture.classWeights
        let model = try LogisticRegression.fit(fixture.design, labels: fixture.labels, weights: weights)
        #expect(model.converged)
        #expect(model.maxAbsGradient <= 1e-10)
        #expect(lrIndependentGradient(model, fixture.design, fixture.labels, weights: weights) <= 1e-8)
        let sklearn = try #require(fixture.file.sklearnWeighted)
        let newton = try #require(fixture.file.newtonWeighted)
        #expect(lrMismatch(model, sklearn, relative: 1e-4, absolute: 1e-6) <= 1)
        #expect(lrMismatch(model, newton, relative: 1e-6, absolute: 1e-8) <= 1)
    }

    @Test("seeded 400 x 250 design: L-BFGS matches sklearn")
    func randomWide() throws {
        let fixture = try LRFixture.random()
        let model = try LogisticRegression.fit(fixture.design, labels: fixture.labels)
        #expect(model.solver == "lbfgs")
        #expect(model.converged)
        #expect(model.maxAbsGradient <= 1e-10)
        #expect(lrIndependentGradient(model, fixture.design, fixture.labels) <= 1e-8)
        #expect(lrMismatch(model, fixture.file.sklearn, relative: 1e-4, absolute: 1e-6) <= 1)
        #expect(lrMismatch(model, fixture.file.newton, relative: 1e-6, absolute: 1e-8) <= 1)
    }

    @Test("Newton and L-BFGS agree to 1e-6 on both fixtures", arguments: ["heart", "random"])
    func solversAgree(name: String) throws {
        let fixture = try name == "heart" ? LRFixture.heart() : LRFixture.random()
        let config = LogisticRegressionConfiguration()
        let newton = try LogisticRegression.fit(fixture.design, labels: fixture.labels, weights: nil,
                                                configuration: config, solver: .newton)
        let lbfgs = try LogisticRegression.fit(fixture.design, labels: fixture.labels, weights: nil,
                                               configuration: config, solver: .lbfgs)
        #expect(newton.solver == "newton" && lbfgs.solver == "lbfgs")
        #expect(newton.converged && lbfgs.converged)
        #expect(lrMismatch([lbfgs.intercept] + lbfgs.coefficients, [newton.intercept] + newton.coefficients,
                           relative: 1e-6, absolute: 1e-6) <= 1)
    }
}
