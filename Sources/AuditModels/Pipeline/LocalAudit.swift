import AuditCore
import AuditModelTypes
import AuditSpec
import AuditStats
import AuditTable
import Foundation

/// The single-site audit of `fairuse local --data … --spec …`: read, split, preprocess, fit h0
/// and every personalized technique, predict every test row as every group, and audit the
/// predictions from their sufficient statistics (the one-site case of the federated combine).
public enum LocalAudit {
    /// Stages reported to a progress callback.
    public enum Stage: String, Sendable { case load, split, fit, predict, statistics, evaluate }

    /// Everything a local audit produces.
    public struct Result: Sendable {
        /// The spec that was run.
        public var spec: AuditSpec
        /// The data file.
        public var dataPath: String
        /// Rows, training rows, test rows.
        public var rowCount: Int, trainCount: Int, testCount: Int
        /// Groups G with their training and test sizes.
        public var groups: [GroupSize]
        /// The fitted preprocessing.
        public var preprocessor: Preprocessor
        /// The generic model h0, of the spec's class.
        public var genericModel: Classifier
        /// The generic model h0 when it is a logistic regression.
        public var generic: LogisticModel? { genericModel.logistic }
        /// Per technique, in spec order.
        public var techniques: [TechniqueResult]
        /// Plain-language notes on the data and models.
        public var notes: [String]
        /// Seconds per stage.
        public var timings: [String: Double]
    }

    /// Sizes of one intersectional group (a report type, in AuditModelTypes).
    public typealias GroupSize = AuditModelTypes.GroupSize

    /// One technique's fitted model and test predictions (before any evaluation).
    public struct TrainedTechnique: Sendable {
        /// The technique.
        public var technique: Technique
        /// The fitted personalized model.
        public var model: PersonalizedModel
        /// Test predictions (row ids are 0-based data row indices).
        public var predictions: PredictionsFile.Contents
        /// Technique-specific notes.
        public var notes: [String]
    }

    /// One technique's model, predictions and evaluation.
    public struct TechniqueResult: Sendable {
        /// The technique.
        public var technique: Technique
        /// The fitted personalized model.
        public var model: PersonalizedModel
        /// Test predictions (row ids are 0-based data row indices).
        public var predictions: PredictionsFile.Contents
        /// The fair-use evaluation.
        public var evaluation: FairUseEvaluation
        /// Technique-specific notes.
        public var notes: [String]
    }

    /// Runs the whole audit. `progress` receives stage names and plain messages (counts only).
    /// `testRows`, when given, fixes the test split (0-based data row indices) instead of the
    /// spec's seeded stratified split, e.g. to reproduce another implementation's split.
    public static func run(spec: AuditSpec, dataPath: String, testRows: [Int]? = nil,
                           progress: @Sendable (Stage, String) -> Void = { _, _ in }) throws -> Result {
        var trained = try train(spec: spec, dataPath: dataPath, testRows: testRows, progress: progress)
        let clock = Date()
        trained.result.techniques = trained.techniques.map { t in
            progress(.statistics, "\(t.technique.rawValue): sufficient statistics and tests (\(spec.tests.bootstrapReplicates) calibration draws)")
            let evaluation = FairUseAudit.run(t.predictions.predictions, extraction: extractionSettings(spec),
                                              evaluation: evaluationSettings(spec))
            return TechniqueResult(technique: t.technique, model: t.model, predictions: t.predictions,
                                   evaluation: evaluation, notes: t.notes)
        }
        trained.result.timings["statistics", default: 0] += Date().timeIntervalSince(clock)
        trained.result.timings["total", default: 0] += trained.result.timings["statistics"] ?? 0
        progress(.evaluate, "done")
        return trained.result
    }

    /// Everything up to the predictions: the dataset summary, the models and each technique's
    /// test predictions. A site agent computes statistics from these itself. `dataset`, when
    /// given, is `dataPath` already read (a site agent passes it with rows it withheld removed).
    public static func train(spec: AuditSpec, dataPath: String, dataset given: AuditDataset? = nil, testRows: [Int]? = nil,
                             progress: @Sendable (Stage, String) -> Void = { _, _ in })
        throws -> (result: Result, techniques: [TrainedTechnique]) {
        var timer = StageTimer()
        guard spec.outcome.type == .binary else {
            throw DataError(code: .invalidData, file: dataPath, line: nil, column: spec.outcome.column,
                            message: "a continuous outcome is audited by LocalRegressionAudit, not LocalAudit")
        }
        progress(.load, "reading \(dataPath)")
        var dataset = try given ?? AuditDataset.load(path: dataPath, spec: spec)
        timer.lap("load")
        if let fixed = spec.model.fixed {
            return try evaluateFixed(fixed, spec: spec, dataset: dataset, dataPath: dataPath, timings: timer.timings,
                                     progress: progress)
        }
        let data = try PreparedData.prepare(&dataset, spec: spec, dataPath: dataPath, testRows: testRows,
                                            releasing: given == nil, progress: progress, timer: &timer)
        // The designs hold the features now: the table's columns are freed (unless the caller
        // still holds the dataset it passed), so a large table is not held twice while models fit.
        dataset.numeric = []
        dataset.categorical = []
        var notes = data.notes
        let trainLabels = data.split.train.map { dataset.labels[$0] }
        let weights = spec.imbalanceRepair == .reweight
            ? ImbalanceRepairWeights.weights(keyIndex: data.trainKeys, labels: trainLabels, groupCount: data.keys.count) : nil
        if weights != nil {
            notes.append("class imbalance repaired by reweighting: every group's training rows weigh as if its positive rate were the training prevalence")
        }
        let trainer = ClassifierTrainer(model: spec.model)
        progress(.fit, "generic model h0 (\(spec.model.modelClass)) on \(data.trainDesign.rowCount) × \(data.trainDesign.columnCount)")
        let generic: Classifier
        do {
            generic = try trainer.fit(data.trainDesign, labels: trainLabels, weights: weights, role: "generic")
        } catch {
            throw DataError(code: .invalidData, file: dataset.source, line: nil, column: spec.outcome.column,
                            message: "cannot fit the generic model: \(error.message)")
        }
        notes += trainingNotes(generic, name: "generic model")
        timer.lap("fit")
        let pGeneric = generic.probabilities(data.testDesign)
        let testLabels = data.split.test.map { dataset.labels[$0] }
        timer.lap("predict")

        var techniques: [TrainedTechnique] = []
        for technique in spec.techniques {
            progress(.fit, "\(technique.rawValue) personalized model")
            let model = try PersonalizedModel.fit(
                technique: technique, keys: data.keys, attributes: dataset.attributes, design: data.trainDesign,
                labels: trainLabels, keyIndex: data.trainKeys, weights: weights, generic: generic,
                trainer: trainer, minimumDecoupledRows: spec.decoupled.minRows)
            timer.lap("fit")
            var techniqueNotes = model.fallbacks.map { "decoupled model of \($0.key) falls back to the generic model: \($0.reason)" }
            if let m = model.encoded { techniqueNotes += trainingNotes(m, name: "\(technique.rawValue) model") }
            if technique == .decoupled, spec.model.modelClass != .logisticRegression {
                let fallen = Set(model.fallbacks.map(\.key))
                for (key, m) in zip(model.keys, model.decoupled) where !fallen.contains(key) {
                    techniqueNotes += trainingNotes(m, name: "decoupled model of \(key)")
                }
            }
            if let note = spec.constructionNote(for: technique) { techniqueNotes.append(note) }
            let predictions = Predictions(
                keys: data.keys, sites: Array(repeating: "local", count: data.testKeys.count), groups: data.testKeys,
                labels: testLabels, generic: pGeneric, personalized: model.probabilities(data.testDesign))
            timer.lap("predict")
            techniques.append(TrainedTechnique(technique: technique, model: model,
                                               predictions: .init(rowIDs: data.rowIDs, predictions: predictions),
                                               notes: techniqueNotes))
        }
        let result = Result(spec: spec, dataPath: dataPath, rowCount: dataset.count, trainCount: data.split.train.count,
                            testCount: data.split.test.count, groups: data.groups, preprocessor: data.preprocessor,
                            genericModel: generic, techniques: [], notes: notes, timings: timer.finished())
        return (result, techniques)
    }

    /// A published model on every row: no split, no training (the spec's `model.fixed`).
    static func evaluateFixed(_ fixed: FixedModel, spec: AuditSpec, dataset: AuditDataset, dataPath: String,
                              timings: [String: Double], progress: @Sendable (Stage, String) -> Void)
        throws -> (result: Result, techniques: [TrainedTechnique]) {
        let keys = Array(Set(dataset.rowKeys)).sorted()
        progress(.predict, "fixed \(fixed.technique.rawValue) model on all \(dataset.count) rows, \(keys.count) groups")
        let predictions = try FixedModelPredictions.predictions(dataset, model: fixed, keys: keys)
        let all = Array(0..<dataset.count)
        let groups = keys.map { key -> GroupSize in
            let rows = all.filter { dataset.rowKeys[$0] == key }
            return GroupSize(key: key, trainCount: 0, trainPositives: 0, testCount: rows.count,
                             testPositives: rows.reduce(0) { $0 + Int(dataset.labels[$1]) })
        }
        let generic = LogisticModel(intercept: fixed.generic.intercept, coefficients: fixed.generic.coefficients.map(\.value),
                                    iterations: 0, converged: true, maxAbsGradient: 0, solver: "fixed")
        let model = PersonalizedModel(technique: fixed.technique, keys: keys, indicatorColumns: fixed.groupOffsets.map(\.name),
                                      activeIndicators: [], encodedModel: nil, decoupledModels: [], fallbacks: [])
        let technique = TrainedTechnique(technique: fixed.technique, model: model,
                                         predictions: .init(rowIDs: all.map(String.init), predictions: predictions),
                                         notes: ["a fixed (published) model evaluated unchanged on every row; no training, no split"])
        let result = Result(spec: spec, dataPath: dataPath, rowCount: dataset.count, trainCount: 0, testCount: dataset.count,
                            groups: groups, preprocessor: Preprocessor(dataset: dataset, trainingRows: all), genericModel: .logistic(generic),
                            techniques: [], notes: [], timings: timings)
        return (result, [technique])
    }

    /// Notes on how a fit ended: a logistic fit that did not converge, a network stopped by its
    /// epoch limit or left without Platt scaling.
    static func trainingNotes(_ model: Classifier, name: String) -> [String] {
        switch model {
        case .logistic(let m) where !m.converged:
            return ["the \(name) did not converge (max |gradient| \(m.maxAbsGradient))"]
        case .neuralNetwork(let c):
            var notes: [String] = []
            if !c.network.converged {
                notes.append("the \(name) stopped at model.max_epochs = \(c.settings.maxEpochs) before its training loss levelled off")
            }
            if c.platt == nil {
                notes.append("the \(name) is not Platt-scaled: a class has fewer than 2 training rows, so none could be held out")
            }
            return notes
        default:
            return []
        }
    }

    /// The statistics settings a spec implies for a site.
    public static func extractionSettings(_ spec: AuditSpec, site: String = "local") -> ExtractionSettings {
        ExtractionSettings(eceBins: spec.tests.eceBins, bootstrapReplicates: spec.tests.bootstrapReplicates,
                           rootSeed: spec.tests.seed, site: site)
    }

    /// The test settings a spec implies; `seed` overrides `tests.seed` (a federated audit's root seed).
    public static func evaluationSettings(_ spec: AuditSpec, seed: UInt64? = nil) -> EvaluationSettings {
        EvaluationSettings(alpha: spec.tests.alpha,
                           correction: spec.tests.correction,
                           metrics: spec.metrics,
                           calibrationDraws: spec.tests.bootstrapReplicates, seed: seed ?? spec.tests.seed)
    }
}

/// Sample weights that repair class imbalance across intersectional groups (ICML 2023 §4.1):
/// a group's positives weigh π·n_g/n_{g,1} and its negatives (1 − π)·n_g/n_{g,0}, where π is the
/// training prevalence, so every group keeps its total weight n_g but has positive rate π.
public enum ImbalanceRepairWeights {
    /// Weights of the training rows; groups with one class keep weight 1.
    public static func weights(keyIndex: [Int], labels: [UInt8], groupCount: Int) -> [Double] {
        var n = [Int](repeating: 0, count: groupCount), positives = [Int](repeating: 0, count: groupCount)
        for (g, y) in zip(keyIndex, labels) { n[g] += 1; positives[g] += Int(y) }
        let prevalence = Double(positives.reduce(0, +)) / Double(max(1, labels.count))
        return zip(keyIndex, labels).map { g, y in
            let cell = y == 1 ? positives[g] : n[g] - positives[g]
            guard cell > 0, cell < n[g] else { return 1 }
            return (y == 1 ? prevalence : 1 - prevalence) * Double(n[g]) / Double(cell)
        }
    }
}
