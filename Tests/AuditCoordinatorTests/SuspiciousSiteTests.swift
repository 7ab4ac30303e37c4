import AuditStats
import Testing
@testable import AuditCoordinator

/// A site in bounds but far from the others is named in the report's notes, once, and stays pooled.
@Suite struct SuspiciousSiteTests {
    static func entry(group: String, _ values: [Double]) -> HeterogeneityEntry {
        let estimates = ["alpha", "beta", "gamma", "delta"].enumerated().map {
            MetaAnalysis.Estimate(site: $0.element, value: values[$0.offset], variance: 1e-4)
        }
        return HeterogeneityEntry(metric: .error, group: group, reportedAs: nil, meta: MetaAnalysis(estimates)!)
    }

    @Test func theOutlyingSiteIsNamedOnceWithItsMostExtremeComparison() {
        let notes = AuditCombiner.suspiciousSiteNotes([
            (technique: "onehot", heterogeneity: [Self.entry(group: "sex=F", [0.010, 0.012, 0.011, 0.5]),
                                                  Self.entry(group: "sex=M", [0.010, 0.012, 0.011, 0.2])]),
            (technique: "intersectional", heterogeneity: [Self.entry(group: "sex=F", [0.010, 0.012, 0.011, 0.013])]),
        ])
        // z = (0.5 − 0.011)/√(10⁻⁴ + 10⁻⁴/3) = 42.3 (see SiteOutlierTests for the derivation).
        #expect(notes == ["suspicious site (pooled, not excluded): delta — its error gain of sex=F over h0 (onehot) lies 42.3 "
                          + "standard deviations from what the other sites predict (leave-one-out, threshold 4); check the site's data and agent"])
        #expect(AuditCombiner.suspiciousSiteNotes([(technique: "onehot", heterogeneity: [Self.entry(group: "g", [0.01, 0.012, 0.011, 0.013])])]).isEmpty)
    }
}
