import AuditCore

/// An audit specification: what to predict, which group attributes to audit, how to personalize,
/// and how to test (spec format version 1). `Protocol/audit-spec.md` is the full reference.
///
/// ```yaml
/// fairuse: 1                      # required: spec format major version; other majors are refused
/// name: flchain-5y-mortality      # required: [A-Za-z0-9._-]+
/// data: flchain_5y_mortality.csv  # optional: default data path, relative to the spec file's directory
/// outcome:                        # required
///   column: death_5y              #   required
///   positive: "1"                 #   default "1": the positive class, compared as text (binary only)
///   type: binary                  #   default binary; binary | continuous
/// groups:                         # required: ≥ 1 attribute; intersectional groups follow this order
///   - sex                         #   categorical: values used as they appear
///   - column: age                 #   numeric, binned at the cut points
///     cuts: [60]                  #   → "<60", "60+"; [50, 70] → "<50", "[50,70)", "70+"
///     name: age_group             #   optional display name (default: the column name)
/// features:                       # optional
///   include: [a, b]               #   default: every column not outcome, group or excluded
///   exclude: [c]                  #   default []
///   categorical: [d]              #   default []: force categorical typing
///   numeric: [e]                  #   default []: force numeric typing
/// model:                          # optional
///   class: logistic_regression    #   default for binary outcomes; ridge_regression for continuous
///   C: 1.0                        #   logistic_regression: default 1.0, > 0
///   alpha: 1.0                    #   ridge_regression: default 1.0, > 0
/// techniques: [onehot, intersectional, decoupled]  # default all three; non-empty, no duplicates
/// metrics: [error, auc, ece]      # binary default; continuous: [squared_error, absolute_error]
/// split:                          # optional
///   test_fraction: 0.2            #   default 0.2, in (0, 1)
///   seed: 0                       #   default 0, UInt64
/// tests:                          # optional
///   alpha: 0.10                   #   default 0.10, in (0, 0.5)
///   correction: holm              #   default holm; holm | bonferroni | bh | by
///   bootstrap: 2000               #   default 2000; B in 0 … 100000 (0 skips the bootstrap)
///   ece_bins: 10                  #   default 10; 2 … 100
///   seed: 0                       #   default 0; root seed of the bootstrap streams
/// imbalance_repair: none          # default none; none | reweight
/// decoupled:                      # optional
///   min_rows: 20                  #   default 20; smaller or single-class groups use the generic model
/// ```
///
/// ``parse(yaml:source:)`` and ``load(path:)`` are the only YAML entry points; both validate.
/// `Codable` is for embedding the spec in JSON reports and messages; a decoded spec should be
/// checked with ``validate(source:)``.
public struct AuditSpec: Sendable, Codable, Equatable, Hashable {
    /// The spec format major version this build reads and writes.
    public static let currentFormatVersion = 1

    /// The spec format major version (`fairuse`, required); only ``currentFormatVersion`` is accepted.
    public var formatVersion: Int
    /// The audit's name (`name`, required), letters, digits, `.`, `_` and `-` only.
    public var name: String
    /// The default data file (`data`), exactly as written: relative paths are relative to the spec
    /// file's directory (see ``resolvedDataPath(specPath:)``). `nil` when the spec names no data.
    public var dataPath: String?
    /// The outcome (`outcome`, required), binary or continuous.
    public var outcome: OutcomeSpec
    /// The group attributes (`groups`, required, at least one), in the order that defines the
    /// intersectional groups.
    public var groups: [GroupAttributeSpec]
    /// The feature columns and their typing (`features`).
    public var features: FeatureSelection
    /// The model class and hyperparameters (`model`).
    public var model: ModelSpec
    /// The personalization techniques to audit (`techniques`), non-empty, without duplicates.
    public var techniques: [Technique]
    /// The metrics to test (`metrics`), non-empty, without duplicates.
    public var metrics: [Metric]
    /// The train/test split (`split`).
    public var split: SplitSpec
    /// The hypothesis tests (`tests`).
    public var tests: TestSpec
    /// Class-imbalance repair across intersectional groups (`imbalance_repair`).
    public var imbalanceRepair: ImbalanceRepair
    /// Settings of the decoupled technique (`decoupled`).
    public var decoupled: DecoupledSpec

    /// A spec with every default, for code that builds specs (tests, the demo). The model class
    /// and metrics follow the outcome type (ridge regression and squared/absolute error for continuous).
    public init(name: String, outcome: OutcomeSpec, groups: [GroupAttributeSpec]) {
        self.formatVersion = Self.currentFormatVersion
        self.name = name
        self.dataPath = nil
        self.outcome = outcome
        self.groups = groups
        self.features = FeatureSelection()
        self.model = ModelSpec(modelClass: .defaultClass(for: outcome.type))
        self.techniques = Technique.allCases
        self.metrics = Metric.defaults(for: outcome.type)
        self.split = SplitSpec()
        self.tests = TestSpec()
        self.imbalanceRepair = .none
        self.decoupled = DecoupledSpec()
    }

    /// The data path resolved against the directory of the spec file at `specPath`: an absolute
    /// ``dataPath`` is returned as is, a relative one is joined to the spec's directory.
    /// `nil` when the spec names no data.
    public func resolvedDataPath(specPath: String) -> String? {
        guard let dataPath else { return nil }
        if dataPath.hasPrefix("/") { return dataPath }
        guard let slash = specPath.lastIndex(of: "/") else { return dataPath }
        return String(specPath[...slash]) + dataPath
    }
}
