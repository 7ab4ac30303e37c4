import AuditSpec
import AuditStats
import Foundation
import Testing
@testable import AuditModels

@Suite("Local audit with every model class")
struct LocalAuditModelClassTests {
    static let specs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sites/specs").standardized

    /// The bundled heart_cleveland spec with another class and a short bootstrap.
    static func spec(_ modelClass: ModelClass) throws -> (AuditSpec, String) {
        let path = specs.appendingPathComponent("heart_cleveland.yaml").path
        var spec = try AuditSpec.load(path: path)
        spec.model = spec.model.with(modelClass: modelClass)
        spec.tests.bootstrapReplicates = 50
        return (spec, try #require(spec.resolvedDataPath(specPath: path)))
    }

    @Test("every technique runs with every class", arguments: [ModelClass.randomForest, .neuralNetwork, .logisticRegression])
    func everyTechnique(modelClass: ModelClass) throws {
        let (spec, data) = try Self.spec(modelClass)
        let result = try LocalAudit.run(spec: spec, dataPath: data)
        #expect(result.genericModel.modelClass == modelClass)
        #expect(result.techniques.map(\.technique) == [.onehot, .intersectional, .decoupled])
        for t in result.techniques {
            let p = t.predictions.predictions
            #expect(p.personalized.count == p.labels.count * result.groups.count)
            #expect(p.personalized.allSatisfy { $0 >= 0 && $0 <= 1 } && p.generic.allSatisfy { $0 >= 0 && $0 <= 1 })
            if t.technique == .decoupled {
                #expect(t.model.decoupled.count == result.groups.count)
                #expect(t.model.decoupled.allSatisfy { $0.modelClass == modelClass })
                for (key, model) in zip(t.model.keys, t.model.decoupled) where t.model.fallbacks.contains(where: { $0.key == key }) {
                    #expect(model == result.genericModel)
                }
            } else {
                #expect(t.model.encoded?.modelClass == modelClass)
                #expect(t.model.indicatorColumns.count > 0)
            }
            #expect(t.evaluation.metrics.count == spec.metrics.count)
        }
        // The logistic summaries stay out of the way: encodedModel / decoupledModels only for logistic.
        let onehot = try #require(result.techniques.first)
        #expect((onehot.model.encodedModel != nil) == (modelClass == .logisticRegression))
    }

    @Test("a rerun with the same spec gives identical predictions; another model seed different ones",
          arguments: [ModelClass.randomForest, .neuralNetwork])
    func reproducible(modelClass: ModelClass) throws {
        var (spec, data) = try Self.spec(modelClass)
        spec.tests.bootstrapReplicates = 0
        let a = try LocalAudit.train(spec: spec, dataPath: data)
        let b = try LocalAudit.train(spec: spec, dataPath: data)
        if modelClass == .randomForest { spec.model.forest?.seed = 1 } else { spec.model.network?.seed = 1 }
        let c = try LocalAudit.train(spec: spec, dataPath: data)
        for k in a.techniques.indices {
            #expect(a.techniques[k].predictions.predictions.personalized == b.techniques[k].predictions.predictions.personalized)
            #expect(a.techniques[k].predictions.predictions.personalized != c.techniques[k].predictions.predictions.personalized)
        }
    }

    @Test("personalization with a forest reads the group: each group's own column differs from the others")
    func encodedForestUsesIndicators() throws {
        let (spec, data) = try Self.spec(.randomForest)
        let trained = try LocalAudit.train(spec: spec, dataPath: data)
        let onehot = try #require(trained.techniques.first { $0.technique == .onehot })
        let p = onehot.predictions.predictions, m = p.groupCount
        let rows = p.labels.count
        let differing = (0..<rows).filter { i in Set((0..<m).map { p.personalized[i * m + $0] }).count > 1 }.count
        #expect(differing > rows / 2)
    }

    @Test("imbalance repair weights reach forests and networks", arguments: [ModelClass.randomForest, .neuralNetwork])
    func reweighted(modelClass: ModelClass) throws {
        var (spec, data) = try Self.spec(modelClass)
        spec.tests.bootstrapReplicates = 0
        let plain = try LocalAudit.train(spec: spec, dataPath: data)
        spec.imbalanceRepair = .reweight
        let weighted = try LocalAudit.train(spec: spec, dataPath: data)
        #expect(weighted.result.notes.contains { $0.contains("reweighting") })
        #expect(weighted.techniques[0].predictions.predictions.generic != plain.techniques[0].predictions.predictions.generic)
    }
}
