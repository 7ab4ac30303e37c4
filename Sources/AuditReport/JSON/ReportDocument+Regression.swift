import AuditModels
import AuditSpec
import AuditStats

extension ReportDocument {
    /// A group's decoupled regressor (an array entry, so group keys are never rewritten by the
    /// snake_case key strategy).
    public struct KeyedRegressor: Sendable, Codable, Equatable {
        /// Group key.
        public var key: String
        /// Its regressor.
        public var model: FittedRegressor
    }

    /// The document of a local audit of a continuous outcome (`outcome.type: continuous`): the
    /// same shape as a binary audit, with the regressors in `generic_regressor`, `regressor` and
    /// `decoupled_regressors` and the metrics `squared_error` / `absolute_error`.
    public init(localRegression result: LocalRegressionAudit.Result, version: String, includeTimings: Bool = true) {
        schema = Self.schemaIdentifier
        software = Software(name: "fairuse", version: version)
        mode = "train"
        spec = result.spec
        data = DataSection(path: result.dataPath, rows: result.rowCount, trainRows: result.trainCount,
                           testRows: result.testCount, groups: result.groups, preprocessing: result.preprocessor,
                           designColumns: result.preprocessor.designColumns, genericModel: nil,
                           genericRegressor: result.generic)
        results = result.techniques.map { t in
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
        notes = result.notes
        timings = includeTimings ? result.timings : nil
        federation = nil
    }
}
