import AuditSpec
import AuditStats
import AuditTable
import Foundation
import Testing
@testable import AuditModels

@Suite("Fixed (published) model")
struct FixedModelTests {
    static let yaml = """
        fairuse: 1
        name: fixed-test
        outcome: { column: y }
        groups: [sex, age_group]
        features: { categorical: [smoker] }
        model:
          class: logistic_regression
          fixed:
            technique: onehot
            generic: { intercept: -0.2, coefficients: { x1: 0.8, x2: -0.5, "smoker=yes": 0.4 } }
            personalized: { intercept: -0.3, coefficients: { x1: 0.8, x2: -0.5, "smoker=yes": 0.4 } }
            group_offsets: { "sex=male": 0.5, "age_group=60+": 1.1 }
            impute: { x2: 1.0 }
        tests: { bootstrap: 50 }
        """

    @Test func parsesRoundTripsAndDefaultsTheTechnique() throws {
        let spec = try AuditSpec.parse(yaml: Self.yaml, source: "fixed.yaml")
        #expect(spec.techniques == [.onehot])
        let fixed = try #require(spec.model.fixed)
        #expect(fixed.generic.coefficients.map(\.name) == ["x1", "x2", "smoker=yes"])
        #expect(try AuditSpec.parse(yaml: spec.yaml(), source: "again") == spec)
        #expect(throws: SpecError.self) {
            try AuditSpec.parse(yaml: Self.yaml + "\ntechniques: [decoupled]\n", source: "bad.yaml")
        }
    }

    @Test func evaluatesEveryRowWithThePublishedCoefficients() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let csv = syntheticCSV(rows: 300, seed: 9).replacingOccurrences(of: "yes,", with: "yes,", options: [], range: nil)
        let path = try folder.write("data.csv", csv)
        let spec = try AuditSpec.parse(yaml: Self.yaml, source: "fixed.yaml")
        let result = try LocalAudit.run(spec: spec, dataPath: path)
        #expect(result.trainCount == 0 && result.testCount == 300)
        let technique = try #require(result.techniques.first)
        let p = technique.predictions.predictions
        let table = try DataTable.read(path: path, kinds: ["smoker": .categorical, "sex": .categorical, "age_group": .categorical, "y": .categorical])
        guard case .numeric(let x1) = table.column(named: "x1")!.values, case .numeric(let x2) = table.column(named: "x2")!.values,
              case .categorical(let levels, let codes) = table.column(named: "smoker")!.values else { Issue.record("columns"); return }
        for i in [0, 17, 299] {
            let smoker = levels[Int(codes[i])] == "yes" ? 0.4 : 0
            let z0 = -0.2 + 0.8 * x1[i] - 0.5 * x2[i] + smoker
            #expect(abs(p.generic[i] - 1 / (1 + exp(-z0))) < 1e-15)
            let key = p.keys.firstIndex(of: "sex=male;age_group=60+")!
            let z = -0.3 + 0.8 * x1[i] - 0.5 * x2[i] + smoker + 0.5 + 1.1
            #expect(abs(p.personalized[i * p.groupCount + key] - 1 / (1 + exp(-z))) < 1e-15)
        }
        #expect(technique.evaluation.metrics.count == 3)
    }

    @Test func unknownFeatureIsAnErrorNamingIt() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = try folder.write("data.csv", syntheticCSV(rows: 100, seed: 2))
        let spec = try AuditSpec.parse(yaml: Self.yaml.replacingOccurrences(of: "x2: -0.5, \"smoker", with: "x9: -0.5, \"smoker"), source: "f.yaml")
        #expect { _ = try LocalAudit.run(spec: spec, dataPath: path) } throws: { ($0 as? DataError)?.column == "x9" }
    }
}
