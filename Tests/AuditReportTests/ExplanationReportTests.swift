import AuditModels
import AuditSpec
import AuditStats
import Foundation
import Testing
@testable import AuditReport

@Suite("BoP-X in the report")
struct ExplanationReportTests {
    @Test func explanationsRoundTripAndRender() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fairuse-bopx-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        var text = "sex,x1,x2,y\n"
        var rng = Xoshiro256StarStar(seed: 2)
        for _ in 0..<400 {
            let u = { Double(rng.next() >> 11) * 0x1p-53 }
            let sex = u() < 0.5 ? "f" : "m", x1 = u() * 4 - 2, x2 = u() * 2 - 1
            let z = 1.2 * x1 - 0.7 * x2 + (sex == "m" ? 0.8 : -0.8) * x2
            text += "\(sex),\(x1),\(x2),\(u() < 1 / (1 + exp(-z)) ? 1 : 0)\n"
        }
        try Data(text.utf8).write(to: url)
        var spec = AuditSpec(name: "bopx", outcome: OutcomeSpec(column: "y"), groups: [GroupAttributeSpec(column: "sex")])
        spec.tests.bootstrapReplicates = 100
        let result = try LocalAudit.run(spec: spec, dataPath: url.path)
        var document = ReportDocument(local: result, version: "test", includeTimings: false)
        let explanations = try LocalExplanations.evaluate(result, settings: .init(bootstrap: 100), alpha: 0.1, correction: .holm)
        for (i, x) in explanations.enumerated() { document.results[i].explanations = x }
        let decoded = try ReportDocument.decode(try document.jsonData())
        #expect(decoded == document)
        let json = String(decoding: try document.jsonData(), as: UTF8.self)
        #expect(json.contains("\"incomprehensiveness\"") && json.contains("\"divergence\"") && json.contains("\"personalized_explanation_size\""))
        let terminal = TerminalReport.render(document, alpha: 0.1, correction: .holm)
        #expect(terminal.contains("BoP-X sufficiency") && terminal.contains("BoP-X incomprehensiveness"))
        #expect(MarkdownReport.render(document, alpha: 0.1, correction: .holm).contains("### onehot · BoP-X sufficiency"))
        // Without explanations the key is absent, so older reports still decode.
        let plain = String(decoding: try ReportDocument(local: result, version: "test", includeTimings: false).jsonData(), as: UTF8.self)
        #expect(!plain.contains("\"explanations\""))
    }
}
