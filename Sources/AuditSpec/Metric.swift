/// A performance metric whose gains are tested (spec key `metrics`).
///
/// Binary outcomes: default `[error, auc, ece]`; log-loss and the Brier score are always reported,
/// never tested. Primary tests (methods spec D2): exact McNemar for error, DeLong for AUC, paired
/// stratified bootstrap for ECE. Continuous outcomes: default `[squared_error, absolute_error]`,
/// primary test the one-sided paired t-test, secondary the paired stratified bootstrap.
public enum Metric: String, Sendable, Codable, CaseIterable, Hashable {
    /// Error rate at threshold 0.5 (`error`); lower is better.
    case error
    /// Area under the ROC curve, Mann–Whitney with ties counted ½ (`auc`); higher is better.
    case auc
    /// Expected calibration error over `tests.ece_bins` equal-width bins (`ece`); lower is better.
    case ece
    /// Mean squared error (ŷ − y)² of a continuous outcome (`squared_error`); lower is better.
    case squaredError = "squared_error"
    /// Mean absolute error |ŷ − y| of a continuous outcome (`absolute_error`); lower is better.
    case absoluteError = "absolute_error"

    /// The outcome type the metric applies to.
    public var outcomeType: OutcomeType {
        switch self {
        case .error, .auc, .ece: .binary
        case .squaredError, .absoluteError: .continuous
        }
    }

    /// The metrics of an outcome type, in order: the default of `metrics`.
    public static func defaults(for type: OutcomeType) -> [Metric] {
        allCases.filter { $0.outcomeType == type }
    }
}
