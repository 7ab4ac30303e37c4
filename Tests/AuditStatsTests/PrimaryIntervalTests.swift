import Testing
@testable import AuditStats

/// The primary tests' own intervals at the metric's confidence level (1 − α, two-sided,
/// unadjusted), against scipy 1.17 (`Docs/calcs/primary_intervals.py`):
/// McNemar — `binomtest(n10, n10 + n01).proportion_ci(confidence_level=0.9, method='exact')`
/// mapped to Δ = (n_d/n)(2θ − 1); paired t — `scipy.stats.t.interval(0.9, n − 1, loc=d̄, scale=SE)`.
@Suite("Primary-test intervals")
struct PrimaryIntervalTests {
    // (n10, n01, n, θ_L, θ_U, Δ_L, Δ_U); tolerance 1e-12 (the beta quantile is good to ≈ 1e-14).
    @Test(arguments: [
        (3, 10, 50, 0.06604956721646203, 0.49464973015136565, -0.22565422504743973, -0.0027821403212898613),
        (0, 5, 40, 0.0, 0.4507197283469409, -0.125, -0.012320067913264773),
        (5, 0, 40, 0.549280271653059, 1.0, 0.01232006791326476, 0.125),
        (1, 1, 10, 0.025320565519103604, 0.9746794344808964, -0.18987177379235856, 0.1898717737923586),
        (120, 80, 1000, 0.5396837953697725, 0.6580749451823834, 0.015873518147909004, 0.06322997807295337),
        (7, 3, 12, 0.39337578389442357, 0.9127355660858497, -0.1777070268426274, 0.6878926101430829),
    ])
    func mcnemarIntervalMatchesScipy(n10: Int, n01: Int, n: Int, thetaLow: Double, thetaHigh: Double,
                                     low: Double, high: Double) throws {
        let theta = try #require(ClopperPearson.interval(successes: n10, trials: n10 + n01, level: 0.9))
        #expect(abs(theta.lowerBound - thetaLow) < 1e-12 && abs(theta.upperBound - thetaHigh) < 1e-12)
        let interval = try #require(McNemarTest(n10: n10, n01: n01).interval(rows: n, level: 0.9))
        #expect(abs(interval.lowerBound - low) < 1e-12 && abs(interval.upperBound - high) < 1e-12)
    }

    // The interval agrees with the exact one-sided tests at (1 − level)/2: (3, 10) has
    // p_V = 378/8192 = 0.046 < 0.05, so the 90% interval lies below 0.
    @Test func mcnemarIntervalIsConsistentWithTheExactTest() throws {
        for (n10, n01) in [(3, 10), (10, 3), (2, 9), (4, 10), (0, 4), (0, 5), (30, 45)] {
            let test = McNemarTest(n10: n10, n01: n01)
            let interval = try #require(test.interval(rows: 100, level: 0.9))
            #expect((interval.upperBound < 0) == (test.pViolation < 0.05), "(\(n10), \(n01))")
            #expect((interval.lowerBound > 0) == (test.pGain < 0.05), "(\(n10), \(n01))")
        }
        #expect(McNemarTest(n10: 0, n01: 0).interval(rows: 10, level: 0.9) == nil)
    }

    // The evaluator fills McNemar's interval, SE and caution on the comparison; spec §2.1 table
    // (n10, n01) = (3, 10), n = 50: analytic SE √(((13/50) − 0.14²)/50) = 0.0693 (spec: 0.0693).
    @Test func errorComparisonCarriesTheExactInterval() throws {
        var stats = GroupStatistics(key: "g", target: 1, count: 50, positives: 20, wrong: [10, 17],
                                    logLossSum: [0, 0], brierSum: [0, 0],
                                    discordance: [Discordance(n10: 0, n01: 0), Discordance(n10: 0, n01: 0)],
                                    calibration: [], auc: [])
        stats.discordance[0] = Discordance(n10: 3, n01: 10)
        let comparison = MetricEstimates(metric: .error, stats: stats).comparison(comparator: 0, settings: EvaluationSettings(alpha: 0.10))
        #expect(abs(try #require(comparison.gain) - -0.14) < 1e-15)
        #expect(abs(try #require(comparison.primary.intervalLower) - -0.22565422504743973) < 1e-12)
        #expect(abs(try #require(comparison.primary.intervalUpper) - -0.0027821403212898613) < 1e-12)
        let analytic: Double = ((13.0 / 50.0 - 0.0196) / 50.0).squareRoot()
        let se = try #require(comparison.primary.standardError)
        #expect(abs(se - analytic) < 1e-15 && abs(se - 0.0693) < 5e-5)
        #expect(comparison.caution == nil)
        stats.discordance[0] = Discordance(n10: 0, n01: 0)
        let none = MetricEstimates(metric: .error, stats: stats).comparison(comparator: 0, settings: EvaluationSettings(alpha: 0.10))
        #expect(none.primary.violation.raw == 1 && none.primary.intervalLower == nil)
        #expect(none.caution?.contains("no discordant rows") == true)
    }

    // scipy: d̄ = 0.02049422892353885, SE = 0.06877661654416117,
    // t.interval(0.9, 199) = (−0.09316234495886014, 0.13415080280593783).
    @Test func pairedTIntervalMatchesScipy() throws {
        let test = PairedTTest(PairedDifferenceSums(count: 200, sum: 4.09884578470777, sumOfSquares: 188.34687741768494))
        #expect(abs(try #require(test.standardError) - 0.06877661654416117) < 1e-14)
        let interval = try #require(test.interval(level: 0.9))
        #expect(abs(interval.lowerBound - -0.09316234495886014) < 1e-12)
        #expect(abs(interval.upperBound - 0.13415080280593783) < 1e-12)
    }

    // Zero spread with a non-zero mean is NA (never t = ±∞ or p = 0); identical losses give p = 1.
    @Test func pairedTDegenerateCases() {
        let constant = PairedTTest(PairedDifferenceSums(count: 5, sum: 0.5, sumOfSquares: 0.05))
        #expect(constant.t == nil && constant.pGain == nil && constant.pViolation == nil)
        #expect(constant.unavailableReason?.contains("zero variance") == true && constant.interval(level: 0.9) == nil)
        let identical = PairedTTest(PairedDifferenceSums(count: 10, sum: 0, sumOfSquares: 0))
        #expect(identical.pGain == 1 && identical.unavailableReason == nil && identical.interval(level: 0.9) == nil)
        #expect(PairedTTest(PairedDifferenceSums(count: 1, sum: 2, sumOfSquares: 4)).unavailableReason != nil)
    }
}
