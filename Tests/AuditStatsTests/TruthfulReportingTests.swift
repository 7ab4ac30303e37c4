import Foundation
import Testing
@testable import AuditStats

/// Random predictions: `m` groups, each report shifting a shared score by a random offset, and
/// for every group some rows where the offset of another group fits better.
func randomPredictions(seed: UInt64, rows: Int, groups m: Int, sites: [String] = ["local"]) -> Predictions {
    var rng = Xoshiro256StarStar(seed: seed)
    func u() -> Double { Double(rng.next() >> 11) * 0x1p-53 }
    let keys = (0..<m).map { "g=\($0)" }
    let offsets = (0..<m).map { _ in u() * 2 - 1 }
    var groups: [Int32] = [], labels: [UInt8] = [], generic: [Double] = [], personalized: [Double] = [], siteOf: [String] = []
    for _ in 0..<rows {
        let g = Int(u() * Double(m)), x = u() * 4 - 2
        let truth = 1 / (1 + exp(-(x + 0.8 * offsets[(g + 1) % m])))
        groups.append(Int32(g))
        labels.append(u() < truth ? 1 : 0)
        generic.append(1 / (1 + exp(-x)))
        personalized += offsets.map { 1 / (1 + exp(-(x + $0 + 0.3 * (u() - 0.5)))) }
        siteOf.append(sites[Int(u() * Double(sites.count))])
    }
    return Predictions(keys: keys, sites: siteOf, groups: groups, labels: labels, generic: generic, personalized: personalized)
}

@Suite("Truthful reporting (ICML 2023 Prop. 2)")
struct TruthfulReportingTests {
    /// The chosen report is the argmin of the group's risk over all reports, computed here from
    /// the rows directly, and its significance is the flag of the matching comparison.
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func bestReportIsTheArgminOverReports(seed: UInt64) throws {
        let predictions = randomPredictions(seed: seed, rows: 1200, groups: 4)
        let evaluation = FairUseAudit.run(predictions, extraction: ExtractionSettings(bootstrapReplicates: 200, rootSeed: seed),
                                          evaluation: EvaluationSettings())
        let truthful = TruthfulReporting(evaluation: evaluation)
        #expect(truthful.metrics.map(\.metric) == [.error, .auc, .ece])
        let m = predictions.groupCount
        for (metric, choices) in zip(evaluation.metrics, truthful.metrics) {
            for choice in choices.groups {
                let g = try #require(predictions.keys.firstIndex(of: choice.key))
                let rows = predictions.groups.indices.filter { predictions.groups[$0] == Int32(g) }
                // Report r = 0 is withholding (h0), r = 1 + j is reporting keys[j].
                var p = [Double]()
                for i in rows { p.append(predictions.generic[i]); for j in 0..<m { p.append(predictions.personalized[i * m + j]) } }
                let values = MetricValues.values(metric.metric, labels: rows.map { predictions.labels[$0] }, probabilities: p,
                                                 modelCount: m + 1, eceBins: 10)
                let sign = metric.metric.higherIsBetter ? 1.0 : -1.0
                let truth = try #require(values[1 + g])
                let bestOther = values.enumerated().filter { $0.offset != 1 + g }.compactMap { e in e.element.map { (e.offset, $0) } }
                    .max { sign * $0.1 < sign * $1.1 }!
                if sign * bestOther.1 > sign * truth + 1e-12 {
                    #expect(choice.best != .truthful)
                    #expect(abs(choice.gain - sign * (bestOther.1 - truth)) < 1e-12)
                    #expect(abs((choice.bestValue ?? .nan) - bestOther.1) < 1e-12)
                    let expectedReport: TruthfulReporting.Report = bestOther.0 == 0 ? .withhold : .misreport
                    if choice.best == expectedReport, expectedReport == .misreport {
                        #expect(choice.reportAs == predictions.keys[bestOther.0 - 1])
                    }
                    // The flag behind the choice.
                    let group = try #require(metric.groups.first { $0.key == choice.key })
                    let comparison = choice.best == .withhold ? group.rationality : group.envy.first { $0.reportedAs == choice.reportAs }
                    #expect(choice.significant == (comparison?.primary.flag == .violation))
                } else {
                    #expect(choice.best == .truthful)
                    #expect(choice.gain == 0)
                    #expect(!choice.significant)
                }
            }
            #expect(choices.misreport == choices.groups.filter { $0.best == .misreport }.count)
        }
        // The fixture makes some group prefer another report (otherwise the argmin branch is untested).
        #expect(truthful.metrics.contains { $0.misreport + $0.withhold > 0 })
    }

    /// ICML 2023 Figure 2: (female, young) is served best by withholding (h0 is right on all of its
    /// 24 rows, its own model wrong on all); the tie with reporting (male, old) goes to withholding.
    @Test func figure2GroupWithholds() throws {
        let keys = ["female,old", "female,young", "male,old", "male,young"]
        let reported = [true, true, false, true]
        let predictions = cellPredictions(keys: keys, cells: [
            (1, 0, 24, false, reported), (3, 25, 0, false, reported),
            (0, 25, 0, false, reported), (2, 0, 27, false, reported),
        ])
        let evaluation = FairUseAudit.run(predictions, extraction: ExtractionSettings(bootstrapReplicates: 0),
                                          evaluation: EvaluationSettings(metrics: [.error]))
        let error = try #require(TruthfulReporting(evaluation: evaluation).metrics.first)
        let byKey = Dictionary(uniqueKeysWithValues: error.groups.map { ($0.key, $0) })
        let young = try #require(byKey["female,young"])
        #expect(young.best == .withhold)
        #expect(young.gain == 1)
        #expect(young.significant)   // McNemar (24, 0): p = 2^-24
        // (male, old) would gain by reporting any "+" group? Its rows are negatives: "−" is right, so truth is best.
        #expect(byKey["male,old"]?.best == .truthful)
        // Positive groups gain nothing from any other report ("+" is right for them and their own model says "+").
        #expect(byKey["female,old"]?.best == .truthful)
        #expect(error.withhold == 1 && error.misreport == 0 && error.significant == 1)
    }
}
