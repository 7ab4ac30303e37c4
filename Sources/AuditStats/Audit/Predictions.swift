/// Held-out predictions of a generic model h0 and a personalized model h(·, g') for every
/// reported group g', the input of every audit (the predictions-file format of
/// `../shared/reference/README.md`, plus an optional site column).
public struct Predictions: Sendable, Equatable {
    /// Intersectional group keys G, sorted by code point.
    public var keys: [String]
    /// Site of each row ("local" for a single-site audit).
    public var sites: [String]
    /// Index into `keys` of each row's true group.
    public var groups: [Int32]
    /// Labels 0/1.
    public var labels: [UInt8]
    /// P(y = 1) under h0.
    public var generic: [Double]
    /// Row-major n × m: entry [i·m + j] is P(y = 1) under h(x_i, keys[j]).
    public var personalized: [Double]

    /// Creates predictions; rows must already be in canonical order (sorted by row id).
    public init(keys: [String], sites: [String], groups: [Int32], labels: [UInt8], generic: [Double],
                personalized: [Double]) {
        precondition(sites.count == labels.count && groups.count == labels.count
                     && generic.count == labels.count && personalized.count == labels.count * keys.count,
                     "prediction arrays have inconsistent lengths")
        self.keys = keys
        self.sites = sites
        self.groups = groups
        self.labels = labels
        self.generic = generic
        self.personalized = personalized
    }

    /// Number of rows.
    public var count: Int { labels.count }
    /// Number of groups m.
    public var groupCount: Int { keys.count }
    /// Distinct sites, sorted (the order in which sites are pooled).
    public var siteIDs: [String] { Array(Set(sites)).sorted() }
    /// The personalized prediction of row i: its own group's column.
    public func own(_ i: Int) -> Double { personalized[i * keys.count + Int(groups[i])] }
}
