import AuditCore
import AuditSpec
import AuditStats
import Foundation

/// BoP-X of a local audit (`fairuse local --explanations`): for every technique, the explanation
/// quality of h0 and of each group's own personalized model h_g on the group's test rows, the
/// per-group gains and tests (``ExplanationBenefit``), and where they diverge from BoP-P
/// (``BenefitDivergence``).
///
/// Features are the standardized design columns each model reads: h0 the p columns of
/// ``Preprocessor``; onehot / intersectional h_g those plus its group indicators; decoupled h_g the
/// p columns. The baseline is the zero row of that design: every numeric feature at its training
/// mean (the design centres on it) and every one-hot or group indicator off. Masking a feature sets
/// it to the baseline. Attributions are of the log-odds: exact β_j·x_j for logistic models
/// (``FeatureAttribution/linear(rows:rowCount:coefficients:baseline:)``), or sampled Shapley values
/// through the model's batch predictor for any model class (`method: shapley`).
public enum LocalExplanations {
    /// How attributions are computed.
    public enum Method: String, Sendable, Codable, CaseIterable {
        /// Exact linear attributions (logistic models).
        case exact
        /// Sampled baseline Shapley values through the predictor (any model).
        case shapley
    }

    /// Settings (CLI: `--explanations`, `--explanation-fraction`, `--explanation-loss`, `--explanation-method`, `--shapley-permutations`).
    public struct Settings: Sendable, Codable, Equatable {
        /// Attribution method.
        public var method: Method
        /// Fraction r of a model's features that form its explanation (the paper's 50%).
        public var fraction: Double
        /// ℓ of sufficiency and incomprehensiveness.
        public var loss: ExplanationLoss
        /// Permutations per row for `shapley`.
        public var permutations: Int
        /// Bootstrap replicates B of the paired test (0: paired t-test only).
        public var bootstrap: Int
        /// Root seed of the bootstrap streams and of the Shapley permutations.
        public var seed: UInt64

        /// Defaults: exact, r = 0.5, 0-1 loss, 32 permutations, B = 2000, seed 0.
        public init(method: Method = .exact, fraction: Double = 0.5, loss: ExplanationLoss = .zeroOne,
                    permutations: Int = 32, bootstrap: Int = 2000, seed: UInt64 = 0) {
            self.method = method
            self.fraction = fraction
            self.loss = loss
            self.permutations = permutations
            self.bootstrap = bootstrap
            self.seed = seed
        }
    }

    /// One technique's BoP-X.
    public struct TechniqueExplanations: Sendable, Codable, Equatable {
        /// The settings used.
        public var settings: Settings
        /// |J| of h0 and of h_g (features in an explanation).
        public var genericExplanationSize: Int, personalizedExplanationSize: Int
        /// Sufficiency and incomprehensiveness per group.
        public var metrics: [ExplanationBenefit.Result]
        /// BoP-P beside BoP-X per group and metric.
        public var divergence: [BenefitDivergence]
        /// Notes (fallbacks, what the baseline is).
        public var notes: [String]
    }

    /// BoP-X of every technique of `result` (models fitted by ``LocalAudit/run(spec:dataPath:testRows:progress:)``),
    /// in technique order. The data file is read again to rebuild the test design. Fixed models are
    /// not explained (nil). Logistic models get the settings' method; random forests and neural
    /// networks have no linear log-odds, so they always get sampled Shapley values (model-agnostic).
    public static func evaluate(_ result: LocalAudit.Result, settings: Settings, alpha: Double,
                                correction: Correction) throws -> [TechniqueExplanations?] {
        guard result.spec.model.fixed == nil, let first = result.techniques.first else {
            return result.techniques.map { _ in nil }
        }
        let genericModel = result.genericModel
        let requested = settings.method, method = genericModel.logistic == nil ? Method.shapley : requested
        var settings = settings
        settings.method = method   // what was used, as recorded in the report
        let dataset = try AuditDataset.load(path: result.dataPath, spec: result.spec)
        let testRows = first.predictions.rowIDs.compactMap(Int.init)
        let design = result.preprocessor.design(dataset, rows: testRows)
        let predictions = first.predictions.predictions
        let groups = predictions.groups, keys = predictions.keys
        let p = design.columnCount
        let generic = costs(design.values, rowCount: design.rowCount, columnCount: p, model: genericModel,
                            settings: settings, stream: "generic")
        return result.techniques.map { technique -> TechniqueExplanations? in
            let model = technique.model
            var personalized = ExplanationQuality.Costs(sufficiency: generic.sufficiency, incomprehensiveness: generic.incomprehensiveness)
            var notes = ["features: standardized design columns; baseline: the zero design row (numeric features at their training means, one-hot and group indicators off); attributions of the log-odds (\(method.rawValue)\(method != requested ? ": a \(genericModel.modelClass) has no linear log-odds, so its attributions are sampled Shapley values" : ""))"]
            var size = ExplanationQuality.explanationSize(fraction: settings.fraction, features: p)
            if let encoded = model.encoded {
                let k = model.indicatorColumns.count, d = p + k
                size = ExplanationQuality.explanationSize(fraction: settings.fraction, features: d)
                var wide = [Double](repeating: 0, count: design.rowCount * d)
                for i in 0..<design.rowCount {
                    for j in 0..<p { wide[i * d + j] = design.values[i * p + j] }
                    for c in model.activeIndicators[Int(groups[i])] { wide[i * d + p + c] = 1 }
                }
                personalized = costs(wide, rowCount: design.rowCount, columnCount: d, model: encoded, settings: settings,
                                     stream: technique.technique.rawValue)
            } else if !model.decoupled.isEmpty {
                let fallbackKeys = Set(model.fallbacks.map(\.key))
                for (g, key) in keys.enumerated() where !fallbackKeys.contains(key) {
                    guard let m = model.keys.firstIndex(of: key) else { continue }
                    let rows = groups.indices.filter { groups[$0] == Int32(g) }
                    guard !rows.isEmpty else { continue }
                    var subset = [Double](); subset.reserveCapacity(rows.count * p)
                    for i in rows { subset.append(contentsOf: design.values[(i * p)..<((i + 1) * p)]) }
                    let c = costs(subset, rowCount: rows.count, columnCount: p, model: model.decoupled[m],
                                  settings: settings, stream: "decoupled:\(key)")
                    for (r, i) in rows.enumerated() {
                        personalized.sufficiency[i] = c.sufficiency[r]
                        personalized.incomprehensiveness[i] = c.incomprehensiveness[r]
                    }
                }
                if !fallbackKeys.isEmpty {
                    notes.append("decoupled groups on the generic model have BoP-X 0 by construction: \(fallbackKeys.sorted().joined(separator: ", "))")
                }
            } else {
                return nil
            }
            let metrics = ExplanationBenefit.Metric.allCases.map { metric in
                ExplanationBenefit.evaluate(
                    metric: metric, keys: keys, groups: groups,
                    generic: metric == .sufficiency ? generic.sufficiency : generic.incomprehensiveness,
                    personalized: metric == .sufficiency ? personalized.sufficiency : personalized.incomprehensiveness,
                    bootstrap: settings.bootstrap, seed: settings.seed, alpha: alpha, correction: correction)
            }
            let error = technique.evaluation.metrics.first { $0.metric == .error }
            return TechniqueExplanations(settings: settings,
                                         genericExplanationSize: ExplanationQuality.explanationSize(fraction: settings.fraction, features: p),
                                         personalizedExplanationSize: size, metrics: metrics,
                                         divergence: BenefitDivergence.compare(prediction: error, explanations: metrics), notes: notes)
        }
    }

    /// Per-row costs of a fitted model on row-major rows (zero baseline): exact attributions for a
    /// logistic model when the settings ask for them, sampled Shapley values otherwise.
    static func costs(_ rows: [Double], rowCount n: Int, columnCount d: Int, model: Classifier,
                      settings: Settings, stream: String) -> ExplanationQuality.Costs {
        let predict: ([Double], Int) -> [Double] = { values, count in
            model.probabilities(DesignMatrix(rowCount: count, columnCount: d, values: values))
        }
        let coefficients = settings.method == .exact ? model.logistic?.coefficients : nil
        return costs(rows, rowCount: n, columnCount: d, predict: predict, coefficients: coefficients, settings: settings, stream: stream)
    }

    /// Per-row costs of any model given its batch predictor; with `coefficients` (a linear log-odds)
    /// the attributions are exact, otherwise sampled Shapley values seeded by (seed, stream).
    public static func costs(_ rows: [Double], rowCount n: Int, columnCount d: Int, predict: ([Double], Int) -> [Double],
                             coefficients: [Double]?, settings: Settings, stream: String) -> ExplanationQuality.Costs {
        let baseline = [Double](repeating: 0, count: d)
        let attributions = coefficients.map { FeatureAttribution.linear(rows: rows, rowCount: n, coefficients: $0, baseline: baseline) }
            ?? FeatureAttribution.sampledShapley(rows: rows, rowCount: n, columnCount: d, baseline: baseline,
                                                 permutations: settings.permutations,
                                                 seed: SplitMix64.mix(settings.seed ^ StratumStream.fnv1a(stream)), predict: predict)
        return ExplanationQuality.costs(rows: rows, rowCount: n, columnCount: d, attributions: attributions,
                                        probabilities: predict(rows, n), baseline: baseline, fraction: settings.fraction,
                                        loss: settings.loss, predict: predict)
    }
}
