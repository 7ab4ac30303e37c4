import AuditCore
import AuditModelTypes
import AuditSpec
import AuditStats
import AuditTable
import Foundation

/// The single-site audit of a continuous outcome (`outcome.type: continuous`): read, split by
/// group, preprocess, fit the generic regressor h0 and every personalized technique, predict
/// every test row as every group, and audit the predictions from their additive sufficient
/// statistics (``RegressionAudit``, the one-site case of the federated combine). The regression
/// counterpart of ``LocalAudit``, with the same stages and result shape.
public enum LocalRegressionAudit {
    /// Everything a local regression audit produces.
    public struct Result: Sendable {
        /// The spec that was run.
        public var spec: AuditSpec
        /// The data file.
        public var dataPath: String
        /// Rows, training rows, test rows.
        public var rowCount: Int, trainCount: Int, testCount: Int
        /// Groups G with their training and test sizes (positives are 0: there are no classes).
        public var groups: [LocalAudit.GroupSize]
        /// The fitted preprocessing.
        public var preprocessor: Preprocessor
        /// The generic regressor h0.
        public var generic: FittedRegressor
        /// Per technique, in spec order.
        public var techniques: [TechniqueResult]
        /// Plain-language notes on the data and models.
        public var notes: [String]
        /// Seconds per stage.
        public var timings: [String: Double]
    }

    /// One technique's fitted regressor and test predictions (before any evaluation).
    public struct TrainedTechnique: Sendable {
        /// The technique.
        public var technique: Technique
        /// The fitted personalized regressor.
        public var model: PersonalizedRegressor
        /// Test predictions.
        public var predictions: RegressionPredictions
        /// Row ids of the test rows (0-based data row indices).
        public var rowIDs: [String]
        /// Technique-specific notes.
        public var notes: [String]
    }

    /// One technique's regressor, predictions and evaluation.
    public struct TechniqueResult: Sendable {
        /// The technique.
        public var technique: Technique
        /// The fitted personalized regressor.
        public var model: PersonalizedRegressor
        /// Test predictions.
        public var predictions: RegressionPredictions
        /// Row ids of the test rows (0-based data row indices).
        public var rowIDs: [String]
        /// The fair-use evaluation.
        public var evaluation: FairUseEvaluation
        /// Technique-specific notes.
        public var notes: [String]
    }

    /// Runs the whole audit. `progress` receives stage names and plain messages (counts only).
    public static func run(spec: AuditSpec, dataPath: String, testRows: [Int]? = nil,
                           progress: @Sendable (LocalAudit.Stage, String) -> Void = { _, _ in }) throws -> Result {
        var trained = try train(spec: spec, dataPath: dataPath, testRows: testRows, progress: progress)
        let clock = Date()
        trained.result.techniques = trained.techniques.map { t in
            progress(.statistics, "\(t.technique.rawValue): sufficient statistics and \(spec.tests.bootstrapReplicates) bootstrap replicates")
            let evaluation = RegressionAudit.run(t.predictions, extraction: LocalAudit.extractionSettings(spec),
                                                 evaluation: LocalAudit.evaluationSettings(spec))
            return TechniqueResult(technique: t.technique, model: t.model, predictions: t.predictions, rowIDs: t.rowIDs,
                                   evaluation: evaluation, notes: t.notes)
        }
        trained.result.timings["statistics", default: 0] += Date().timeIntervalSince(clock)
        trained.result.timings["total", default: 0] += trained.result.timings["statistics"] ?? 0
        progress(.evaluate, "done")
        return trained.result
    }

    /// Everything up to the predictions. A site agent would compute statistics from these itself.
    public static func train(spec: AuditSpec, dataPath: String, dataset given: AuditDataset? = nil, testRows: [Int]? = nil,
                             progress: @Sendable (LocalAudit.Stage, String) -> Void = { _, _ in })
        throws -> (result: Result, techniques: [TrainedTechnique]) {
        guard spec.outcome.type == .continuous else {
            throw DataError(code: .invalidData, file: dataPath, line: nil, column: spec.outcome.column,
                            message: "a binary outcome is audited by LocalAudit, not LocalRegressionAudit")
        }
        var timer = StageTimer()
        progress(.load, "reading \(dataPath)")
        var dataset = try given ?? AuditDataset.load(path: dataPath, spec: spec)
        timer.lap("load")
        // Ridge regression reads its design in double precision (no single-precision path).
        let data = try PreparedData.prepare(&dataset, spec: spec, dataPath: dataPath, testRows: testRows,
                                            precision: .double, progress: progress, timer: &timer)
        let trainTargets = data.split.train.map { dataset.outcomes[$0] }
        func fitting<T>(_ what: String, _ body: () throws(ModelError) -> T) throws -> T {
            do {
                return try body()
            } catch {
                throw DataError(code: .invalidData, file: dataset.source, line: nil, column: spec.outcome.column,
                                message: "cannot fit \(what): \(error.message)")
            }
        }
        progress(.fit, "generic regressor h0 (\(spec.model.modelClass)) on \(data.trainDesign.rowCount) × \(data.trainDesign.columnCount)")
        let generic = try fitting("the generic model") { () throws(ModelError) in
            try Regressor.fit(spec.model, design: data.trainDesign, targets: trainTargets)
        }
        timer.lap("fit")
        let genericPredictions = generic.predict(data.testDesign)
        let testOutcomes = data.split.test.map { dataset.outcomes[$0] }
        timer.lap("predict")

        var techniques: [TrainedTechnique] = []
        for technique in spec.techniques {
            progress(.fit, "\(technique.rawValue) personalized regressor")
            let model = try fitting("the \(technique.rawValue) model") { () throws(ModelError) in
                try PersonalizedRegressor.fit(
                    technique: technique, keys: data.keys, attributes: dataset.attributes, design: data.trainDesign,
                    targets: trainTargets, keyIndex: data.trainKeys, generic: generic, model: spec.model,
                    minimumDecoupledRows: spec.decoupled.minRows)
            }
            timer.lap("fit")
            let predictions = RegressionPredictions(
                keys: data.keys, sites: Array(repeating: "local", count: data.testKeys.count), groups: data.testKeys,
                outcomes: testOutcomes, generic: genericPredictions, personalized: model.predictions(data.testDesign))
            timer.lap("predict")
            techniques.append(TrainedTechnique(
                technique: technique, model: model, predictions: predictions, rowIDs: data.rowIDs,
                notes: model.fallbacks.map { "decoupled model of \($0.key) falls back to the generic model: \($0.reason)" }))
        }
        let result = Result(spec: spec, dataPath: dataPath, rowCount: dataset.count, trainCount: data.split.train.count,
                            testCount: data.split.test.count, groups: data.groups, preprocessor: data.preprocessor,
                            generic: generic, techniques: [], notes: data.notes, timings: timer.finished())
        return (result, techniques)
    }
}
