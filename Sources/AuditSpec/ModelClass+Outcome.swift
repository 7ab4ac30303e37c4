import AuditCore

extension ModelClass {
    /// The regressors: classes that predict a continuous outcome. Every other class is a
    /// classifier of binary outcomes. A new regressor class is added here and in ``allCases``.
    public static let regressionClasses: [ModelClass] = [.ridgeRegression]

    /// The outcome type this class predicts.
    public var outcomeType: OutcomeType {
        Self.regressionClasses.contains(self) ? .continuous : .binary
    }

    /// The class a spec uses when `model.class` is left out.
    public static func defaultClass(for type: OutcomeType) -> ModelClass {
        type == .continuous ? .ridgeRegression : .logisticRegression
    }
}
