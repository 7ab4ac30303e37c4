import AuditCore
import AuditStats
import Testing

/// Leave-one-out outlier flags (`SiteOutliers`), with z computed here from the formula.
@Suite struct SiteOutlierTests {
    static func entry(_ values: [Double], variance: Double = 1e-4) -> HeterogeneityEntry {
        let estimates = values.enumerated().map { MetaAnalysis.Estimate(site: "s\($0.offset)", value: $0.element, variance: variance) }
        return HeterogeneityEntry(metric: .error, group: "sex=F", reportedAs: nil, meta: MetaAnalysis(estimates)!)
    }

    @Test func aSiteFarFromTheOthersIsFlaggedAndOnlyIt() throws {
        let flags = SiteOutliers.flag([Self.entry([0.010, 0.012, 0.011, 0.5])])
        #expect(flags.map(\.site) == ["s3"])
        // Without s3: Q = 10⁴·(10⁻⁶ + 10⁻⁶ + 0) = 0.02 < 2 degrees of freedom, so τ² = 0; μ = 0.011
        // with SE² = 10⁻⁴/3; z = (0.5 − 0.011)/√(10⁻⁴ + 10⁻⁴/3).
        let z = (0.5 - 0.011) / (1e-4 + 1e-4 / 3).squareRoot()
        #expect(abs(try #require(flags.first).z - z) < 1e-9 * z)
    }

    @Test func consistentOrTooFewSitesAreNotFlagged() {
        #expect(SiteOutliers.flag([Self.entry([0.010, 0.012, 0.011, 0.013])]).isEmpty)
        #expect(SiteOutliers.flag([Self.entry([0.010, 0.5])]).isEmpty)
    }
}
