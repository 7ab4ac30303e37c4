/// A fitted linear regressor ŷ = b + x·β (ridge regression; see ``RidgeRegression``).
public struct LinearRegressionModel: Sendable, Codable, Equatable {
    /// The unpenalized intercept b.
    public var intercept: Double
    /// The coefficients β, one per design column (then one per appended column, if any).
    public var coefficients: [Double]
    /// The penalty λ it was fitted with.
    public var alpha: Double

    /// A model from its parts.
    public init(intercept: Double, coefficients: [Double], alpha: Double) {
        self.intercept = intercept
        self.coefficients = coefficients
        self.alpha = alpha
    }
}

/// A fitted regressor of any class this build trains: the one place a new regressor class (a
/// random forest, a neural network) plugs in — a case here, its fit in ``Regressor/fit``, its
/// prediction in `predict(_:appending:)` (AuditModels, `FittedRegressor+Prediction.swift`).
/// Personalization (``PersonalizedRegressor``) and the audit only use these two entry points.
public enum FittedRegressor: Sendable, Codable, Equatable {
    /// Ridge regression (`ridge_regression`).
    case ridge(LinearRegressionModel)

    /// The linear model, for reports.
    public var linear: LinearRegressionModel {
        switch self {
        case .ridge(let model): model
        }
    }

    /// The spec name of the class (`model.class`).
    public var modelClass: String {
        switch self {
        case .ridge: "ridge_regression"
        }
    }

    private enum CodingKeys: String, CodingKey { case modelClass = "class", intercept, coefficients, alpha }

    /// Encodes flat, tagged by `class`: `{"class": "ridge_regression", "intercept": …, "coefficients": […], "alpha": …}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(modelClass, forKey: .modelClass)
        switch self {
        case .ridge(let model):
            try container.encode(model.intercept, forKey: .intercept)
            try container.encode(model.coefficients, forKey: .coefficients)
            try container.encode(model.alpha, forKey: .alpha)
        }
    }

    /// Decodes what ``encode(to:)`` writes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .modelClass)
        switch name {
        case "ridge_regression":
            self = .ridge(LinearRegressionModel(intercept: try container.decode(Double.self, forKey: .intercept),
                                                coefficients: try container.decode([Double].self, forKey: .coefficients),
                                                alpha: try container.decode(Double.self, forKey: .alpha)))
        default:
            throw DecodingError.dataCorruptedError(forKey: .modelClass, in: container,
                                                   debugDescription: "unknown regressor class \(name)")
        }
    }
}
