/// Feature preprocessing fitted on the training rows only (ICML 2023 §4.1: mean imputation),
/// matching the reference's scikit-learn pipeline: numeric columns are mean-imputed then
/// standardized with the population SD (ddof 0) of the imputed training column (a zero SD
/// becomes 1; a column with no observed training value is dropped); categorical columns are
/// one-hot encoded with every training level kept and sorted, a missing value being its own
/// level "(missing)", and a level unseen in training encoding as all zeros.
public struct Preprocessor: Sendable, Codable, Equatable {
    /// A fitted numeric column.
    public struct NumericColumn: Sendable, Codable, Equatable {
        /// Column name.
        public var name: String
        /// Training mean used for imputation and centring.
        public var mean: Double
        /// Training population SD of the imputed column (1 when it is 0).
        public var scale: Double
        /// A column from its parts.
        public init(name: String, mean: Double, scale: Double) {
            self.name = name
            self.mean = mean
            self.scale = scale
        }
    }
    /// A fitted categorical column.
    public struct CategoricalColumn: Sendable, Codable, Equatable {
        /// Column name.
        public var name: String
        /// Training levels, sorted; "(missing)" stands for missing values.
        public var levels: [String]
        /// A column from its parts.
        public init(name: String, levels: [String]) {
            self.name = name
            self.levels = levels
        }
    }

    /// The level that stands for a missing categorical value.
    public static let missingLevel = "(missing)"

    /// Numeric columns kept, in data order.
    public var numeric: [NumericColumn]
    /// Categorical columns, in data order.
    public var categorical: [CategoricalColumn]
    /// Numeric columns dropped because no training value was observed.
    public var dropped: [String]

    /// Names of the design columns: numeric names, then `name=level` per one-hot column.
    public var designColumns: [String] {
        numeric.map(\.name) + categorical.flatMap { c in c.levels.map { "\(c.name)=\($0)" } }
    }

    /// A preprocessing from its parts (fitting is ``init(dataset:trainingRows:)`` in AuditModels).
    public init(numeric: [NumericColumn], categorical: [CategoricalColumn], dropped: [String]) {
        self.numeric = numeric
        self.categorical = categorical
        self.dropped = dropped
    }
}
