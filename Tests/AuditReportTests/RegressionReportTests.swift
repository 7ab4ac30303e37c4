import AuditCore
import AuditModels
import AuditSpec
import AuditStats
import Foundation
import Testing
@testable import AuditReport

/// A regression evaluation where group b's own model is clearly worse than h0 (deterministic).
func regressionDocument() -> ReportDocument {
    var groups: [Int32] = [], outcomes: [Double] = [], generic: [Double] = [], personalized: [Double] = []
    for i in 0..<200 {
        let g = Int32(i % 2), y = Double(i % 17) / 4, wobble = Double(i % 5) / 10 - 0.2
        groups.append(g); outcomes.append(y); generic.append(y + wobble)
        personalized += [y + wobble / 4, y + 4 * wobble]   // as a: better than h0; as b: worse
    }
    let predictions = RegressionPredictions(keys: ["sex=female", "sex=male"], sites: Array(repeating: "local", count: 200),
                                            groups: groups, outcomes: outcomes, generic: generic, personalized: personalized)
    let evaluation = RegressionAudit.run(predictions, extraction: ExtractionSettings(bootstrapReplicates: 0),
                                         evaluation: EvaluationSettings(metrics: Metric.regressionMetrics))
    return ReportDocument(predictionsPath: "reg.csv", name: "reg", spec: nil, evaluation: evaluation, version: "test", timings: nil)
}

@Suite("Regression reports")
struct RegressionReportTests {
    @Test func findingsNameTheHarmedGroup() {
        let text = PlainLanguage.findings(regressionDocument().results, alpha: 0.10, correction: .holm)
        #expect(text.contains("(male) gets less accurate predictions from its personalized model than from the generic model: mean squared error"))
        #expect(!text.contains("(female) gets less accurate predictions from its personalized model than from the generic"))
    }

    @Test func tablesAndJSON() throws {
        let document = regressionDocument()
        let text = TerminalReport.render(document, alpha: 0.10, correction: .holm)
        #expect(text.contains("reg · squared_error — primary test: paired t-test"))
        #expect(text.contains("RATIONALITY VIOLATION"))
        let markdown = MarkdownReport.render(document, alpha: 0.10, correction: .holm)
        #expect(markdown.contains("## reg · absolute_error (primary test: paired t-test)"))
        let json = try document.jsonData()
        let decoded = try ReportDocument.decode(json)
        #expect(decoded == document)
        let raw = String(decoding: json, as: UTF8.self)
        #expect(raw.contains("\"degrees_of_freedom\" : 99") && raw.contains("\"metric\" : \"squared_error\""))
    }

    @Test func regressorsRoundTrip() throws {
        let regressor = FittedRegressor.ridge(LinearRegressionModel(intercept: 1.5, coefficients: [0.25, -2], alpha: 1))
        let data = try JSONEncoder().encode(regressor)
        #expect(String(decoding: data, as: UTF8.self).contains("\"class\":\"ridge_regression\""))
        #expect(try JSONDecoder().decode(FittedRegressor.self, from: data) == regressor)
    }
}
