import AuditCore

/// A published model that every site evaluates unchanged (spec key `model.fixed`): the external
/// validation of one logistic-regression model instead of each site training its own. Every row
/// of a site's data is an evaluation row. Coefficients apply to the raw feature values: a
/// numeric column by its name, a categorical level as `column=level` (1 when the row has that
/// level); group attributes enter the personalized model through `group_offsets`.
///
/// ```yaml
/// model:
///   class: logistic_regression
///   fixed:
///     technique: onehot                   # onehot: offsets per attr=level; intersectional: per group key
///     generic:      { intercept: -6.1, coefficients: { kappa: 0.21, creatinine: 0.35 } }
///     personalized: { intercept: -6.4, coefficients: { kappa: 0.20, creatinine: 0.33 } }
///     group_offsets: { "sex=male": 0.31, "age_group=65+": 1.42 }
///     impute: { creatinine: 1.1 }         # value for a missing numeric feature (else missing is an error)
/// ```
public struct FixedModel: Sendable, Codable, Equatable, Hashable {
    /// A named number (an ordered list, not a dictionary, so names survive any key encoding).
    public struct Term: Sendable, Codable, Equatable, Hashable {
        /// Feature (`column` or `column=level`), group offset key, or imputed column.
        public var name: String
        /// The value.
        public var value: Double
        /// Creates a term.
        public init(name: String, value: Double) { self.name = name; self.value = value }
    }

    /// A linear score b + Σ β·x.
    public struct Linear: Sendable, Codable, Equatable, Hashable {
        /// Intercept b.
        public var intercept: Double
        /// Coefficients β by feature.
        public var coefficients: [Term]
        /// Creates a score.
        public init(intercept: Double, coefficients: [Term]) { self.intercept = intercept; self.coefficients = coefficients }
    }

    /// How the group attributes enter the personalized model: `onehot` or `intersectional`.
    public var technique: Technique
    /// The generic model h0.
    public var generic: Linear
    /// The personalized model without its group offsets.
    public var personalized: Linear
    /// Offsets by `attr=level` (onehot) or by intersectional key (intersectional); absent = 0.
    public var groupOffsets: [Term]
    /// Values for missing numeric features.
    public var impute: [Term]

    /// Creates a fixed model.
    public init(technique: Technique, generic: Linear, personalized: Linear, groupOffsets: [Term], impute: [Term] = []) {
        self.technique = technique
        self.generic = generic
        self.personalized = personalized
        self.groupOffsets = groupOffsets
        self.impute = impute
    }
}
