/// Held-out predictions of a continuous outcome: the generic regressor h0 and the personalized
/// regressor h(·, g') for every reported group g' (the regression counterpart of ``Predictions``).
public struct RegressionPredictions: Sendable, Equatable {
    /// Intersectional group keys G, sorted by code point.
    public var keys: [String]
    /// Site of each row ("local" for a single-site audit).
    public var sites: [String]
    /// Index into `keys` of each row's true group.
    public var groups: [Int32]
    /// Observed outcomes y (finite).
    public var outcomes: [Double]
    /// ŷ under h0.
    public var generic: [Double]
    /// Row-major n × m: entry [i·m + j] is ŷ under h(x_i, keys[j]).
    public var personalized: [Double]

    /// Creates predictions; rows must already be in canonical order (sorted by row id).
    public init(keys: [String], sites: [String], groups: [Int32], outcomes: [Double], generic: [Double],
                personalized: [Double]) {
        precondition(sites.count == outcomes.count && groups.count == outcomes.count
                     && generic.count == outcomes.count && personalized.count == outcomes.count * keys.count,
                     "prediction arrays have inconsistent lengths")
        self.keys = keys
        self.sites = sites
        self.groups = groups
        self.outcomes = outcomes
        self.generic = generic
        self.personalized = personalized
    }

    /// Number of rows.
    public var count: Int { outcomes.count }
    /// Number of groups m.
    public var groupCount: Int { keys.count }
    /// Distinct sites, sorted (the order in which sites are pooled).
    public var siteIDs: [String] { Array(Set(sites)).sorted() }
    /// The personalized prediction of row i: its own group's column.
    public func own(_ i: Int) -> Double { personalized[i * keys.count + Int(groups[i])] }
}
