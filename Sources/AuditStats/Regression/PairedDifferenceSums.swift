/// Sufficient statistics of paired loss differences d_i = ℓ_c,i − ℓ_g,i over a set of rows:
/// n, Σd and Σd². They add across disjoint row sets (sites), so the sums of a federated audit
/// are the sums of the pooled rows (up to the rounding of floating-point addition, which is done
/// in site order), and everything the paired t-test needs (mean, variance) follows from them.
public struct PairedDifferenceSums: Sendable, Codable, Equatable, Hashable {
    /// Rows n.
    public var count: Int
    /// Σ d_i.
    public var sum: Double
    /// Σ d_i².
    public var sumOfSquares: Double

    /// Sums of the given counts (zero by default).
    public init(count: Int = 0, sum: Double = 0, sumOfSquares: Double = 0) {
        self.count = count
        self.sum = sum
        self.sumOfSquares = sumOfSquares
    }

    /// Adds one row's difference.
    @inline(__always)
    public mutating func add(_ d: Double) {
        count += 1
        sum += d
        sumOfSquares += d * d
    }

    /// The sums of two disjoint row sets.
    public static func + (a: PairedDifferenceSums, b: PairedDifferenceSums) -> PairedDifferenceSums {
        PairedDifferenceSums(count: a.count + b.count, sum: a.sum + b.sum, sumOfSquares: a.sumOfSquares + b.sumOfSquares)
    }

    /// The mean difference d̄ = Σd / n; nil when n = 0.
    public var mean: Double? { count > 0 ? sum / Double(count) : nil }
}
