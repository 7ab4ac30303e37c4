import Foundation
import Testing
@testable import AuditStats

@Suite("Testability bounds (spec §2.8, §2.9)")
struct BoundsTests {
    @Test func lambertW() {
        for x in [1e-8, 0.1, 1, M_E, 10, 1e3, 1e9, 1e300] {
            let w = LambertW.principal(x)
            #expect(abs(w * exp(w) - x) <= 1e-13 * x)
        }
        #expect(abs(LambertW.principal(-1 / M_E) - -1) < 1e-7)
        #expect(LambertW.principal(-1).isNaN)
    }

    // Values of calcs/calc_hi.py (scipy lambertw); the authors' Mathematica gives 17.970555 and 22.30309.
    @Test(arguments: [(8e9, 0.01, 17.970555274044713, 256847.99282920247, 17.97055485662412),
                      (20000, 0.05, 5.663695309821651, 50.692320796904205, 5.657960351104896),
                      (20000, 0.10, 7.280250282475314, 155.44390967594285, 7.278719244177486),
                      (2000, 0.10, 4.615746304877797, 24.51760761052726, 4.601933247293573)])
    func classificationLimit(n: Double, epsilon: Double, kMax: Double, dMax: Double, exact: Double) {
        let r = Testability.classification(rows: n, epsilon: epsilon)
        #expect(abs(r.kMax - kMax) < 1e-10)
        #expect(abs(r.dMax - dMax) < 1e-8 * dMax)
        #expect(abs(Testability.exactCrossing(rows: n, epsilon: epsilon) - exact) < 1e-8)
    }

    @Test(arguments: [(8e9, 0.01, 0.1, 22.303091257555504), (8e9, 0.01, 1.0, 16.12700060960083),
                      (20000, 0.05, 0.1, 9.559537875032424)])
    func regressionLimit(n: Double, epsilon: Double, sigma: Double, kMax: Double) {
        #expect(abs(Testability.regression(rows: n, epsilon: epsilon, sigma: sigma).kMax - kMax) < 1e-10)
    }

    // The authors' MIMIC group sizes (k = 2): P_e ≥ 0.839 at ε = .005 and 0.526 at ε = .01; 0.564 at k = 18.
    @Test func errorProbabilityBound() {
        let sizes: [Double] = [4079, 1676, 5490, 2092]
        #expect(abs(Testability.errorProbabilityBound(groupSizes: sizes, epsilon: 0.005) - 0.8394233307413086) < 1e-12)
        #expect(abs(Testability.errorProbabilityBound(groupSizes: sizes, epsilon: 0.01) - 0.5263381216453413) < 1e-12)
        let equal = [Double](repeating: 8e9 / 262_144, count: 262_144)
        #expect(abs(Testability.errorProbabilityBound(groupSizes: equal, epsilon: 0.01) - 0.5635925972807045) < 1e-9)
    }

    // Spec §2.8 table (smallest integer n_g).
    @Test(arguments: [(10.0, 0.05, 0.05, 1, 168_870, 186_455, 193_106), (10.0, 0.05, 0.05, 6, 169_662, 187_238, 196_229),
                      (27.0, 0.10, 0.10, 1, 96_259, 108_334, 109_793), (27.0, 0.10, 0.10, 6, 96_461, 108_533, 110_587)])
    func proposition4(d: Double, gap: Double, delta: Double, m: Int, printed: Int, lemma6: Int, corrected: Int) {
        #expect(GeneralizationSampleSize.required(vcDimension: d, gap: gap, delta: delta, groups: m, variant: .asPrinted) == printed)
        #expect(GeneralizationSampleSize.required(vcDimension: d, gap: gap, delta: delta, groups: m, variant: .lemma6) == lemma6)
        #expect(GeneralizationSampleSize.required(vcDimension: d, gap: gap, delta: delta, groups: m, variant: .corrected) == corrected)
    }

    @Test func detectableGainShrinksWithSize() throws {
        let small = try #require(McNemarPower.minimumDetectableGain(rows: 100, discordantFraction: 0.2, alpha: 0.05))
        let large = try #require(McNemarPower.minimumDetectableGain(rows: 2000, discordantFraction: 0.2, alpha: 0.05))
        #expect(large < small && small <= 0.2)
        // Too few discordant rows to ever reject at α = 0.001: 5 rows give p ≥ 1/32.
        #expect(McNemarPower.minimumDetectableGain(rows: 25, discordantFraction: 0.2, alpha: 0.001) == nil)
        #expect(abs(McNemarPower.binomialSurvival(atLeast: 3, n: 13, p: 0.5) - 8100.0 / 8192) < 1e-13)
    }
}
