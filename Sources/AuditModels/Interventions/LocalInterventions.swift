import AuditCore
import AuditSpec
import AuditStats
import Foundation

/// The analyses of a local audit that go beyond testing (ICML 2023 §3.1 and §5.2): per technique
/// the intervention "assign h0 to groups with a violation" (``GenericAssignment``), the best of
/// h0 / h_g / h_g^dec chosen on a validation split (``BestModelAssignment``), data minimization
/// (``DataMinimization``) and, when asked, the choice of C by cross-validation
/// (``RegularizationSelection``). Each refits models on the audit's own training rows; none looks
/// at the test split before it reports on it.
public enum LocalInterventions {
    /// What to run.
    public struct Settings: Sendable, Equatable {
        /// Fraction of each (group, label) stratum of the training rows held out for validation (b).
        public var validationFraction: Double
        /// The C grid of model selection; nil skips model selection.
        public var selectionGrid: [Double]?
        /// Folds of model selection.
        public var selectionFolds: Int

        /// Creates settings: validation fraction 0.25, no model selection, 5 folds.
        public init(validationFraction: Double = 0.25, selectionGrid: [Double]? = nil, selectionFolds: Int = 5) {
            self.validationFraction = validationFraction
            self.selectionGrid = selectionGrid
            self.selectionFolds = selectionFolds
        }
    }

    /// Everything computed for one technique.
    public struct TechniqueAnalysis: Sendable {
        /// The technique.
        public var technique: Technique
        /// Assign h0 to groups with a rationality violation, with population AUC and ECE from the predictions.
        public var assignGeneric: GenericAssignment
        /// Best of h0 / h_g / h_g^dec (nil for a fixed model: nothing to refit).
        public var bestOfModels: BestModelAssignment?
        /// Data minimization (nil for a fixed model).
        public var dataMinimization: DataMinimization?
        /// Model selection of C (nil unless asked, and for a fixed model).
        public var modelSelection: RegularizationSelection?
    }

    /// Runs every analysis on a finished local audit of `dataPath` (the same `testRows`, if any);
    /// `skipInterventions` leaves out the refitting interventions (b) and (c), keeping (a) and model selection.
    public static func run(_ result: LocalAudit.Result, dataPath: String, testRows: [Int]? = nil, settings: Settings = .init(),
                           skipInterventions: Bool = false, progress: @Sendable (String) -> Void = { _ in }) throws -> [TechniqueAnalysis] {
        let spec = result.spec
        let metrics = spec.metrics
        let bins = spec.tests.eceBins
        var analyses = result.techniques.map { t in
            TechniqueAnalysis(technique: t.technique,
                              assignGeneric: GenericAssignment(evaluation: t.evaluation, predictions: t.predictions.predictions, eceBins: bins),
                              bestOfModels: nil, dataMinimization: nil, modelSelection: nil)
        }
        // The refits (b), (c) and model selection fit logistic regression: only for audits of that class
        // (a fixed published model has nothing to refit; other classes have no C).
        guard spec.model.fixed == nil, spec.model.modelClass == .logisticRegression, let generic = result.generic else { return analyses }
        let data = try TrainingData.load(spec: spec, dataPath: dataPath, testRows: testRows)
        guard data.test.count == result.testCount, data.keys == result.groups.map(\.key),
              result.techniques.allSatisfy({ $0.predictions.rowIDs == data.test.map(String.init) }) else {
            throw DataError(code: .invalidData, file: dataPath, line: nil, column: nil,
                            message: "internal: the interventions' split differs from the audit's")
        }
        for (i, t) in result.techniques.enumerated() where !skipInterventions {
            progress("\(t.technique.rawValue): best of h0 / personalized / decoupled on a \(Int((settings.validationFraction * 100).rounded()))% validation split")
            analyses[i].bestOfModels = try BestModelAssignment.run(data, technique: t.technique,
                                                                   validationFraction: settings.validationFraction,
                                                                   metrics: metrics, eceBins: bins)
            progress(data.dataset.attributes.count > 1 ? "\(t.technique.rawValue): data minimization, one refit per attribute"
                     : "\(t.technique.rawValue): data minimization skipped (a single group attribute)")
            analyses[i].dataMinimization = try DataMinimization.run(data, technique: t.technique, full: t.predictions.predictions,
                                                                    generic: generic, preprocessor: result.preprocessor)
        }
        if let grid = settings.selectionGrid {
            try selectModels(&analyses, result: result, data: data, dataPath: dataPath, testRows: testRows,
                             grid: grid, folds: settings.selectionFolds, metric: metrics.first ?? .error, progress: progress)
        }
        return analyses
    }

    /// Cross-validates C per technique, then reruns the audit once per distinct chosen C.
    static func selectModels(_ analyses: inout [TechniqueAnalysis], result: LocalAudit.Result, data: TrainingData,
                             dataPath: String, testRows: [Int]?, grid: [Double], folds: Int, metric: Metric,
                             progress: @Sendable (String) -> Void) throws {
        for i in analyses.indices {
            progress("\(analyses[i].technique.rawValue): \(folds)-fold cross-validation of C over \(grid.count) values")
            analyses[i].modelSelection = try RegularizationSelection.run(data, technique: analyses[i].technique, grid: grid,
                                                                         folds: folds, metric: metric, eceBins: data.spec.tests.eceBins)
        }
        let chosen = Set(analyses.flatMap { a in a.modelSelection.map { [$0.populationBest, $0.worstGroupBest] } ?? [] })
        var evaluations: [Double: [Technique: FairUseEvaluation]] = [:]
        for c in chosen.sorted() {
            let needing = analyses.filter { $0.modelSelection?.populationBest == c || $0.modelSelection?.worstGroupBest == c }
                .map(\.technique)
            if c == result.spec.model.inverseRegularization {
                evaluations[c] = Dictionary(uniqueKeysWithValues: result.techniques.map { ($0.technique, $0.evaluation) })
                continue
            }
            var spec = result.spec
            spec.model.inverseRegularization = c
            spec.techniques = needing
            progress("rerunning the audit at C = \(c) for \(needing.map(\.rawValue).joined(separator: ", "))")
            let rerun = try LocalAudit.run(spec: spec, dataPath: dataPath, testRows: testRows)
            evaluations[c] = Dictionary(uniqueKeysWithValues: rerun.techniques.map { ($0.technique, $0.evaluation) })
        }
        for i in analyses.indices {
            guard var selection = analyses[i].modelSelection else { continue }
            let t = analyses[i].technique
            selection.atPopulationBest = evaluations[selection.populationBest]?[t]?.metrics.map(RegularizationSelection.Outcome.init)
            selection.atWorstGroupBest = evaluations[selection.worstGroupBest]?[t]?.metrics.map(RegularizationSelection.Outcome.init)
            analyses[i].modelSelection = selection
        }
    }
}
