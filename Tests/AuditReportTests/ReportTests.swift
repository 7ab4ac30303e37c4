import AuditModels
import AuditSpec
import AuditStats
import Foundation
import Testing
@testable import AuditReport

/// A fixed evaluation built from ICML 2023 Figure 2's counts (no randomness, no bootstrap).
func figure2Document() -> ReportDocument {
    let keys = ["sex=female;age=old", "sex=female;age=young", "sex=male;age=old", "sex=male;age=young"]
    let reported = [true, true, false, true]
    var groups: [Int32] = [], labels: [UInt8] = [], personalized: [Double] = []
    for (g, positives, negatives) in [(1, 0, 24), (3, 25, 0), (0, 25, 0), (2, 0, 27)] {
        for (label, count) in [(UInt8(1), positives), (UInt8(0), negatives)] {
            for _ in 0..<count {
                groups.append(Int32(g)); labels.append(label)
                personalized += reported.map { $0 ? 0.9 : 0.1 }
            }
        }
    }
    let predictions = Predictions(keys: keys, sites: Array(repeating: "local", count: labels.count), groups: groups,
                                  labels: labels, generic: Array(repeating: 0.1, count: labels.count), personalized: personalized)
    let evaluation = FairUseAudit.run(predictions, extraction: ExtractionSettings(bootstrapReplicates: 0),
                                      evaluation: EvaluationSettings(metrics: [.error, .auc, .ece]))
    return ReportDocument(predictionsPath: "figure2.csv", name: "figure2", spec: nil, evaluation: evaluation,
                          version: "test", timings: nil)
}

@Suite("Reports")
struct ReportTests {
    @Test func plainLanguageNamesTheHarmedGroup() throws {
        let text = PlainLanguage.findings(figure2Document().results, alpha: 0.10, correction: .holm)
        #expect(text.contains("(female, young) gets less accurate predictions from its personalized model than from the generic model: error 100.0% vs 0.0% (+100.0 points; Holm-adjusted p < 0.001)"))
        #expect(!text.contains("(male, old) gets less accurate"))
    }

    @Test func sentenceFormat() {
        let comparison = Comparison(reportedAs: nil, gain: -0.033, comparatorValue: 0.279,
                                    primary: TestOutcome(violation: AdjustedPValues(raw: 0.004, holm: 0.02), gain: AdjustedPValues(raw: 0.99), flag: .violation))
        let line = PlainLanguage.sentence(metric: .error, key: "sex=female;age_group=60+", comparison: comparison,
                                          personalized: 0.312, other: 0.279, against: "the generic model", correction: .holm)
        #expect(line == "(female, 60+) gets less accurate predictions from its personalized model than from the generic model: error 31.2% vs 27.9% (+3.3 points; Holm-adjusted p = 0.020)")
    }

    @Test func renderingIsDeterministic() throws {
        let a = figure2Document(), b = figure2Document()
        #expect(try a.jsonData() == b.jsonData())
        #expect(TerminalReport.render(a, alpha: 0.1, correction: .holm) == TerminalReport.render(b, alpha: 0.1, correction: .holm))
    }

    @Test func jsonRoundTripsAndUsesTheSchema() throws {
        let document = figure2Document()
        let data = try document.jsonData()
        #expect(try ReportDocument.decode(data) == document)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["schema"] as? String == "fairuse-report/1")
        let results = try #require(object["results"] as? [[String: Any]])
        let evaluation = try #require(results.first?["evaluation"] as? [String: Any])
        let metrics = try #require(evaluation["metrics"] as? [[String: Any]])
        #expect(metrics.first?["primary_test"] as? String == "mcnemar_exact")
    }

    @Test func tableShowsFlagsAndSummary() {
        let text = TerminalReport.render(figure2Document(), alpha: 0.1, correction: .holm)
        #expect(text.contains("RATIONALITY VIOLATION"))
        #expect(text.contains("Summary (paper Table 1"))
        #expect(text.contains("sex=female;age=young"))
    }

    @Test(arguments: [(0.0, 4, "0.0000"), (-0.00004, 4, "0.0000"), (-0.25, 2, "-0.25"), (1.5, 0, "2"), (0.123456, 6, "0.123456"), (-1.0000005, 6, "-1.000001")])
    func fixedFormatting(x: Double, decimals: Int, expected: String) {
        #expect(NumberFormat.format(x, decimals: decimals) == expected)
    }

    @Test func textTableAligns() {
        var table = TextTable(header: ["a", "bb"])
        table.append(["long", "1"])
        #expect(table.render() == "a     bb\n────  ──\nlong   1\n")
    }
}
