/// Which data columns the model reads, and how they are typed (spec key `features`, optional).
///
/// The outcome and the group attribute columns are never features: the generic model h0 must not
/// see the group attributes, and each personalization technique adds them in its own way.
///
/// ```yaml
/// features:
///   include: [a, b]     # default: every column that is not the outcome, a group column or excluded
///   exclude: [c]        # default []
///   categorical: [d]    # default []: force categorical typing (one-hot encoded)
///   numeric: [e]        # default []: force numeric typing
/// ```
public struct FeatureSelection: Sendable, Codable, Equatable, Hashable {
    /// The feature columns (`features.include`); `nil` means every column that is not the outcome,
    /// a group attribute column, or in ``exclude``. When set, it is non-empty.
    public var include: [String]?
    /// Columns never used as features (`features.exclude`). Does not overlap ``include``.
    public var exclude: [String]
    /// Columns typed as categorical whatever their values look like (`features.categorical`).
    public var categorical: [String]
    /// Columns typed as numeric (`features.numeric`). Does not overlap ``categorical``.
    public var numeric: [String]

    /// Creates a selection; the defaults select every eligible column with inferred types.
    public init(include: [String]? = nil, exclude: [String] = [], categorical: [String] = [], numeric: [String] = []) {
        self.include = include
        self.exclude = exclude
        self.categorical = categorical
        self.numeric = numeric
    }
}
