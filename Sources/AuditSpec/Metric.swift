/// A performance metric whose gains are tested (spec key `metrics`).
///
/// Default: all three, in this order. Log-loss and the Brier score are always reported, never tested.
/// Primary tests (methods spec D2): exact McNemar for error, DeLong for AUC, paired stratified
/// bootstrap for ECE.
public enum Metric: String, Sendable, Codable, CaseIterable, Hashable {
    /// Error rate at threshold 0.5 (`error`); lower is better.
    case error
    /// Area under the ROC curve, Mann–Whitney with ties counted ½ (`auc`); higher is better.
    case auc
    /// Expected calibration error over `tests.ece_bins` equal-width bins (`ece`); lower is better.
    case ece
}
