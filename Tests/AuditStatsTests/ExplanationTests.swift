import Foundation
import Testing
@testable import AuditStats

@Suite("BoP-X: attributions, explanation costs, group tests")
struct ExplanationTests {
    static let beta = [2.0, -1.0, 0.5]
    /// Two rows of a tiny logistic model with intercept 0.
    static let rows = [1.0, 2.0, -2.0, 0.5, -1.0, 4.0]
    static func predict(_ values: [Double], _ n: Int) -> [Double] {
        (0..<n).map { i -> Double in
            let z: Double = beta[0] * values[i * 3] + beta[1] * values[i * 3 + 1] + beta[2] * values[i * 3 + 2]
            return 1 / (1 + exp(-z))
        }
    }

    @Test func exactLinearAttributionsByHand() {
        let a = FeatureAttribution.linear(rows: Self.rows, rowCount: 2, coefficients: Self.beta, baseline: [0, 0, 0])
        #expect(a == [2, -2, -1, 1, 1, 2])
        let shifted = FeatureAttribution.linear(rows: Self.rows, rowCount: 2, coefficients: Self.beta, baseline: [1, 0, 0])
        #expect(shifted == [0, -2, -1, -1, 1, 2])
    }

    /// Row 1: z = −1, predicted negative, signed attributions (−2, 2, 1), J = {1, 2};
    /// x_J = (0, 2, −2) → z = −3 (same decision), x_∖J = (1, 0, 0) → z = 2 (flips).
    /// Row 2: z = 4, predicted positive, attributions (1, 1, 2), J = {2, 0} (tie to the lower index);
    /// x_J = (0.5, 0, 4) → z = 3, x_∖J = (0, −1, 0) → z = 1 (same decision).
    @Test func sufficiencyAndIncomprehensivenessByHand() {
        let a = FeatureAttribution.linear(rows: Self.rows, rowCount: 2, coefficients: Self.beta, baseline: [0, 0, 0])
        #expect(ExplanationQuality.explanation(attributions: a[0..<3], predictedPositive: false, size: 2) == [1, 2])
        #expect(ExplanationQuality.explanation(attributions: a[3..<6], predictedPositive: true, size: 2) == [2, 0])
        #expect(ExplanationQuality.explanationSize(fraction: 0.5, features: 3) == 2)
        #expect(ExplanationQuality.explanationSize(fraction: 0.01, features: 3) == 1)
        let p = Self.predict(Self.rows, 2)
        let zeroOne = ExplanationQuality.costs(rows: Self.rows, rowCount: 2, columnCount: 3, attributions: a, probabilities: p,
                                               baseline: [0, 0, 0], fraction: 0.5, loss: .zeroOne, predict: Self.predict)
        #expect(zeroOne.sufficiency == [0, 0])
        #expect(zeroOne.incomprehensiveness == [0, 1])
        let absolute = ExplanationQuality.costs(rows: Self.rows, rowCount: 2, columnCount: 3, attributions: a, probabilities: p,
                                                baseline: [0, 0, 0], fraction: 0.5, loss: .absolute, predict: Self.predict)
        // scipy.special.expit: |σ(−1) − σ(−3)|, 1 − |σ(−1) − σ(2)|, |σ(4) − σ(3)|, 1 − |σ(4) − σ(1)|.
        #expect(abs(absolute.sufficiency[0] - 0.22151554819242833) < 1e-14)
        #expect(abs(absolute.incomprehensiveness[0] - 0.3881443433921128) < 1e-14)
        #expect(abs(absolute.sufficiency[1] - 0.029439663215475087) < 1e-14)
        #expect(abs(absolute.incomprehensiveness[1] - 0.7490447885920964) < 1e-14)
    }

    /// For a linear log-odds every permutation credits β_j x_j, so sampled Shapley equals the exact values.
    @Test func sampledShapleyEqualsExactOnALinearModel() {
        var rng = Xoshiro256StarStar(seed: 7)
        let rows = (0..<(40 * 3)).map { _ in Double(rng.next() >> 11) * 0x1p-53 * 4 - 2 }
        let exact = FeatureAttribution.linear(rows: rows, rowCount: 40, coefficients: Self.beta, baseline: [0, 0, 0])
        let sampled = FeatureAttribution.sampledShapley(rows: rows, rowCount: 40, columnCount: 3, baseline: [0, 0, 0],
                                                        permutations: 8, seed: 1, predict: Self.predict)
        for (x, y) in zip(exact, sampled) { #expect(abs(x - y) < 1e-9) }
    }

    /// With an interaction, logit = x0·x1 + x2, the exact baseline Shapley values are (x0x1/2, x0x1/2, x2);
    /// permutation sampling reaches them within sampling error, and is deterministic for a seed.
    @Test func sampledShapleyWithinSamplingToleranceOfExactShapley() {
        func interaction(_ v: [Double], _ n: Int) -> [Double] {
            (0..<n).map { i -> Double in
                let z: Double = v[i * 3] * v[i * 3 + 1] + v[i * 3 + 2]
                return 1 / (1 + exp(-z))
            }
        }
        let rows = [1.5, 2.0, -0.5, -1.0, 0.8, 1.2]
        let m = 400
        let sampled = FeatureAttribution.sampledShapley(rows: rows, rowCount: 2, columnCount: 3, baseline: [0, 0, 0],
                                                        permutations: m, seed: 3, predict: interaction)
        let expected = [1.5, 1.5, -0.5, -0.4, -0.4, 1.2]
        for i in 0..<2 {
            let interactionTerm: Double = rows[i * 3] * rows[i * 3 + 1]
            let sd: Double = abs(interactionTerm) * 0.5 / Double(m).squareRoot()   // SD of a Bernoulli(½) share
            let tolerance: Double = 4 * sd
            for j in 0..<3 {
                let error: Double = abs(sampled[i * 3 + j] - expected[i * 3 + j])
                #expect(error <= tolerance + 1e-9)
            }
            // Efficiency: the values add up to f(x) − f(x⁰) in every sample.
            let total: Double = sampled[i * 3] + sampled[i * 3 + 1] + sampled[i * 3 + 2]
            let difference: Double = interactionTerm + rows[i * 3 + 2]
            #expect(abs(total - difference) < 1e-9)
        }
        let again = FeatureAttribution.sampledShapley(rows: rows, rowCount: 2, columnCount: 3, baseline: [0, 0, 0],
                                                      permutations: m, seed: 3, predict: interaction)
        #expect(again == sampled)
    }

    @Test func pairedTMatchesScipy() throws {
        let (gain, harm) = ExplanationBenefit.pairedT([1, 0, 1, 1, 0, 1])
        #expect(abs(try #require(gain) - 0.01251550790922648) < 1e-10)
        #expect(abs(try #require(harm) - 0.9874844920907735) < 1e-10)
        #expect(abs(try #require(ExplanationBenefit.pairedT([0.3, -0.1, 0.2, 0.05, -0.02]).gain) - 0.1513811509656782) < 1e-10)
        #expect(ExplanationBenefit.pairedT([1]).gain == nil)
        #expect(ExplanationBenefit.pairedT([0, 0, 0]).gain == 1)
    }

    /// Group a: the personalized model's explanations are better on 30 of 40 rows (BoP-X = 0.75);
    /// group b: no difference; group c: absent from the test rows.
    @Test func groupGainsTestsAndDeterminism() {
        var groups: [Int32] = [], generic: [Double] = [], personalized: [Double] = []
        for i in 0..<40 { groups.append(0); generic.append(1); personalized.append(i < 30 ? 0 : 1) }
        for i in 0..<25 { groups.append(1); generic.append(Double(i % 2)); personalized.append(Double(i % 2)) }
        let run = {
            ExplanationBenefit.evaluate(metric: .sufficiency, keys: ["a", "b", "c"], groups: groups, generic: generic,
                                        personalized: personalized, bootstrap: 999, seed: 5, alpha: 0.1, correction: .holm)
        }
        let result = run()
        #expect(result == run())
        #expect(result.familySize == 2 && result.primaryTest == "bootstrap")
        let a = result.groups[0], b = result.groups[1], c = result.groups[2]
        #expect(a.count == 40 && a.generic == 1 && a.personalized == 0.25 && a.gain == 0.75)
        #expect(a.test.flag == .gain)
        #expect(a.test.gain.raw == 1.0 / 1000)             // no replicate mean ≤ 0
        #expect(b.gain == 0 && b.test.flag == .none && b.test.gain.raw == 1 && b.test.violation.raw == 1)
        #expect(c.count == 0 && c.gain == nil && c.test.flag == .na)
        let t = ExplanationBenefit.evaluate(metric: .sufficiency, keys: ["a", "b", "c"], groups: groups, generic: generic,
                                            personalized: personalized, bootstrap: 0, seed: 5, alpha: 0.1, correction: .holm)
        #expect(t.primaryTest == "paired_t" && t.groups[0].test.gain.raw == t.groups[0].tGain)
    }
}

@Suite("BoP-P beside BoP-X")
struct BenefitDivergenceTests {
    static func outcome(_ flag: TestFlag) -> TestOutcome { TestOutcome(violation: .init(raw: 0.5), gain: .init(raw: 0.5), flag: flag) }

    @Test func flagsOppositeSignsWithASignificantSide() {
        let counts = FlagCounts(tests: 0, gains: 0, violations: 0, groupsWithViolation: nil)
        func group(_ key: String, _ gain: Double, _ flag: TestFlag) -> GroupEvaluation {
            GroupEvaluation(key: key, count: 10, positives: 5, personalized: nil, generic: nil,
                            rationality: Comparison(reportedAs: nil, gain: gain, comparatorValue: nil, primary: Self.outcome(flag)), envy: [])
        }
        let error = MetricEvaluation(metric: .error, primaryTest: "mcnemar_exact", higherIsBetter: false, familySize: 3,
                                     bootstrapFamilySize: 0,
                                     groups: [group("a", 0.05, .gain), group("b", 0.02, .none), group("c", -0.01, .none)],
                                     summary: MetricSummary(personalized: nil, generic: nil, gain: nil, bestGroup: nil, worstGroup: nil,
                                                            rationality: counts, envy: counts))
        func x(_ key: String, _ gain: Double, _ flag: TestFlag) -> ExplanationBenefit.Group {
            ExplanationBenefit.Group(key: key, count: 10, generic: nil, personalized: nil, gain: gain, test: Self.outcome(flag), tGain: nil, tHarm: nil)
        }
        let bopx = ExplanationBenefit.Result(metric: .sufficiency, primaryTest: "bootstrap", familySize: 3,
                                             groups: [x("a", -0.03, .none), x("b", -0.04, .none), x("c", 0.02, .gain)])
        let d = BenefitDivergence.compare(prediction: error, explanations: [bopx])
        #expect(d.map(\.key) == ["a", "b", "c"])
        #expect(d.map(\.oppositeSigns) == [true, true, true])
        // a: prediction gain significant, explanation worse → diverges; b: nothing flagged; c: explanation gain flagged.
        #expect(d.map(\.diverges) == [true, false, true])
        #expect(d[0].predictionFlag == .gain && d[2].explanationFlag == .gain)
    }
}
