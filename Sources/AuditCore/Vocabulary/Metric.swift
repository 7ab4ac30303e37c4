/// A performance metric whose gains are tested (spec key `metrics`), the same value in the spec, the
/// statistics, the payloads and the reports.
///
/// Binary outcomes: default `[error, auc, ece]`; log-loss and the Brier score are always reported,
/// never tested. Continuous outcomes: default `[squared_error, absolute_error]`. Primary tests (methods
/// spec D2): exact McNemar for error, DeLong for AUC, the calibration z-test (`CalibrationGainTest`)
/// for ECE, the one-sided paired t-test for the two losses.
public enum Metric: String, Sendable, Codable, CaseIterable, Hashable {
    /// Error rate at threshold 0.5 (`error`); lower is better.
    case error
    /// Area under the ROC curve, Mann–Whitney with ties counted ½ (`auc`); higher is better.
    case auc
    /// Expected calibration error over `tests.ece_bins` equal-width, right-closed bins (`ece`); lower is better.
    case ece
    /// Mean squared error (ŷ − y)² of a continuous outcome (`squared_error`); lower is better.
    case squaredError = "squared_error"
    /// Mean absolute error |ŷ − y| of a continuous outcome (`absolute_error`); lower is better.
    case absoluteError = "absolute_error"

    /// The metrics of a binary outcome, in order.
    public static let binaryMetrics: [Metric] = [.error, .auc, .ece]
    /// The metrics of a continuous outcome, in order.
    public static let regressionMetrics: [Metric] = [.squaredError, .absoluteError]

    /// The outcome type the metric applies to.
    public var outcomeType: OutcomeType {
        switch self {
        case .error, .auc, .ece: .binary
        case .squaredError, .absoluteError: .continuous
        }
    }

    /// Whether the metric is a loss of a continuous outcome.
    public var isRegression: Bool { outcomeType == .continuous }

    /// Whether larger values are better (only AUC).
    public var higherIsBetter: Bool { self == .auc }

    /// The test whose adjusted p-values drive the flags (decision D2).
    public var primaryTest: String {
        switch self {
        case .error: "mcnemar_exact"
        case .auc: "delong"
        case .ece: "calibration_z"
        case .squaredError, .absoluteError: "paired_t"
        }
    }

    /// The metrics of an outcome type, in order: the default of `metrics`.
    public static func defaults(for type: OutcomeType) -> [Metric] {
        type == .binary ? binaryMetrics : regressionMetrics
    }
}

/// The type of the outcome column (spec key `outcome.type`).
public enum OutcomeType: String, Sendable, Codable, CaseIterable, Hashable {
    /// A two-class outcome, predicted as a probability (`binary`, the default).
    case binary
    /// A real-valued outcome, predicted as a number (`continuous`); rows need a finite value.
    case continuous
}
