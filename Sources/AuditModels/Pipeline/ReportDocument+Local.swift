import AuditModelTypes
import AuditReport

// The report documents of local audits that fit models: built here, beside the pipeline whose
// results they read, so that AuditReport (and the coordinator, which links it) need not link the
// trainers. AuditModels imports AuditReport, never the other way round.
extension ReportDocument {
    /// The document of a local audit that fitted models.
    public init(local result: LocalAudit.Result, version: String, includeTimings: Bool = true) {
        var data = DataSection(path: result.dataPath, rows: result.rowCount, trainRows: result.trainCount,
                           testRows: result.testCount, groups: result.groups, preprocessing: result.preprocessor,
                           designColumns: result.preprocessor.designColumns, genericModel: result.generic)
        if result.generic == nil { data.genericModelSummary = result.genericModel.summary }
        let results = result.techniques.map { t in
            let logistic = t.model.encoded?.logistic != nil || t.model.decoupled.first?.logistic != nil
                || (t.model.encoded == nil && t.model.decoupled.isEmpty)
            var section = TechniqueSection(
                name: t.technique.rawValue,
                indicatorColumns: t.model.encoded == nil ? nil : t.model.indicatorColumns,
                model: t.model.encodedModel,
                decoupledModels: t.model.encoded == nil && logistic
                    ? zip(t.model.keys, t.model.decoupledModels).map { KeyedModel(key: $0, model: $1) } : nil,
                fallbacks: t.model.fallbacks.isEmpty ? nil : t.model.fallbacks,
                evaluation: t.evaluation, notes: t.notes, heterogeneity: nil)
            if !logistic {
                section.modelSummary = t.model.encoded?.summary
                section.decoupledModelSummaries = t.model.encoded == nil
                    ? zip(t.model.keys, t.model.decoupled).map { KeyedSummary(key: $0, summary: $1.summary) } : nil
            }
            return section
        }
        self.init(mode: "train", spec: result.spec, data: data, results: results, notes: result.notes,
                  timings: includeTimings ? result.timings : nil, federation: nil, version: version)
    }

    /// The document of a local audit of a continuous outcome (`outcome.type: continuous`): the
    /// same shape as a binary audit, with the regressors in `generic_regressor`, `regressor` and
    /// `decoupled_regressors` and the metrics `squared_error` / `absolute_error`.
    public init(localRegression result: LocalRegressionAudit.Result, version: String, includeTimings: Bool = true) {
        let data = DataSection(path: result.dataPath, rows: result.rowCount, trainRows: result.trainCount,
                           testRows: result.testCount, groups: result.groups, preprocessing: result.preprocessor,
                           designColumns: result.preprocessor.designColumns, genericModel: nil,
                           genericRegressor: result.generic)
        let results = result.techniques.map { t in
            var section = TechniqueSection(
                name: t.technique.rawValue,
                indicatorColumns: t.model.encodedModel == nil ? nil : t.model.indicatorColumns,
                model: nil, decoupledModels: nil, fallbacks: t.model.fallbacks.isEmpty ? nil : t.model.fallbacks,
                evaluation: t.evaluation, notes: t.notes, heterogeneity: nil)
            section.regressor = t.model.encodedModel
            if t.model.encodedModel == nil {
                section.decoupledRegressors = zip(t.model.keys, t.model.decoupledModels).map { KeyedRegressor(key: $0, model: $1) }
            }
            return section
        }
        self.init(mode: "train", spec: result.spec, data: data, results: results, notes: result.notes,
                  timings: includeTimings ? result.timings : nil, federation: nil, version: version)
    }

    /// Adds a local audit's interventions and model selection to the matching technique sections.
    public mutating func attach(_ analyses: [LocalInterventions.TechniqueAnalysis]) {
        for analysis in analyses {
            guard let i = results.firstIndex(where: { $0.name == analysis.technique.rawValue }) else { continue }
            results[i].interventions = InterventionsSection(assignGeneric: analysis.assignGeneric,
                                                            bestOfModels: analysis.bestOfModels,
                                                            dataMinimization: analysis.dataMinimization)
            results[i].modelSelection = analysis.modelSelection
        }
    }
}
