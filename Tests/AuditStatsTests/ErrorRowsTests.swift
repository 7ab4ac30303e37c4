import Testing
@testable import AuditStats

/// Error statistics withheld by a site (`error_rows: 0`, Protocol/disclosure-model.md): pooled
/// over the sites that released them, divided by their rows, NA when no site did.
@Suite("Error statistics withheld at some sites")
struct ErrorRowsTests {
    /// Two groups at sites a, b, c: 40 rows each, labels and predictions on a fixed pattern.
    static func sites() -> [SiteStatistics] {
        ["a", "b", "c"].enumerated().map { s, site in
            var groups: [Int32] = [], labels: [UInt8] = [], generic: [Double] = [], personalized: [Double] = []
            for i in 0..<80 {
                let g = i % 2
                let y: UInt8 = (i * 7 + s) % 5 < 2 ? 1 : 0
                let score = Double((i * 13 + s * 3) % 97) / 100
                groups.append(Int32(g)); labels.append(y); generic.append(score)
                personalized += [min(0.99, score + (y == 1 ? 0.2 : -0.1)), max(0.01, score - 0.05)]
            }
            let predictions = Predictions(keys: ["g=0", "g=1"], sites: Array(repeating: site, count: 80), groups: groups,
                                          labels: labels, generic: generic, personalized: personalized)
            return SiteStatistics.extract(from: predictions, site: site, settings: ExtractionSettings(eceBins: 4, bootstrapReplicates: 0))
        }
    }

    static func withheld(_ group: GroupStatistics) -> GroupStatistics {
        var out = group
        out.wrong = out.wrong.map { _ in 0 }
        out.discordance = out.discordance.map { _ in Discordance(n10: 0, n01: 0) }
        out.errorRows = out.wrong.map { _ in 0 }
        return out
    }

    @Test func pooledAddsOnlyReleasedErrorStatistics() throws {
        var sites = Self.sites()
        let released = try #require(GroupStatistics.pooled([sites[0].groups[0]!, sites[2].groups[0]!]))
        sites[1].groups[0] = Self.withheld(sites[1].groups[0]!)
        let pooled = try #require(GroupStatistics.pooled(sites.map { $0.groups[0]! }))
        #expect(pooled.count == 120 && pooled.errorRows == [80, 80, 80] && pooled.errorRowCount(model: 0) == 80)
        #expect(pooled.wrong == released.wrong && pooled.discordance == released.discordance)
        // Every site released: error_rows stays absent.
        #expect(GroupStatistics.pooled(Self.sites().map { $0.groups[0]! })?.errorRows == nil)
    }

    @Test func errorComparisonUsesTheReleasedRows() throws {
        var sites = Self.sites()
        sites[1].groups[0] = Self.withheld(sites[1].groups[0]!)
        let settings = EvaluationSettings(metrics: [.error])
        let evaluation = FairUseAudit.combine(sites, settings: settings)
        let group = try #require(evaluation.metrics.first?.groups.first)
        let released = try #require(GroupStatistics.pooled([sites[0].groups[0]!, sites[2].groups[0]!]))
        let rationality = try #require(group.rationality)
        #expect(group.count == 120)
        #expect(rationality.gain == Double(released.wrong[0] - released.wrong[1]) / 80)
        #expect(group.personalized == Double(released.wrong[1]) / 80)
        #expect(rationality.caution?.hasPrefix("error statistics withheld by some sites for min_cell: error uses 80 of 120 rows") == true)
        // The site that withheld them has no estimate in the meta-analysis.
        #expect(Heterogeneity.siteEstimate(site: "b", metric: .error, stats: sites[1].groups[0]!, comparator: 0) == nil)
    }

    @Test func errorComparisonIsNAWhenNoSiteReleased() throws {
        var sites = Self.sites()
        for s in sites.indices { sites[s].groups[0] = Self.withheld(sites[s].groups[0]!) }
        let evaluation = FairUseAudit.combine(sites, settings: EvaluationSettings(metrics: [.error]))
        let group = try #require(evaluation.metrics.first?.groups.first)
        let rationality = try #require(group.rationality)
        #expect(group.personalized == nil && group.generic == nil && rationality.gain == nil)
        #expect(rationality.primary.flag == .na)
        #expect(rationality.primary.unavailableReason == MetricEstimates.errorsWithheldReason)
        #expect(group.envy.allSatisfy { $0.primary.flag == .na && $0.n10 == nil })
    }
}
