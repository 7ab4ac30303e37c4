import Testing
@testable import AuditStats

@Suite("Meta-analysis (spec §2.7)")
struct MetaAnalysisTests {
    // Four sites, (n, n10, n01) = (200,12,20), (150,5,18), (400,30,28), (120,4,11); values from
    // calcs/calc_fg.py (numpy / scipy 1.17), tolerance 1e-9 relative unless stated.
    static let sites = [(200, 12, 20), (150, 5, 18), (400, 30, 28), (120, 4, 11)]

    static func close(_ a: Double?, _ b: Double, _ tol: Double = 1e-9) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tol * max(1, abs(b))
    }

    @Test func worked() throws {
        let estimates = Self.sites.enumerated().map { MetaAnalysis.errorEstimate(site: "s\($0)", count: $1.0, n10: $1.1, n01: $1.2) }
        #expect(Self.close(estimates[1].value, -0.08666666666666667))
        #expect(abs(estimates[0].variance - 7.92e-4) < 1e-12)
        let m = try #require(MetaAnalysis(estimates))
        #expect(Self.close(m.fixedEffect.estimate, -0.030382494378783494))
        #expect(Self.close(m.fixedEffect.standardError, 0.012870069245432353))
        #expect(Self.close(m.fixedEffect.pViolation, 0.009120006946736136))
        #expect(Self.close(m.q, 7.600614269715688))
        #expect(Self.close(m.qPValue, 0.05502882517662656, 1e-10))
        #expect(Self.close(m.iSquared, 0.6052950599067541))
        #expect(Self.close(m.tauSquared, 0.0011017727679549893))
        #expect(Self.close(m.randomEffects.estimate, -0.040201420695990316))
        #expect(Self.close(m.randomEffects.standardError, 0.021486843228542874))
        #expect(Self.close(m.randomEffects.pViolation, 0.030674033847561528))
        #expect(Self.close(m.hartungKnapp?.standardError, 0.019971976686223407))
        #expect(Self.close(m.hartungKnapp?.statistic, -2.0128914292054576))
        #expect(Self.close(m.hartungKnapp?.pViolation, 0.06879906599757082, 1e-10))
        #expect(Self.close(m.predictionLower, -0.21033079064988836, 1e-10))
        #expect(Self.close(m.predictionUpper, 0.12992794925790774, 1e-10))
    }

    // scipy.stats values.
    @Test func distributions() {
        #expect(abs(StudentT.cdf(-2.5, degreesOfFreedom: 7) - 0.020496109292876444) < 1e-13)
        #expect(abs(StudentT.cdf(1.3, degreesOfFreedom: 1) - 0.7912855998398473) < 1e-13)
        #expect(abs(StudentT.quantile(0.975, degreesOfFreedom: 10) - 2.228138851986274) < 1e-12)
        #expect(abs(StudentT.quantile(0.975, degreesOfFreedom: 2) - 4.302652729749462) < 1e-12)
        #expect(abs(StudentT.quantile(0.9, degreesOfFreedom: 30) - 1.3104150253913955) < 1e-12)
        #expect(abs(ChiSquared.survival(3.3, degreesOfFreedom: 1) - 0.06927988322120171) < 1e-13)
    }

    @Test func oneSiteAndBadInput() throws {
        let one = try #require(MetaAnalysis([.init(site: "a", value: -0.1, variance: 0.01)]))
        #expect(one.qPValue == nil && one.hartungKnapp == nil && one.predictionLower == nil)
        #expect(one.fixedEffect == one.randomEffects)
        #expect(MetaAnalysis([]) == nil)
        #expect(MetaAnalysis([.init(site: "a", value: 0, variance: 0)]) == nil)
    }
}
