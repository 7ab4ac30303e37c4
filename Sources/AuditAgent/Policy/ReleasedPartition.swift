/// One release as the cross-audit check sees it: every data row's group key under that release's
/// spec, the rows' labels (binary outcomes), and which keys were released. A released key `g`
/// makes known the rows of `g` and their positives; the released keys together make known the
/// total (`row_counts`) and the population row.
///
/// A group's statistics describe its *test* rows, but the stratified split sends round(n_s · f)
/// of every group × label stratum to the test part, so they tell its *whole-data* counts to within
/// rounding; the check therefore treats a released group as releasing its whole-data counts
/// (conservative: the same sets, and some more, are found derivable).
struct ReleasedPartition: Sendable {
    /// How an approver names it: "audit A1 (task T1)".
    var name: String
    /// Each data row's group key under the release's spec (every row of the data source).
    var keys: [String]
    /// Each row's label (1 positive) for a binary outcome; nil for a continuous outcome.
    var labels: [UInt8]?
    /// The keys whose statistics left the site.
    var released: Set<String>
}
