import AuditModelTypes
import AuditSpec
import AuditStats
import Foundation
import Testing
@testable import AuditModels

@Suite("BoP-X of a local audit")
struct LocalExplanationsTests {
    @Test func everyTechniqueDeterministicAndExactMatchesShapley() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = try folder.write("data.csv", syntheticCSV(rows: 600, seed: 11))
        var spec = smallSpec(bootstrap: 200)
        spec.decoupled.minRows = 130   // some decoupled groups fall back to h0
        let result = try LocalAudit.run(spec: spec, dataPath: path)
        let settings = LocalExplanations.Settings(bootstrap: 200, seed: 1)
        let a = try LocalExplanations.evaluate(result, settings: settings, alpha: 0.1, correction: .holm)
        let b = try LocalExplanations.evaluate(result, settings: settings, alpha: 0.1, correction: .holm)
        #expect(a == b)
        #expect(a.count == 3 && a.allSatisfy { $0 != nil })
        let testCounts = result.groups.map(\.testCount)
        for x in a.compactMap({ $0 }) {
            #expect(x.metrics.map(\.metric) == [.sufficiency, .incomprehensiveness])
            for metric in x.metrics {
                #expect(metric.groups.map(\.count) == testCounts)
                for g in metric.groups {
                    #expect(abs((g.gain ?? .nan) - ((g.generic ?? .nan) - (g.personalized ?? .nan))) < 1e-15)
                    #expect((0...1).contains(g.generic ?? -1) && (0...1).contains(g.personalized ?? -1))
                }
            }
            #expect(x.divergence.count == 2 * testCounts.filter { $0 > 0 }.count)
        }
        // x1, x2 and smoker's 3 levels: 5 features (|J| = 3); onehot adds 4 indicators (|J| = 5), intersectional 4.
        #expect(a[0]?.genericExplanationSize == 3 && a[0]?.personalizedExplanationSize == 5)
        // Decoupled groups on the generic model have BoP-X exactly 0.
        let decoupled = try #require(result.techniques.firstIndex { $0.technique == .decoupled })
        let fallbacks = Set(result.techniques[decoupled].model.fallbacks.map(\.key))
        #expect(!fallbacks.isEmpty)
        for metric in a[decoupled]!.metrics {
            for g in metric.groups where fallbacks.contains(g.key) { #expect(g.gain == 0) }
        }
        // The model-agnostic path through the predictor gives the same explanations on logistic models.
        var shapley = settings
        shapley.method = .shapley
        shapley.permutations = 4
        let s = try LocalExplanations.evaluate(result, settings: shapley, alpha: 0.1, correction: .holm)
        for (x, y) in zip(a.compactMap { $0 }, s.compactMap { $0 }) {
            for (mx, my) in zip(x.metrics, y.metrics) {
                for (gx, gy) in zip(mx.groups, my.groups) { #expect(abs((gx.gain ?? 0) - (gy.gain ?? 0)) <= 0.02) }
            }
        }
    }

    @Test(arguments: [ModelClass.randomForest, .neuralNetwork])
    func otherModelClassesGetSampledShapleyAttributions(_ modelClass: ModelClass) throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = try folder.write("data.csv", syntheticCSV(rows: 400, seed: 5))
        var spec = smallSpec(bootstrap: 100)
        spec.model.modelClass = modelClass
        let result = try LocalAudit.run(spec: spec, dataPath: path)
        let settings = LocalExplanations.Settings(permutations: 4, bootstrap: 100, seed: 3)   // asks for exact
        let a = try LocalExplanations.evaluate(result, settings: settings, alpha: 0.1, correction: .holm)
        #expect(a.count == 3 && a.allSatisfy { $0 != nil })
        for x in a.compactMap({ $0 }) {
            #expect(x.settings.method == .shapley, "a non-linear model is explained with sampled Shapley values")
            #expect(x.notes.first?.contains("has no linear log-odds") == true)
            for metric in x.metrics { #expect(metric.groups.map(\.count) == result.groups.map(\.testCount)) }
        }
        #expect(try LocalExplanations.evaluate(result, settings: settings, alpha: 0.1, correction: .holm) == a)
    }
}
