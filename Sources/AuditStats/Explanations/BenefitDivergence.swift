import AuditCore

/// Where the prediction benefit (BoP-P, the audit's rationality gain in error rate) and the
/// explanation benefit (BoP-X) of personalization disagree for a group — the divergence that
/// Cornelis et al. (arXiv 2502.02786, Theorem 3) show can occur: a model can predict as well or
/// better and explain worse, or the reverse.
///
/// A group diverges on an explanation metric when its BoP-P and BoP-X gains have opposite signs
/// (both non-zero) and at least one of the two is flagged after correction (a significant gain or
/// harm of its own test). Gains that merely differ in sign without any flag are listed, not flagged.
public struct BenefitDivergence: Sendable, Codable, Equatable {
    /// Group key.
    public var key: String
    /// The explanation metric.
    public var metric: ExplanationBenefit.Metric
    /// BoP-P: err(h0) − err(h_g) on the group's test rows, and its primary flag.
    public var predictionGain: Double?
    /// The BoP-P flag (gain / violation / none / na).
    public var predictionFlag: TestFlag
    /// BoP-X of the metric and its flag.
    public var explanationGain: Double?
    /// The BoP-X flag.
    public var explanationFlag: TestFlag
    /// Opposite non-zero signs.
    public var oppositeSigns: Bool
    /// Opposite signs and at least one flagged.
    public var diverges: Bool

    /// Pairs each group's BoP-P (from the error metric's rationality comparisons) with each BoP-X result.
    public static func compare(prediction: MetricEvaluation?, explanations: [ExplanationBenefit.Result]) -> [BenefitDivergence] {
        var out: [BenefitDivergence] = []
        for result in explanations {
            for group in result.groups where group.count > 0 {
                let rationality = prediction?.groups.first { $0.key == group.key }?.rationality
                let p = rationality?.gain, x = group.gain
                let pFlag = rationality?.primary.flag ?? .na, xFlag = group.test.flag
                let opposite = (p ?? 0) * (x ?? 0) < 0
                let flagged = [pFlag, xFlag].contains { $0 == .gain || $0 == .violation }
                out.append(BenefitDivergence(key: group.key, metric: result.metric, predictionGain: p, predictionFlag: pFlag,
                                             explanationGain: x, explanationFlag: xFlag, oppositeSigns: opposite,
                                             diverges: opposite && flagged))
            }
        }
        return out
    }
}
