import AuditCore
import AuditSpec
import AuditStats
import Foundation
import Testing
@testable import AuditModels

/// The whole training pipeline (CSV typing, mean imputation, standardization, one-hot encoding,
/// logistic regression, personalization) against the Python reference's scikit-learn pipeline,
/// on the reference's own split: its exported predictions give the test rows, its report the
/// fitted models (`Fixtures/reference/<name>.models.json`).
@Suite("Training pipeline agrees with scikit-learn")
struct ReferencePipelineTests {
    static let datasets = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sites").standardized

    struct Case: Sendable, CustomStringConvertible {
        var name: String, spec: String, technique: Technique
        var description: String { name }
    }

    static let cases = [
        Case(name: "heart_onehot", spec: "heart_cleveland.yaml", technique: .onehot),
        Case(name: "flchain_decoupled", spec: "flchain_5y_mortality.yaml", technique: .decoupled),
    ]

    /// |ours − sklearn| ≤ 1e-4·|sklearn| + 1e-6 (sklearn's L-BFGS stops at |gradient| ~1e-8; ours
    /// at 1e-10, so the difference is sklearn's residual, far below this tolerance).
    static func close(_ ours: Double, _ theirs: Double) -> Bool { abs(ours - theirs) <= 1e-4 * abs(theirs) + 1e-6 }

    @Test(arguments: cases)
    func modelsAndPredictionsMatch(example: Case) throws {
        let fixtures = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil)).appendingPathComponent("reference")
        let predictions = try PredictionsFile.read(path: fixtures.appendingPathComponent(example.name + ".csv").path)
        let models = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: fixtures.appendingPathComponent(example.name + ".models.json"))) as? [String: Any])
        var spec = try AuditSpec.load(path: Self.datasets.appendingPathComponent("specs/" + example.spec).path)
        spec.techniques = [example.technique]
        spec.tests.bootstrapReplicates = 0
        let result = try LocalAudit.run(spec: spec, dataPath: try #require(spec.resolvedDataPath(
            specPath: Self.datasets.appendingPathComponent("specs/" + example.spec).path)),
            testRows: predictions.rowIDs.map { Int($0)! })

        // Same design columns (sklearn names one-hot columns `name_level`).
        let referenceColumns = try #require(models["design_columns"] as? [String])
        #expect(result.preprocessor.designColumns.map { $0.replacingOccurrences(of: "=", with: "_") } == referenceColumns)

        // Generic model coefficients.
        let generic = try #require(models["generic"] as? [String: Any])
        let coef = try #require(generic["coef"] as? [String: Double])
        let h0 = try #require(result.generic)
        #expect(Self.close(h0.intercept, try #require(generic["intercept"] as? Double)))
        for (j, column) in referenceColumns.enumerated() {
            #expect(Self.close(h0.coefficients[j], try #require(coef[column])), "generic \(column)")
        }

        // The personalized model(s).
        let technique = try #require(result.techniques.first)
        if example.technique == .onehot {
            let onehot = try #require(models["onehot"] as? [String: Any])
            let coef = try #require(onehot["coef"] as? [String: Double])
            let model = try #require(technique.model.encodedModel)
            #expect(Self.close(model.intercept, try #require(onehot["intercept"] as? Double)))
            let names = referenceColumns + technique.model.indicatorColumns
            for (j, name) in names.enumerated() {
                #expect(Self.close(model.coefficients[j], try #require(coef[name])), "onehot \(name)")
            }
        } else {
            let decoupled = try #require(models["decoupled"] as? [String: [String: Any]])
            for (key, model) in zip(technique.model.keys, technique.model.decoupledModels) {
                let reference = try #require(decoupled[key])
                let coef = try #require(reference["coef"] as? [String: Double])
                #expect(Self.close(model.intercept, try #require(reference["intercept"] as? Double)), "\(key)")
                for (j, column) in referenceColumns.enumerated() {
                    #expect(Self.close(model.coefficients[j], try #require(coef[column])), "\(key) \(column)")
                }
            }
        }

        // Test predictions agree closely, and every thresholded prediction is the same.
        let ours = technique.predictions.predictions, theirs = predictions.predictions
        #expect(technique.predictions.rowIDs == predictions.rowIDs)
        #expect(ours.keys == theirs.keys && ours.labels == theirs.labels && ours.groups == theirs.groups)
        for i in 0..<ours.count {
            #expect(abs(ours.generic[i] - theirs.generic[i]) < 1e-6)
            for j in 0..<ours.groupCount {
                let a = ours.personalized[i * ours.groupCount + j], b = theirs.personalized[i * theirs.groupCount + j]
                #expect(abs(a - b) < 1e-6)
                #expect((a >= 0.5) == (b >= 0.5))
            }
        }
    }
}
