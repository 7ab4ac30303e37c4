import AuditModelTypes
import AuditSpec
import AuditStats
import AuditTable
import Foundation
import Testing
@testable import AuditModels

/// The fixture of `Fixtures/ridge/make_ridge_fixture.py` (scikit-learn Ridge, generated once).
private struct RidgeFixture: Decodable {
    struct Fit: Decodable { var alpha: Double; var indicators: Bool; var intercept: Double; var coefficients: [Double] }
    struct Creatinine: Decodable { var alpha: Double; var features: [String]; var intercept: Double; var coefficients: [Double] }
    var rows: Int, columns: Int, indicatorColumns: Int
    var design: [Double], indicators: [Double], targets: [Double]
    var fits: [Fit]
    var creatinineH0: Creatinine

    static func load() throws -> RidgeFixture {
        let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(RidgeFixture.self, from: Data(contentsOf: root.appendingPathComponent("ridge/ridge_sklearn.json")))
    }
}

/// The repository's Sites folder, from this file's path.
let sitesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Sites")

@Suite("Ridge regression and personalized regressors")
struct RidgeRegressionTests {
    /// x = (0, 1, 2, 3), y = (1, 3, 2, 5), λ = 1: x̄ = 1.5, ȳ = 2.75, Σx_c² = 5, Σx_c·y_c = 5.5,
    /// β = 5.5 / (5 + 1) = 11/12, b = 2.75 − 1.5 · 11/12 = 1.375.
    @Test func handComputed() throws {
        let design = DesignMatrix(rowCount: 4, columnCount: 1, values: [0, 1, 2, 3])
        let model = try RidgeRegression.fit(design, targets: [1, 3, 2, 5], alpha: 1)
        #expect(abs(model.coefficients[0] - 11.0 / 12) < 1e-15)
        #expect(abs(model.intercept - 1.375) < 1e-15)
        let predictions = model.predict(design)
        #expect(zip(predictions, [1.375, 2.291666666666667, 3.2083333333333335, 4.125]).allSatisfy { abs($0 - $1) < 1e-14 })
    }

    /// Agreement with scikit-learn `Ridge(alpha, fit_intercept=True)` on a near-collinear design,
    /// with and without intersectional indicators appended (collinear with the intercept):
    /// |Δ| ≤ 1e-10 on every coefficient.
    @Test func agreesWithScikitLearn() throws {
        let fixture = try RidgeFixture.load()
        let design = DesignMatrix(rowCount: fixture.rows, columnCount: fixture.columns, values: fixture.design)
        let extra = DesignMatrix(rowCount: fixture.rows, columnCount: fixture.indicatorColumns, values: fixture.indicators)
        for fit in fixture.fits {
            let model = try RidgeRegression.fit(design, appending: fit.indicators ? extra : nil, targets: fixture.targets, alpha: fit.alpha)
            #expect(model.coefficients.count == fit.coefficients.count)
            for (a, b) in zip(model.coefficients, fit.coefficients) { #expect(abs(a - b) < 1e-10, "alpha \(fit.alpha)") }
            #expect(abs(model.intercept - fit.intercept) < 1e-10)
            if fit.indicators {   // appending without copying = fitting the copied wide design
                let wide = try RidgeRegression.fit(design.appendingColumns(extra), targets: fixture.targets, alpha: fit.alpha)
                #expect(wide == model)
            }
        }
    }

    /// h0 on the bundled creatinine data (every row for training) through AuditDataset and the
    /// Preprocessor, against scikit-learn on StandardScaler features: |Δ| ≤ 1e-9.
    @Test func bundledDesignAgreesWithScikitLearn() throws {
        let fixture = try RidgeFixture.load().creatinineH0
        let spec = try AuditSpec.load(path: sitesDirectory.appendingPathComponent("specs/flchain_creatinine.yaml").path)
        let dataset = try AuditDataset.load(path: sitesDirectory.appendingPathComponent("datasets/flchain_creatinine.csv").path, spec: spec)
        let all = Array(0..<dataset.count)
        let preprocessor = Preprocessor(dataset: dataset, trainingRows: all)
        #expect(preprocessor.designColumns == fixture.features)
        let model = try RidgeRegression.fit(preprocessor.design(dataset, rows: all), targets: dataset.outcomes, alpha: fixture.alpha)
        for (a, b) in zip(model.coefficients, fixture.coefficients) { #expect(abs(a - b) < 1e-9) }
        #expect(abs(model.intercept - fixture.intercept) < 1e-9)
    }

    @Test func badInputIsAnError() {
        let design = DesignMatrix(rowCount: 2, columnCount: 1, values: [0, 1])
        #expect(throws: ModelError.self) { try RidgeRegression.fit(design, targets: [1], alpha: 1) }
        #expect(throws: ModelError.self) { try RidgeRegression.fit(design, targets: [1, .nan], alpha: 1) }
        #expect(throws: ModelError.self) { try RidgeRegression.fit(design, targets: [1, 2], alpha: 0) }
        #expect(throws: ModelError.self) {
            try RidgeRegression.fit(DesignMatrix(rowCount: 0, columnCount: 1, values: []), targets: [], alpha: 1)
        }
    }

    /// Intersectional: ŷ(x, g') = h's score with g''s indicator; decoupled: a fit per group, and a
    /// group below min_rows uses h0.
    @Test func personalizationTechniques() throws {
        var rng = Xoshiro256StarStar(seed: 4)
        func u() -> Double { Double(rng.next() >> 11) * 0x1p-53 }
        let n = 90
        let keys = ["g=a", "g=b", "g=c"]
        let keyIndex = (0..<n).map { $0 < 5 ? 2 : $0 % 2 }          // group c has 5 rows
        let x = (0..<n).map { _ in u() * 2 - 1 }
        let targets = (0..<n).map { i in 2 * x[i] + [0.0, 1.0, -1.0][keyIndex[i]] + 0.1 * (u() - 0.5) }
        let design = DesignMatrix(rowCount: n, columnCount: 1, values: x)
        let model = ModelSpec(modelClass: .ridgeRegression, alpha: 0.5)
        let generic = try Regressor.fit(model, design: design, targets: targets)

        let intersectional = try PersonalizedRegressor.fit(
            technique: .intersectional, keys: keys, attributes: ["g"], design: design, targets: targets,
            keyIndex: keyIndex, generic: generic, model: model, minimumDecoupledRows: 20)
        #expect(intersectional.indicatorColumns == ["group=g=a", "group=g=b", "group=g=c"])
        let wide = design.appendingColumns(PersonalizedRegressor.indicatorMatrix(rows: keyIndex, active: [[0], [1], [2]], width: 3))
        let direct = try RidgeRegression.fit(wide, targets: targets, alpha: 0.5)
        #expect(intersectional.encodedModel == .ridge(direct))
        let test = DesignMatrix(rowCount: 2, columnCount: 1, values: [0.25, -0.5])
        let predicted = intersectional.predictions(test)
        for i in 0..<2 {
            for g in 0..<3 {
                let expected = direct.intercept + direct.coefficients[0] * test.values[i] + direct.coefficients[1 + g]
                #expect(abs(predicted[i * 3 + g] - expected) < 1e-12)
            }
        }
        // The offsets recover the group effects' order (b > a > c).
        #expect(predicted[1] > predicted[0] && predicted[0] > predicted[2])

        let decoupled = try PersonalizedRegressor.fit(
            technique: .decoupled, keys: keys, attributes: ["g"], design: design, targets: targets,
            keyIndex: keyIndex, generic: generic, model: model, minimumDecoupledRows: 20)
        #expect(decoupled.fallbacks.map(\.key) == ["g=c"])
        #expect(decoupled.decoupledModels[2] == generic)
        let rowsOfA = keyIndex.indices.filter { keyIndex[$0] == 0 }
        #expect(decoupled.decoupledModels[0] == .ridge(try RidgeRegression.fit(design.rows(rowsOfA), targets: rowsOfA.map { targets[$0] }, alpha: 0.5)))

        let onehot = try PersonalizedRegressor.fit(
            technique: .onehot, keys: keys, attributes: ["g"], design: design, targets: targets,
            keyIndex: keyIndex, generic: generic, model: model, minimumDecoupledRows: 20)
        #expect(onehot.indicatorColumns == ["g=a", "g=b", "g=c"])
    }

    /// The whole local regression audit on the bundled creatinine spec (B reduced for speed).
    @Test func localAuditOfBundledSpec() throws {
        let specPath = sitesDirectory.appendingPathComponent("specs/flchain_creatinine.yaml").path
        var spec = try AuditSpec.load(path: specPath)
        spec.tests.bootstrapReplicates = 100
        let dataPath = try #require(spec.resolvedDataPath(specPath: specPath))
        let result = try LocalRegressionAudit.run(spec: spec, dataPath: dataPath)
        #expect(result.rowCount == 6373)
        #expect(result.trainCount + result.testCount == 6373)
        #expect(result.groups.count == 4 && result.groups.allSatisfy { $0.testCount > 200 })
        #expect(result.techniques.map(\.technique) == [.onehot, .intersectional, .decoupled])
        for t in result.techniques {
            #expect(t.evaluation.metrics.map(\.metric) == [.squaredError, .absoluteError])
            #expect(t.evaluation.count == result.testCount)
            for metric in t.evaluation.metrics {
                #expect(metric.familySize == 16 && metric.bootstrapFamilySize == 16)
                for g in metric.groups {
                    let r = try #require(g.rationality)
                    #expect(r.t != nil && r.degreesOfFreedom == g.count - 1 && r.bootstrap != nil)
                    // Δ = ℓ̄(h0) − ℓ̄(h_g), the same numbers the table shows.
                    #expect(abs((r.gain ?? .nan) - ((g.generic ?? .nan) - (g.personalized ?? .nan))) < 1e-12)
                }
            }
        }
        // Same spec, same seed: the same evaluation.
        let again = try LocalRegressionAudit.run(spec: spec, dataPath: dataPath)
        #expect(again.techniques.map(\.evaluation) == result.techniques.map(\.evaluation))
        // A binary audit refuses a continuous spec with a clear error, and vice versa.
        #expect(throws: DataError.self) { try LocalAudit.train(spec: spec, dataPath: dataPath) }
    }

    @Test func missingContinuousOutcomeNamesTheRow() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = try folder.write("d.csv", "sex,x,chol\nfemale,1,200\nmale,2,\nfemale,3,180\n")
        let spec = AuditSpec(name: "t", outcome: OutcomeSpec(column: "chol", type: .continuous), groups: [GroupAttributeSpec(column: "sex")])
        let error = #expect(throws: DataError.self) { try AuditDataset.load(path: path, spec: spec) }
        #expect(error?.message.contains("data row 2") == true)
        #expect(error?.column == "chol")
    }
}

@Suite("Regression predictions files")
struct RegressionPredictionsFileTests {
    @Test func writeThenReadGivesTheSamePredictions() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let predictions = RegressionPredictions(keys: ["g=a", "g=b"], sites: ["x", "y", "x"], groups: [0, 1, 1],
                                                outcomes: [1.5, -2, 0.1], generic: [1.25, -1.5, 0.3],
                                                personalized: [1.4, 1.1, -2.2, -1.9, 0.2, 0.1 + 1e-17])
        let path = folder.url.appendingPathComponent("p.csv").path
        try RegressionPredictionsFile.write(.init(rowIDs: ["0", "1", "2"], predictions: predictions), to: path)
        #expect(try RegressionPredictionsFile.isRegressionFile(path: path))
        let read = try RegressionPredictionsFile.read(path: path)
        #expect(read.predictions == predictions && read.rowIDs == ["0", "1", "2"])
    }

    @Test func badFilesNameTheColumnAndRow() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let missing = try folder.write("m.csv", "row_id,group,y,yhat_generic,yhat_as:g=a\n0,g=a,1,,1\n")
        let error = #expect(throws: DataError.self) { try RegressionPredictionsFile.read(path: missing) }
        #expect(error?.column == "yhat_generic" && error?.message.contains("data row 1") == true)
        let noY = try folder.write("n.csv", "row_id,group,yhat_generic,yhat_as:g=a\n0,g=a,1,1\n")
        #expect(throws: DataError.self) { try RegressionPredictionsFile.read(path: noY) }
    }
}
