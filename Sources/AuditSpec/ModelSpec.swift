/// The model class and its hyperparameters (spec key `model`, optional).
///
/// ```yaml
/// model:
///   class: logistic_regression   # default for binary outcomes (or random_forest, neural_network); ridge_regression for continuous ones
///   C: 1.0                       # logistic_regression: default 1.0; inverse L2 regularization strength, > 0
///   alpha: 1.0                   # ridge_regression: default 1.0; L2 penalty λ, > 0
/// ```
///
/// The hyperparameters of the other classes are in ``ForestSpec`` and ``NetworkSpec``.
public struct ModelSpec: Sendable, Codable, Equatable, Hashable {
    /// The model class (`model.class`, default `logistic_regression`).
    public var modelClass: ModelClass
    /// The inverse regularization strength C (`model.C`, default 1.0), finite and > 0; as in
    /// scikit-learn, the penalty is ‖w‖² / (2C) against the summed log-loss.
    public var inverseRegularization: Double
    /// A published model to evaluate unchanged at every site (`model.fixed`), instead of training.
    public var fixed: FixedModel?
    /// The ridge penalty λ (`model.alpha`, ridge regression only; nil means the default 1.0), finite
    /// and > 0; as in scikit-learn's `Ridge`, the objective is ‖y − Xw − b‖² + λ‖w‖² (b unpenalized).
    public var alpha: Double?
    /// Random-forest hyperparameters; present exactly when the class is `random_forest`.
    public var forest: ForestSpec?
    /// Neural-network hyperparameters; present exactly when the class is `neural_network`.
    public var network: NetworkSpec?

    /// The ridge penalty in effect: ``alpha`` or its default 1.0.
    public var ridgeAlpha: Double { alpha ?? 1.0 }

    /// Creates a model spec; the defaults are logistic regression with C = 1, trained at each site.
    /// A random-forest or neural-network class without hyperparameters gets the paper's defaults.
    public init(modelClass: ModelClass = .logisticRegression, inverseRegularization: Double = 1.0, fixed: FixedModel? = nil,
                alpha: Double? = nil, forest: ForestSpec? = nil, network: NetworkSpec? = nil) {
        self.modelClass = modelClass
        self.inverseRegularization = inverseRegularization
        self.fixed = fixed
        self.alpha = alpha
        self.forest = forest ?? (modelClass == .randomForest ? ForestSpec() : nil)
        self.network = network ?? (modelClass == .neuralNetwork ? NetworkSpec() : nil)
    }

    /// This spec with another class (e.g. `fairuse local --model-class`): the hyperparameters of
    /// the new class are kept if present, the paper's defaults otherwise; the others are dropped
    /// (C returns to its default unless the class is logistic regression).
    public func with(modelClass: ModelClass) -> ModelSpec {
        ModelSpec(modelClass: modelClass, inverseRegularization: modelClass == .logisticRegression ? inverseRegularization : 1.0,
                  fixed: fixed,
                  alpha: modelClass == .ridgeRegression ? alpha : nil,
                  forest: modelClass == .randomForest ? forest : nil,
                  network: modelClass == .neuralNetwork ? network : nil)
    }
}

/// A model class name (`model.class`). A struct rather than an enum so that classes can be added
/// without breaking code that matches on it.
public struct ModelClass: RawRepresentable, Sendable, Codable, Equatable, Hashable, CustomStringConvertible {
    /// The name as written in a spec, e.g. `logistic_regression`.
    public let rawValue: String

    /// Wraps a name; whether it is known is checked by ``AuditSpec/validate(source:)``.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// L2-regularized logistic regression (`logistic_regression`).
    public static let logisticRegression = ModelClass(rawValue: "logistic_regression")

    /// L2-regularized least squares for continuous outcomes (`ridge_regression`).
    public static let ridgeRegression = ModelClass(rawValue: "ridge_regression")

    /// A random forest of CART trees (`random_forest`; ICML 2023 Appendix D).
    public static let randomForest = ModelClass(rawValue: "random_forest")

    /// A multilayer perceptron with Platt scaling (`neural_network`; ICML 2023 Appendix D).
    public static let neuralNetwork = ModelClass(rawValue: "neural_network")

    /// The classes this build can train, in the order listed in error messages.
    public static let allCases: [ModelClass] = [.logisticRegression, .ridgeRegression, .randomForest, .neuralNetwork]

    /// The raw name.
    public var description: String { rawValue }

    /// Decodes from a plain string.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes as a plain string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
