import AuditCoordinator
import AuditCore
import AuditSpec
import AuditTestSupport
import AuditWire
import Foundation
import Testing
@testable import AuditAgent

/// The disclosure attacks of issue 11 item 1 against a real federation (loopback mutual TLS, a
/// real agent with its state folder): the two-spec differencing attack, a rare group level, and
/// local paths in refusals. Every expectation is computed from the test's own CSV.
@Suite("Disclosure across audits", .serialized)
struct CrossAuditFederationTests {
    static let minCell = 5

    /// Audit 1 groups by sex × age and withholds (F, <65); audit 2 groups by sex alone. Without
    /// the register, audit 2's F minus audit 1's (F, 65+) — and total₂ − total₁ — gave the
    /// withheld group's rows and deaths. Now no number either audit released depends on a row of
    /// (F, <65), so nothing can recover it, and audit 2 says why it withheld F.
    @Test func theTwoSpecDifferencingAttackRecoversNothing() async throws {
        try await FederationHarness.withFederation { federation in
            let site = CrossAuditSite.make()
            let csv = federation.root + "/north-data/data.csv"
            try site.write(to: csv)
            try await federation.addSite("north")
            let configuration = try federation.agentConfiguration(site: "north", dataPath: csv, minCell: Self.minCell)
            let sexAndAge = CrossAuditSite.spec("by-sex-and-age", groups: [GroupAttributeSpec(column: "sex"),
                                                                           GroupAttributeSpec(column: "age", cuts: [65])])
            let sexOnly = CrossAuditSite.spec("by-sex", groups: [GroupAttributeSpec(column: "sex")])
            let (first, second) = try await federation.withAgents([configuration]) {
                (try await federation.runAudit(sexAndAge, sites: ["north"]), try await federation.runAudit(sexOnly, sites: ["north"]))
            }
            let one = try #require(try await CoordinatorRecords.results(federation, audit: first.launched.id).first)
            let two = try #require(try await CoordinatorRecords.results(federation, audit: second.launched.id).first)

            // The oracle: the withheld cell from the file, and the file's rows of each released key.
            let withheld = site.rows.filter { $0.sex == "F" && $0.age < 65 }
            #expect(withheld.count == 12 && withheld.filter { $0.death == 1 }.count == 3)
            func rows(of key: String) -> [CrossAuditSite.Row] {
                site.rows.filter { row in
                    key.split(separator: ";").allSatisfy { part in
                        switch part {
                        case "sex=F": row.sex == "F"
                        case "sex=M": row.sex == "M"
                        case "age=<65": row.age < 65
                        case "age=65+": row.age >= 65
                        default: false
                        }
                    }
                }
            }
            for (audit, result) in [(1, one), (2, two)] {
                let statistics = try #require(result.techniques.first?.statistics)
                let released = statistics.groups.compactMap { $0?.key }
                // No released group holds a row of (F, <65) …
                for key in released {
                    #expect(!rows(of: key).contains { $0.sex == "F" && $0.age < 65 }, "audit \(audit) released \(key)")
                }
                // … and the totals and the population are exactly the released groups' rows, so
                // none of them depends on a withheld row either.
                #expect(result.rowCounts.total == released.reduce(0) { $0 + rows(of: $1).count }, "audit \(audit) total")
                #expect(statistics.population.count == statistics.groups.compactMap { $0?.count }.reduce(0, +))
                #expect(statistics.population.positives == statistics.groups.compactMap { $0?.positives }.reduce(0, +))
            }
            // The attack's own arithmetic recovers nothing.
            #expect(abs(two.rowCounts.total - one.rowCounts.total) != withheld.count)
            #expect(two.techniques[0].statistics.groups.compactMap { $0 }.allSatisfy { $0.key != "sex=F" })
            // Audit 1 withheld the small cell itself; audit 2 withheld F and says which audit it combines with.
            #expect(one.suppressed.contains { $0.group == "sex=F;age=<65" && $0.scope == "group" })
            let finding = try #require(two.suppressed.first { $0.rule == SuppressionRule.earlierRelease.rawValue })
            #expect(finding.group == "sex=F" && finding.scope == "group")
            #expect(finding.reason.contains("earlier releases") && finding.reason.contains("min_cell (\(Self.minCell))"))
            #expect(second.report.contains("groups withheld by sites because, with their earlier releases, they would reveal a cell "
                                           + "under min_cell: north: sex=F"))
            // Every integer cell that left is 0 or ≥ min_cell.
            for result in [one, two] { #expect(try SmallCellScan.violations(in: result, minCell: Self.minCell) == []) }
            // The register holds both releases, on the same dataset digest, and no path.
            let register = ReleaseRegister(stateDirectory: configuration.stateDirectory)
            let records = try register.releases()
            #expect(records.map(\.audit) == [first.launched.id.rawValue, second.launched.id.rawValue])
            #expect(Set(records.map(\.datasetSHA256)).count == 1)
            #expect(records[1].releasedGroups == ["sex=M"])
            #expect(!(try String(contentsOfFile: register.path, encoding: .utf8)).contains(csv))
        }
    }

    /// Under `policy.cross_audit: refuse` the same second audit is refused, with the reason naming
    /// the first audit and no count.
    @Test func underRefuseTheSecondAuditIsRefused() async throws {
        try await FederationHarness.withFederation { federation in
            let csv = federation.root + "/north-data/data.csv"
            try CrossAuditSite.make().write(to: csv)
            try await federation.addSite("north")
            var configuration = try federation.agentConfiguration(site: "north", dataPath: csv, minCell: Self.minCell)
            configuration.policy.crossAudit = .refuse
            let sexAndAge = CrossAuditSite.spec("by-sex-and-age", groups: [GroupAttributeSpec(column: "sex"),
                                                                           GroupAttributeSpec(column: "age", cuts: [65])])
            let (first, second) = try await federation.withAgents([configuration]) {
                (try await federation.runAudit(sexAndAge, sites: ["north"]),
                 try await Self.launchAndWait(federation, CrossAuditSite.spec("by-sex", groups: [GroupAttributeSpec(column: "sex")]),
                                              sites: ["north"]))
            }
            let task = try #require(second.summary.sites.first)
            #expect(task.state == .refused)
            let detail = task.detail ?? ""
            #expect(detail.contains(RefusalCode.disclosureRisk) && detail.contains(first.launched.id.rawValue))
            #expect(!detail.contains("12") && !detail.contains(csv))
            #expect(try await CoordinatorRecords.results(federation, audit: second.launched.id).isEmpty)
            // Nothing of the refused task is in the register.
            #expect(try ReleaseRegister(stateDirectory: configuration.stateDirectory).releases().count == 1)
        }
    }

    /// One row with a rare language: its level never leaves — not as a key, not in a finding, not
    /// in the report — and the finding names the attribute only.
    @Test func aRareGroupLevelNeverLeaves() async throws {
        let marker = "quenya7q"
        try await FederationHarness.withFederation { federation in
            let csv = federation.root + "/north-data/data.csv"
            try CrossAuditSite.make(rareLanguage: marker).write(to: csv)
            try await federation.addSite("north")
            let configuration = try federation.agentConfiguration(site: "north", dataPath: csv, minCell: Self.minCell)
            var spec = CrossAuditSite.spec("by-language", groups: [GroupAttributeSpec(column: "language")])
            spec.features.exclude = []
            let audit = try await federation.withAgents([configuration]) { try await federation.runAudit(spec, sites: ["north"]) }
            let result = try #require(try await CoordinatorRecords.results(federation, audit: audit.launched.id).first)
            #expect(result.techniques[0].statistics.keys == ["language=english", "language=spanish"])
            #expect(result.suppressed.contains { $0.scope == "group" && $0.group == nil && $0.rule == "below_min_cell" })
            let stored = try await CoordinatorRecords.everything(federation)
            #expect(!stored.contains(marker))
            for format in ["json", "md", "table"] {
                let report = try await federation.withOperator { try await $0.report(audit.launched.id, format: format) }
                #expect(!report.contains(marker), "report (\(format))")
            }
            // The one row is in no count: the total is the file's rows less that one.
            #expect(result.rowCounts.total == 461)
        }
    }

    /// An agent whose data lives under a folder named with a marker: a missing file, a missing
    /// column, a non-binary outcome and a disallowed model each refuse a task, and the marker
    /// (a local path) is in nothing the coordinator stored.
    @Test func noLocalPathLeavesInRefusals() async throws {
        let marker = "PATHMARKER-9Z"
        try await FederationHarness.withFederation { federation in
            let folder = federation.root + "/\(marker)"
            try CrossAuditSite.make().write(to: folder + "/data.csv")
            try await federation.addSite("alpha")
            try await federation.addSite("beta")
            let alpha = try federation.agentConfiguration(site: "alpha", dataPath: folder + "/data.csv", minCell: Self.minCell)
            let beta = try federation.agentConfiguration(site: "beta", dataPath: folder + "/missing.csv", minCell: Self.minCell)
            var badColumn = CrossAuditSite.spec("bad-column", groups: [GroupAttributeSpec(column: "ward")])
            badColumn.features.exclude = []
            var badOutcome = CrossAuditSite.spec("bad-outcome", groups: [GroupAttributeSpec(column: "sex")])
            badOutcome.outcome = OutcomeSpec(column: "x1")
            var badModel = CrossAuditSite.spec("bad-model", groups: [GroupAttributeSpec(column: "sex")])
            badModel.model = ModelSpec(modelClass: .randomForest)
            let good = CrossAuditSite.spec("good", groups: [GroupAttributeSpec(column: "sex")])
            var details: [String] = []
            try await federation.withAgents([alpha, beta]) {
                for spec in [good, badColumn, badOutcome, badModel] {
                    let audit = try await Self.launchAndWait(federation, spec, sites: ["alpha", "beta"], minSites: 1)
                    details += audit.summary.sites.compactMap(\.detail)
                }
            }
            // beta: its file is missing (4 refusals); alpha: the missing column, the outcome, the model.
            #expect(details.count == 7, "\(details)")
            #expect(details.filter { $0.contains("data_invalid: the site's data could not be read") }.count == 3)
            #expect(details.contains { $0.contains("data_invalid") && $0.contains("'ward'") })
            #expect(details.contains { $0.contains("data_invalid") && $0.contains("'x1'") })
            #expect(details.contains { $0.contains("model_not_allowed") })
            let stored = try await CoordinatorRecords.everything(federation)
            #expect(!stored.contains(marker))
            #expect(!stored.contains(federation.root + "/"), "no local folder of the site")
        }
    }

    /// Launches an audit and waits for its end, whether or not it has a report.
    static func launchAndWait(_ federation: FederationHarness, _ spec: AuditSpec, sites: [String],
                              minSites: Int? = nil) async throws -> (launched: AuditSummary, summary: AuditSummary) {
        let request = LaunchAuditRequest(specYAML: spec.yaml(), sites: try sites.map { try SiteID(validating: $0) }, minSites: minSites)
        let launched = try await federation.withOperator { try await $0.launch(request) }
        return (launched, try await federation.waitForEnd(launched.id))
    }
}
