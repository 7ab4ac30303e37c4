import AuditCore

/// The hypothesis tests (spec key `tests`, optional). Echoed in every report (methods spec §5).
///
/// ```yaml
/// tests:
///   alpha: 0.10          # default 0.10 (the paper's Table 1 level), in (0, 0.5)
///   correction: holm     # default holm; holm | bonferroni | bh | by
///   bootstrap: 2000      # default 2000; replicates B, 0 (skip the bootstrap) … 100000
///   ece_bins: 10         # default 10; equal-width ECE bins, 2 … 100
///   seed: 0              # default 0; root seed of the bootstrap streams
/// ```
public struct TestSpec: Sendable, Codable, Equatable, Hashable {
    /// The significance level α (`tests.alpha`), in (0, 0.5).
    public var alpha: Double
    /// The multiple-testing correction within each (metric, direction) family (`tests.correction`).
    public var correction: Correction
    /// The number of bootstrap replicates B (`tests.bootstrap`), 0 … 100000; 0 skips the bootstrap,
    /// which is the primary test of ECE gains (methods spec D2).
    public var bootstrapReplicates: Int
    /// The number of equal-width bins of the ECE (`tests.ece_bins`), 2 … 100.
    public var eceBins: Int
    /// The root seed of the bootstrap streams (`tests.seed`); streams are keyed per stratum (methods spec D3).
    public var seed: UInt64

    /// Creates a test spec; defaults α = 0.10, Holm, B = 2000, 10 ECE bins, seed 0.
    public init(alpha: Double = 0.10, correction: Correction = .holm, bootstrapReplicates: Int = 2000,
                eceBins: Int = 10, seed: UInt64 = 0) {
        self.alpha = alpha
        self.correction = correction
        self.bootstrapReplicates = bootstrapReplicates
        self.eceBins = eceBins
        self.seed = seed
    }
}
