/// The primary tests of error (exact McNemar) and AUC (DeLong) as report values: p-values,
/// the test's own interval and standard error, why it is NA, and plain-word cautions when the
/// comparison carries little information (decision D2; spec §5). Kept as data on the
/// comparison so that every rendering can show them next to the number.
extension MetricEstimates {
    /// McNemar's outcome: exact p-values, the exact conditional interval of the gain at `level`
    /// (``McNemarTest/interval(rows:level:)``) and the large-sample SE of the gain.
    static func outcome(_ test: McNemarTest, rows n: Int, level: Double) -> TestOutcome {
        var outcome = TestOutcome(pViolation: test.pViolation, pGain: test.pGain)
        outcome.standardError = test.standardError(rows: n)
        let interval = test.interval(rows: n, level: level)
        outcome.intervalLower = interval?.lowerBound
        outcome.intervalUpper = interval?.upperBound
        return outcome
    }

    /// Low-information notes of a McNemar comparison.
    static func cautions(_ test: McNemarTest) -> [String] {
        if test.discordant == 0 {
            return ["no discordant rows: both models are right and wrong on the same rows, so p = 1 by convention — no evidence either way, not evidence of equal error"]
        }
        if test.discordant < 10 {
            return ["few discordant rows (n10 + n01 = \(test.discordant)): the exact test has little power"]
        }
        return []
    }

    /// DeLong's outcome: p-values (nil when NA, with the reason), the Wald interval at `level`
    /// and the SE of the gain.
    static func outcome(_ test: DeLongTest, level: Double) -> TestOutcome {
        var outcome = TestOutcome(pViolation: test.pViolation, pGain: test.pGain)
        outcome.standardError = test.standardError
        let interval = test.interval(level: level)
        outcome.intervalLower = interval?.lowerBound
        outcome.intervalUpper = interval?.upperBound
        outcome.unavailableReason = test.unavailableReason
        return outcome
    }

    /// Low-information notes of a DeLong comparison; an NA test's note is its reason (also its
    /// outcome's `unavailableReason`), so a rendering that shows only cautions still says why.
    static func cautions(_ test: DeLongTest) -> [String] {
        if let reason = test.unavailableReason { return [reason] }
        var notes: [String] = []
        if test.z == 0 && test.standardError == 0 {
            notes.append("both models order this group's rows the same way within every site: the AUC gain is exactly 0 (z = 0)")
        } else if min(test.positives, test.negatives) < 10 {
            notes.append("few positives or negatives (\(test.positives) and \(test.negatives)): the DeLong normal approximation is rough")
        }
        if case .pooled(let strata, let positiveDF, let negativeDF) = test.varianceSource {
            let sites = strata == 1 ? "1 site has" : "\(strata) sites have"
            let borrowed = [(positiveDF, "positives"), (negativeDF, "negatives")].compactMap { df, kind in
                df.map { $0 > 0 ? "\(kind): pooled over sites, \($0) df" : "\(kind): no site has two, bound 1 used (conservative)" }
            }
            notes.append("\(sites) a single positive or negative of this group: their DeLong variance uses the placement variance of the other sites (\(borrowed.joined(separator: "; ")))")
        }
        return notes
    }
}
