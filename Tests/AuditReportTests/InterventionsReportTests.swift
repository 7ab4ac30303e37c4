import AuditModels
import AuditSpec
import AuditStats
import Foundation
import Testing
@testable import AuditReport

@Suite("Reports: truthful reporting, interventions, model selection")
struct InterventionsReportTests {
    @Test func derivedSectionsRoundTripAndRender() throws {
        let document = figure2Document()
        let section = try #require(document.results.first)
        let truthful = try #require(section.truthfulReporting?.metrics.first { $0.metric == .error })
        #expect(truthful.groups.first { $0.key == "sex=female;age=young" }?.best == .withhold)
        let assignment = try #require(section.interventions?.assignGeneric?.metrics.first { $0.metric == .error })
        #expect(assignment.switched == ["sex=female;age=young"])

        let data = try document.jsonData()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"truthful_reporting\"") && text.contains("\"assign_generic\""))
        #expect(try ReportDocument.decode(data) == document)

        let terminal = TerminalReport.render(document, alpha: 0.1, correction: .holm)
        #expect(terminal.contains("truthful reporting (ICML 2023 Prop. 2)"))
        #expect(terminal.contains("withhold (h0)"))
        #expect(terminal.contains("assign h0 to groups with a rationality violation"))
        let markdown = MarkdownReport.render(document, alpha: 0.1, correction: .holm)
        #expect(markdown.contains("### figure2 · truthful reporting"))
        #expect(HTMLReport.render(document, alpha: 0.1, correction: .holm).contains("figure2 · truthful reporting (ICML 2023 Prop. 2)"))
    }

    /// A document without the new sections (an older report) still decodes.
    @Test func olderReportsDecode() throws {
        var document = figure2Document()
        document.results[0].truthfulReporting = nil
        document.results[0].interventions = nil
        let data = try document.jsonData()
        #expect(!String(decoding: data, as: UTF8.self).contains("truthful_reporting"))
        let decoded = try ReportDocument.decode(data)
        #expect(decoded.results[0].truthfulReporting == nil && decoded.results[0].interventions == nil)
    }

    /// A local audit with every analysis attached: the JSON carries them and both renderers show them.
    @Test func localAnalysesAttach() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fairuse-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var rng = Xoshiro256StarStar(seed: 21)
        func u() -> Double { Double(rng.next() >> 11) * 0x1p-53 }
        var csv = "sex,age_group,x,y\n"
        for _ in 0..<500 {
            let sex = u() < 0.5 ? "f" : "m", age = u() < 0.5 ? "young" : "old", x = u() * 4 - 2
            let z = x + (sex == "m" ? 0.5 : -0.5) * (age == "old" ? 1 : -1)
            csv += "\(sex),\(age),\(x),\(u() < 1 / (1 + exp(-z)) ? 1 : 0)\n"
        }
        let path = folder.appendingPathComponent("d.csv").path
        try Data(csv.utf8).write(to: URL(fileURLWithPath: path))
        var spec = AuditSpec(name: "t", outcome: OutcomeSpec(column: "y"),
                             groups: [GroupAttributeSpec(column: "sex"), GroupAttributeSpec(column: "age_group")])
        spec.tests.bootstrapReplicates = 50
        spec.techniques = [.onehot]
        let result = try LocalAudit.run(spec: spec, dataPath: path)
        var document = ReportDocument(local: result, version: "test", includeTimings: false)
        document.attach(try LocalInterventions.run(result, dataPath: path,
                                                   settings: .init(selectionGrid: [0.1, 10], selectionFolds: 3)))
        let section = try #require(document.results.first)
        #expect(section.interventions?.bestOfModels != nil && section.interventions?.dataMinimization != nil)
        #expect(section.modelSelection?.grid.count == 2)
        #expect(try ReportDocument.decode(try document.jsonData()) == document)
        let terminal = TerminalReport.render(document, alpha: 0.1, correction: .holm)
        for title in ["best of h0 / h_g / h_g^dec", "data minimization", "model selection (§3.1)", "at each chosen C"] {
            #expect(terminal.contains(title))
        }
        #expect(MarkdownReport.render(document, alpha: 0.1, correction: .holm).contains("model selection (§3.1)"))
    }
}
