/// The train/test split (spec key `split`, optional). The split is stratified by group × label.
///
/// ```yaml
/// split:
///   test_fraction: 0.2   # default 0.2, in (0, 1)
///   seed: 0              # default 0, an unsigned 64-bit integer
/// ```
public struct SplitSpec: Sendable, Codable, Equatable, Hashable {
    /// The fraction of each stratum held out for testing (`split.test_fraction`), in (0, 1).
    public var testFraction: Double
    /// The seed of the split's random stream (`split.seed`).
    public var seed: UInt64

    /// Creates a split spec; defaults 0.2 and seed 0.
    public init(testFraction: Double = 0.2, seed: UInt64 = 0) {
        self.testFraction = testFraction
        self.seed = seed
    }
}
