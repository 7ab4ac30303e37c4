import AuditStats

/// BoP-X of a local audit (`fairuse local --explanations`) as values: the settings and each
/// technique's result. The evaluation, and what the features, baseline and attributions are, is in
/// AuditModels (`LocalExplanations+Evaluate.swift`).
public enum LocalExplanations {
    /// How attributions are computed.
    public enum Method: String, Sendable, Codable, CaseIterable {
        /// Exact linear attributions (logistic models).
        case exact
        /// Sampled baseline Shapley values through the predictor (any model).
        case shapley
    }

    /// Settings (CLI: `--explanations`, `--explanation-fraction`, `--explanation-loss`, `--explanation-method`, `--shapley-permutations`).
    public struct Settings: Sendable, Codable, Equatable {
        /// Attribution method.
        public var method: Method
        /// Fraction r of a model's features that form its explanation (the paper's 50%).
        public var fraction: Double
        /// ℓ of sufficiency and incomprehensiveness.
        public var loss: ExplanationLoss
        /// Permutations per row for `shapley`.
        public var permutations: Int
        /// Bootstrap replicates B of the paired test (0: paired t-test only).
        public var bootstrap: Int
        /// Root seed of the bootstrap streams and of the Shapley permutations.
        public var seed: UInt64

        /// Defaults: exact, r = 0.5, 0-1 loss, 32 permutations, B = 2000, seed 0.
        public init(method: Method = .exact, fraction: Double = 0.5, loss: ExplanationLoss = .zeroOne,
                    permutations: Int = 32, bootstrap: Int = 2000, seed: UInt64 = 0) {
            self.method = method
            self.fraction = fraction
            self.loss = loss
            self.permutations = permutations
            self.bootstrap = bootstrap
            self.seed = seed
        }
    }

    /// One technique's BoP-X.
    public struct TechniqueExplanations: Sendable, Codable, Equatable {
        /// The settings used.
        public var settings: Settings
        /// |J| of h0 and of h_g (features in an explanation).
        public var genericExplanationSize: Int, personalizedExplanationSize: Int
        /// Sufficiency and incomprehensiveness per group.
        public var metrics: [ExplanationBenefit.Result]
        /// BoP-P beside BoP-X per group and metric.
        public var divergence: [BenefitDivergence]
        /// Notes (fallbacks, what the baseline is).
        public var notes: [String]

        /// Creates a value from its parts.
        public init(settings: Settings, genericExplanationSize: Int, personalizedExplanationSize: Int,
                    metrics: [ExplanationBenefit.Result], divergence: [BenefitDivergence], notes: [String]) {
            self.settings = settings
            self.genericExplanationSize = genericExplanationSize
            self.personalizedExplanationSize = personalizedExplanationSize
            self.metrics = metrics
            self.divergence = divergence
            self.notes = notes
        }
    }
}
