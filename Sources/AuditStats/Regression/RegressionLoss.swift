import AuditCore

extension Metric {
    /// The per-row loss of a continuous outcome y predicted as ŷ (Cornelis et al., "Benefit of
    /// Personalization", regression setting): squared error ℓ = (ŷ − y)², absolute error
    /// ℓ = |ŷ − y|. The group metric is the mean loss, lower is better. Precondition: a
    /// regression metric (binary metrics are not per-row losses of a prediction).
    @inline(__always)
    public func loss(prediction: Double, outcome: Double) -> Double {
        let residual = prediction - outcome
        switch self {
        case .squaredError: return residual * residual
        case .absoluteError: return abs(residual)
        case .error, .auc, .ece: preconditionFailure("\(rawValue) is not a regression loss")
        }
    }
}
