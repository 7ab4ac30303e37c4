import AuditCore
import AuditSpec
import AuditStats
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
    public static func train(spec: AuditSpec, dataPath: String, testRows: [Int]? = nil,
                             progress: @Sendable (LocalAudit.Stage, String) -> Void = { _, _ in })
        throws -> (result: Result, techniques: [TrainedTechnique]) {
        guard spec.outcome.type == .continuous else {
            throw DataError(code: .invalidData, file: dataPath, line: nil, column: spec.outcome.column,
                            message: "a binary outcome is audited by LocalAudit, not LocalRegressionAudit")
        }
        var timings: [String: Double] = [:]
        var clock = Date()
        func lap(_ name: String) {
            let now = Date()
            timings[name, default: 0] += now.timeIntervalSince(clock)
            clock = now
        }
        let start = clock
        progress(.load, "reading \(dataPath)")
        let dataset = try AuditDataset.load(path: dataPath, spec: spec)
        lap("load")

        // The labels of a continuous outcome are all 0: the split is stratified by group only.
        let split = try testRows.map { try StratifiedSplit(testRows: $0, rowCount: dataset.count, source: dataPath) }
            ?? StratifiedSplit(keys: dataset.rowKeys, labels: dataset.labels,
                               testFraction: spec.split.testFraction, seed: spec.split.seed)
        let (keys, keyIndex) = try split.groupKeys(dataset.rowKeys, source: dataset.source)
        var notes: [String] = []
        let groups = keys.map { key -> LocalAudit.GroupSize in
            LocalAudit.GroupSize(key: key, trainCount: split.train.filter { dataset.rowKeys[$0] == key }.count, trainPositives: 0,
                                 testCount: split.test.filter { dataset.rowKeys[$0] == key }.count, testPositives: 0)
        }
        for g in groups where g.testCount == 0 {
            notes.append("group \(g.key) has no rows in the test split and is not evaluated")
        }
        progress(.split, "\(dataset.count) rows: \(split.train.count) train, \(split.test.count) test, \(keys.count) groups")
        lap("split")

        let preprocessor = Preprocessor(dataset: dataset, trainingRows: split.train)
        for name in preprocessor.dropped {
            notes.append("feature \(name) has no observed value in the training rows and is dropped")
        }
        let trainDesign = preprocessor.design(dataset, rows: split.train)
        let testDesign = preprocessor.design(dataset, rows: split.test)
        let trainTargets = split.train.map { dataset.outcomes[$0] }
        let trainKeys = split.train.map { keyIndex[dataset.rowKeys[$0]]! }
        func fitting<T>(_ what: String, _ body: () throws(ModelError) -> T) throws -> T {
            do {
                return try body()
            } catch {
                throw DataError(code: .invalidData, file: dataset.source, line: nil, column: spec.outcome.column,
                                message: "cannot fit \(what): \(error.message)")
            }
        }
        progress(.fit, "generic regressor h0 (\(spec.model.modelClass)) on \(trainDesign.rowCount) × \(trainDesign.columnCount)")
        let generic = try fitting("the generic model") { () throws(ModelError) in
            try Regressor.fit(spec.model, design: trainDesign, targets: trainTargets)
        }
        lap("fit")
        let genericPredictions = generic.predict(testDesign)
        let testKeys = split.test.map { Int32(keyIndex[dataset.rowKeys[$0]]!) }
        let testOutcomes = split.test.map { dataset.outcomes[$0] }
        let rowIDs = split.test.map(String.init)
        lap("predict")

        var techniques: [TrainedTechnique] = []
        for technique in spec.techniques {
            progress(.fit, "\(technique.rawValue) personalized regressor")
            let model = try fitting("the \(technique.rawValue) model") { () throws(ModelError) in
                try PersonalizedRegressor.fit(
                    technique: technique, keys: keys, attributes: dataset.attributes, design: trainDesign,
                    targets: trainTargets, keyIndex: trainKeys, generic: generic, model: spec.model,
                    minimumDecoupledRows: spec.decoupled.minRows)
            }
            lap("fit")
            let predictions = RegressionPredictions(
                keys: keys, sites: Array(repeating: "local", count: testKeys.count), groups: testKeys,
                outcomes: testOutcomes, generic: genericPredictions, personalized: model.predictions(testDesign))
            lap("predict")
            techniques.append(TrainedTechnique(
                technique: technique, model: model, predictions: predictions, rowIDs: rowIDs,
                notes: model.fallbacks.map { "decoupled model of \($0.key) falls back to the generic model: \($0.reason)" }))
        }
        timings["total"] = Date().timeIntervalSince(start)
        let result = Result(spec: spec, dataPath: dataPath, rowCount: dataset.count, trainCount: split.train.count,
                            testCount: split.test.count, groups: groups, preprocessor: preprocessor, generic: generic,
                            techniques: [], notes: notes, timings: timings)
        return (result, techniques)
    }
}
