import AuditCore

extension AuditSpec {
    /// Checks that the model class, the metrics and the options fit `outcome.type`: a continuous
    /// outcome takes a regressor (`ridge_regression`), the metrics `squared_error` and
    /// `absolute_error`, no fixed model and no class-imbalance repair; a binary outcome takes a
    /// classifier and the metrics `error`, `auc` and `ece`. `model.alpha` is ridge-only, > 0.
    func validateOutcomeType(fail: (SpecError.Code, String, String, String?) -> SpecError) throws(SpecError) {
        let type = outcome.type
        let lineKey = type == .continuous ? "outcome.type" : nil
        guard model.modelClass.outcomeType == type else {
            let expected = ModelClass.allCases.filter { $0.outcomeType == type }.map(\.rawValue).joined(separator: ", ")
            throw fail(.invalidValue, "model.class",
                       "model class '\(model.modelClass)' does not predict a \(type.rawValue) outcome; expected one of \(expected)", nil)
        }
        if let alpha = model.alpha {
            guard model.modelClass == .ridgeRegression else {
                throw fail(.invalidValue, "model.alpha", "model.alpha applies to ridge_regression only, not to \(model.modelClass)", nil)
            }
            guard alpha.isFinite, alpha > 0 else {
                throw fail(.invalidValue, "model.alpha", "expected a number > 0, found \(alpha)", nil)
            }
        }
        for (index, metric) in metrics.enumerated() where metric.outcomeType != type {
            let expected = Metric.defaults(for: type).map(\.rawValue).joined(separator: ", ")
            throw fail(.invalidValue, "metrics[\(index)]",
                       "metric '\(metric.rawValue)' applies to \(metric.outcomeType.rawValue) outcomes; a \(type.rawValue) outcome takes \(expected)",
                       nil)
        }
        guard type == .continuous else { return }
        if model.fixed != nil {
            throw fail(.invalidValue, "model.fixed", "a fixed model is a classifier of binary outcomes; remove model.fixed or outcome.type", lineKey)
        }
        if imbalanceRepair != .none {
            throw fail(.invalidValue, "imbalance_repair",
                       "class-imbalance repair needs a binary outcome; use imbalance_repair: none with outcome.type: continuous", nil)
        }
    }
}
