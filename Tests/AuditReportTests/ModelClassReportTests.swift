import AuditModels
import AuditSpec
import Foundation
import Testing
@testable import AuditReport

@Suite("Reports of random forests and neural networks")
struct ModelClassReportTests {
    static let specPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sites/specs/heart_cleveland.yaml").standardized.path

    static func document(_ modelClass: ModelClass) throws -> ReportDocument {
        var spec = try AuditSpec.load(path: specPath)
        spec.model = spec.model.with(modelClass: modelClass)
        if modelClass == .randomForest { spec.model.forest?.trees = 10 }
        spec.tests.bootstrapReplicates = 20
        let result = try LocalAudit.run(spec: spec, dataPath: try #require(spec.resolvedDataPath(specPath: specPath)))
        return ReportDocument(local: result, version: "test", includeTimings: false)
    }

    @Test("forests and networks are summarised, not dumped; the JSON round-trips", arguments: [ModelClass.randomForest, .neuralNetwork])
    func summarised(modelClass: ModelClass) throws {
        let document = try Self.document(modelClass)
        #expect(document.data.genericModel == nil)
        let generic = try #require(document.data.genericModelSummary)
        #expect(generic.modelClass == modelClass.rawValue && generic.seed != nil)
        for section in document.results {
            #expect(section.model == nil && section.decoupledModels == nil)
            if section.name == "decoupled" {
                #expect(section.decoupledModelSummaries?.count == 4 && section.modelSummary == nil)
            } else {
                let summary = try #require(section.modelSummary)
                #expect(summary.features == generic.features + (section.indicatorColumns?.count ?? -1))
            }
        }
        if modelClass == .randomForest {
            let forest = try #require(generic.forest)
            #expect(forest.trees == 10 && forest.depthMax <= 20 && forest.leavesMin >= 2)
        } else {
            let network = try #require(generic.network)
            #expect(network.layers.dropFirst() == [5, 2, 1] && network.plattA != nil && network.calibrationRows > 0)
        }
        let json = try document.jsonData()
        #expect(try ReportDocument.decode(json) == document)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"generic_model_summary\"") && !text.contains("\"coefficients\""))
    }

    @Test("the terminal and Markdown reports name the model class")
    func namesTheClass() throws {
        let document = try Self.document(.randomForest)
        let terminal = TerminalReport.render(document, alpha: 0.1, correction: .holm, brief: true)
        #expect(terminal.contains("Model: random_forest (10 trees, max depth 20, min samples split 5 / leaf 2, max features sqrt, seed 0)"))
        #expect(MarkdownReport.render(document, alpha: 0.1, correction: .holm).contains("model: random_forest"))
        #expect(ModelDescription.line(ModelSpec()) == "logistic_regression (C = 1.0)")
        #expect(ModelDescription.line(ModelSpec(modelClass: .neuralNetwork)).hasPrefix("neural_network (hidden [5, 2], ReLU, Adam lr 0.001"))
    }
}
