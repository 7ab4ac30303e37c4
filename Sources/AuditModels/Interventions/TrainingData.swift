import AuditCore
import AuditSpec
import AuditStats
import Foundation

/// The data of a local audit up to the models — dataset, split, groups, sample weights — rebuilt
/// exactly as ``LocalAudit/train(spec:dataPath:testRows:progress:)`` builds it, for the analyses
/// that refit models on parts of the training rows (interventions, model selection).
public struct TrainingData: Sendable {
    /// The dataset.
    public var dataset: AuditDataset
    /// Group keys G (the training rows' keys, sorted).
    public var keys: [String]
    /// Training and test row indices (sorted data row indices).
    public var train: [Int], test: [Int]
    /// Index into `keys` of every data row.
    public var keyIndex: [Int]
    /// The spec.
    public var spec: AuditSpec

    /// Loads the data and splits it as the audit does. `testRows` fixes the test split.
    public static func load(spec: AuditSpec, dataPath: String, testRows: [Int]? = nil) throws -> TrainingData {
        let dataset = try AuditDataset.load(path: dataPath, spec: spec)
        return try TrainingData(spec: spec, dataset: dataset, testRows: testRows)
    }

    /// Splits a loaded dataset as the audit does.
    public init(spec: AuditSpec, dataset: AuditDataset, testRows: [Int]? = nil) throws {
        let split = try testRows.map { try StratifiedSplit(testRows: $0, rowCount: dataset.count, source: dataset.source) }
            ?? StratifiedSplit(keys: dataset.rowKeys, labels: dataset.labels,
                               testFraction: spec.split.testFraction, seed: spec.split.seed)
        let (keys, index) = try split.groupKeys(dataset.rowKeys, source: dataset.source)
        self.dataset = dataset
        self.keys = keys
        self.train = split.train
        self.test = split.test
        self.keyIndex = dataset.rowKeys.map { index[$0] ?? -1 }
        self.spec = spec
    }

    /// The model configuration of the spec with inverse regularization `c` (default the spec's C).
    public func configuration(c: Double? = nil) -> LogisticRegressionConfiguration {
        LogisticRegressionConfiguration(inverseRegularization: c ?? spec.model.inverseRegularization)
    }

    /// Imbalance-repair weights of `rows` (nil unless the spec asks for reweighting).
    public func weights(_ rows: [Int]) -> [Double]? {
        spec.imbalanceRepair == .reweight
            ? ImbalanceRepairWeights.weights(keyIndex: rows.map { keyIndex[$0] }, labels: rows.map { dataset.labels[$0] },
                                             groupCount: keys.count)
            : nil
    }

    /// The generic model and the technique's personalized model fitted on `rows` (preprocessing
    /// fitted on the same rows), with the preprocessing, for predicting other rows.
    public func fit(technique: Technique, rows: [Int], c: Double? = nil,
                    generic: LogisticModel? = nil, preprocessor: Preprocessor? = nil) throws -> FittedModels {
        let preprocessor = preprocessor ?? Preprocessor(dataset: dataset, trainingRows: rows)
        let design = preprocessor.design(dataset, rows: rows)
        let labels = rows.map { dataset.labels[$0] }
        let weights = weights(rows)
        let configuration = configuration(c: c)
        let h0 = try generic ?? LogisticRegression.fit(design, labels: labels, weights: weights, configuration: configuration)
        let model = try PersonalizedModel.fit(
            technique: technique, keys: keys, attributes: dataset.attributes, design: design, labels: labels,
            keyIndex: rows.map { keyIndex[$0] }, weights: weights, generic: h0, configuration: configuration,
            minimumDecoupledRows: spec.decoupled.minRows)
        return FittedModels(preprocessor: preprocessor, generic: h0, personalized: model)
    }

    /// Labels of rows.
    public func labels(_ rows: [Int]) -> [UInt8] { rows.map { dataset.labels[$0] } }
}

/// A generic and a personalized model fitted on the same rows, with their preprocessing.
public struct FittedModels: Sendable {
    /// Preprocessing fitted on the training rows.
    public var preprocessor: Preprocessor
    /// h0.
    public var generic: LogisticModel
    /// h(·, g′).
    public var personalized: PersonalizedModel

    /// P(y = 1) under h0 and under each row's own group, for `rows` of `data`.
    public func predict(_ data: TrainingData, rows: [Int]) -> (generic: [Double], own: [Double]) {
        let design = preprocessor.design(data.dataset, rows: rows)
        let m = personalized.keys.count
        let all = personalized.probabilities(design)
        let own = rows.indices.map { k in all[k * m + data.keyIndex[rows[k]]] }
        return (generic.probabilities(design), own)
    }
}
