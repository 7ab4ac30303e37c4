import AuditCore
import AuditModels
import AuditSpec
import AuditStats
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import AuditReport

/// A federated-looking document: 3 sites, 4 groups, seeded random predictions with a harmed group,
/// a bootstrap (for intervals) and the sites' heterogeneity (for forest plots).
func federatedDocument(replicates: Int = 200) -> ReportDocument {
    let keys = ["sex=female;age=old", "sex=female;age=young", "sex=male;age=old", "sex=male;age=young"]
    var rng = Xoshiro256StarStar(seed: 42)
    func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
    var sites: [String] = [], groups: [Int32] = [], labels: [UInt8] = [], generic: [Double] = [], personalized: [Double] = []
    for (s, site) in ["site-a", "site-b", "site-c"].enumerated() {
        for i in 0..<(300 + 60 * s) {
            let g = Int32(i % 4)
            let risk = 0.2 + 0.15 * Double(g) + 0.4 * uniform()
            let y: UInt8 = uniform() < risk ? 1 : 0
            sites.append(site); groups.append(g); labels.append(y)
            let p0 = min(0.99, max(0.01, risk + 0.2 * (uniform() - 0.5)))
            generic.append(p0)
            for r in 0..<4 {
                // Group 1's own model is reversed (a violation); the others sharpen the generic score.
                let own = r == Int(g)
                let p = own && g == 1 ? 1 - p0 : (own ? min(0.99, max(0.01, p0 + (y == 1 ? 0.1 : -0.1))) : p0)
                personalized.append(p)
            }
        }
    }
    let predictions = Predictions(keys: keys, sites: sites, groups: groups, labels: labels, generic: generic, personalized: personalized)
    let extraction = ExtractionSettings(bootstrapReplicates: replicates)
    let statistics = predictions.siteIDs.map { SiteStatistics.extract(from: predictions, site: $0, settings: extraction) }
    let settings = EvaluationSettings(metrics: [.error, .auc, .ece])
    let evaluation = FairUseAudit.combine(statistics, settings: settings)
    let section = ReportDocument.TechniqueSection(name: "onehot", indicatorColumns: nil, model: nil, decoupledModels: nil, fallbacks: nil,
                                                  evaluation: evaluation, notes: ["a note"],
                                                  heterogeneity: Heterogeneity.entries(sites: statistics, settings: settings))
    var spec = AuditSpec(name: "test-audit", outcome: OutcomeSpec(column: "y"), groups: [GroupAttributeSpec(column: "sex"), GroupAttributeSpec(column: "age")])
    spec.tests.bootstrapReplicates = replicates
    let federation = ReportDocument.FederationSection(
        audit: AuditID(rawValue: "aud_testtesttesttesttest")!, state: .partial, specSHA256: String(repeating: "ab", count: 32), rootSeed: 7,
        sites: [.init(site: SiteID(rawValue: "site-a")!, state: .submitted, detail: nil, rows: ["total": 1500, "train": 1200, "test": 300], withheld: []),
                .init(site: SiteID(rawValue: "site-b")!, state: .submitted, detail: nil, rows: ["total": 1800, "train": 1440, "test": 360],
                      withheld: [["scope": "group", "group": "sex=male;age=young", "reason": "a group × label cell is below min_cell (10)"]]),
                .init(site: SiteID(rawValue: "site-c")!, state: .submitted, detail: nil, rows: ["total": 2100, "train": 1680, "test": 420], withheld: []),
                .init(site: SiteID(rawValue: "site-d")!, state: .expired, detail: "no result before the deadline", rows: nil, withheld: [])])
    return ReportDocument(federated: spec, federation: federation, rows: 5400, results: [section], notes: ["pooled over 3 sites"], version: "test")
}

/// Every `data-v` value shown in the HTML, with the format and text it was shown with.
func shownNumbers(_ html: String) throws -> [(value: Double, format: String, text: String)] {
    let pattern = try NSRegularExpression(pattern: "data-v=\"([^\"]*)\" data-f=\"([^\"]*)\">([^<]*)<")
    let ns = html as NSString
    return try pattern.matches(in: html, range: NSRange(location: 0, length: ns.length)).map { m in
        let value = try #require(Double(ns.substring(with: m.range(at: 1))))
        return (value, ns.substring(with: m.range(at: 2)), ns.substring(with: m.range(at: 3)))
    }
}

/// Every number literal in a JSON text, parsed exactly (Foundation's JSONSerialization on Linux
/// can be off by an ulp, Swift's `Double(String)` is correctly rounded).
func jsonNumbers(_ text: String) throws -> Set<Double> {
    let pattern = try NSRegularExpression(pattern: "-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?")
    let ns = text as NSString
    return Set(pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)).compactMap { Double(ns.substring(with: $0.range)) })
}

@Suite("HTML report")
struct HTMLReportTests {
    @Test func renderingIsDeterministic() {
        let a = HTMLReport.render(federatedDocument(), alpha: 0.1, correction: .holm)
        let b = HTMLReport.render(federatedDocument(), alpha: 0.1, correction: .holm)
        #expect(a == b)
        #expect(a.hasPrefix("<!DOCTYPE html>"))
        #expect(!a.contains("http://") || !a.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http://"),
                "no external assets")
        #expect(!a.contains("<script") && !a.contains("<link ") && !a.contains("src=\""))
    }

    @Test func everySVGIsWellFormedXML() throws {
        let html = HTMLReport.render(federatedDocument(), alpha: 0.1, correction: .holm)
        let svgs = html.components(separatedBy: "<svg ").dropFirst().map { "<svg " + $0.components(separatedBy: "</svg>")[0] + "</svg>" }
        // 3 metrics × (gain plot + heatmap) + forest plots of every group × comparison × metric.
        #expect(svgs.count >= 6 + 3 * 4)
        for svg in svgs {
            let parser = XMLParser(data: Data(svg.utf8))
            #expect(parser.parse(), "SVG is not well-formed: \(parser.parserError.map { "\($0)" } ?? "") in \(svg.prefix(200))")
        }
    }

    @Test func everyShownNumberMatchesTheJSON() throws {
        let document = federatedDocument()
        let html = HTMLReport.render(document, alpha: 0.1, correction: .holm)
        let inJSON = try jsonNumbers(String(decoding: try document.jsonData(), as: UTF8.self))
        let shown = try shownNumbers(html)
        #expect(shown.count > 200)
        for number in shown {
            let found = inJSON.contains(number.value)
            #expect(found, "shown value \(number.value) is not in the JSON")
            let format = try #require(Markup.Format(rawValue: number.format))
            #expect(Markup.escape(format.text(number.value)) == number.text, "\(number.value) shown as \(number.text)")
        }
    }

    @Test func showsTheRequiredParts() throws {
        let document = federatedDocument()
        let html = HTMLReport.render(document, alpha: 0.1, correction: .holm)
        for part in ["id=\"findings\"", "id=\"summary\"", "paper Table 1", "rationality gain per group", "envy-freeness gains",
                     "forest plot:", "fixed effect", "random effects (DL)", "Q = ", "I² = ", "τ² = ", "prediction interval",
                     "id=\"sites\"", "site-d did not contribute (expired: no result before the deadline)",
                     "site-b withheld group (male, young)", "spec SHA-256", String(repeating: "ab", count: 32),
                     "bootstrap root seed", "Audit spec (canonical YAML)", "name: test-audit", "fairuse test"] {
            #expect(html.contains(part), "missing: \(part)")
        }
        // The harmed group (female, young) is found and flagged in the plot and the table.
        let error = try #require(document.results[0].evaluation.metrics.first { $0.metric == .error })
        let harmed = try #require(error.groups.first { $0.key == "sex=female;age=young" })
        #expect(harmed.rationality?.primary.flag == .violation)
        #expect(html.contains("(female, young) gets less accurate predictions from its personalized model than from the generic model"))
        #expect(html.contains("class=\"dot violation\""))
        #expect(html.contains("significant-violation"))
    }

    @Test func participationFindingsNameSitesGroupsAndReasons() throws {
        let federation = try #require(federatedDocument(replicates: 0).federation)
        var sites = federation
        sites.sites[0].withheld = [["scope": "ece_bins", "group": "sex=female;age=old", "reason": "calibration bins below min_cell (5) were merged with a neighbour"],
                                   ["scope": "ece_bins", "reason": "calibration bins below min_cell (5) were merged with a neighbour"]]
        #expect(PlainLanguage.participation(sites) == [
            "site-a coarsened ece_bins for (female, old), the population (calibration bins below min_cell (5) were merged with a neighbour).",
            "site-b withheld group (male, young) (a group × label cell is below min_cell (10)): the audit cannot say whether personalization serves (male, young) at that site.",
            "site-d did not contribute (expired: no result before the deadline); the pooled result does not cover its patients.",
        ])
    }

    @Test func localDocumentHasNoFederationParts() {
        let html = HTMLReport.render(figure2Document(), alpha: 0.1, correction: .holm)
        #expect(!html.contains("forest plot:"))
        #expect(!html.contains("id=\"sites\""))
        #expect(html.contains("(female, young)"))
    }

    @Test func heatmapColoursDiverge() {
        #expect(EnvyHeatmap.colour(0, maxAbs: 1) == "#ffffff")
        #expect(EnvyHeatmap.colour(-1, maxAbs: 1) == "#b2182b")
        #expect(EnvyHeatmap.colour(1, maxAbs: 1) == "#2166ac")
    }

    @Test func scaleTicksAreNice() {
        let scale = LinearScale(values: [-0.031, 0.012], pixelStart: 0, pixelEnd: 100)
        #expect(scale.ticks.first! <= -0.031 && scale.ticks.last! >= 0.012)
        #expect(scale.ticks.contains(0))
        #expect(scale(scale.lower) == 0 && scale(scale.upper) == 100)
        #expect(scale.label(0.01) == "+0.01")
    }
}

@Suite("CSV export and comparison")
struct ExportTests {
    @Test func csvTablesCarryTheJSONValues() throws {
        let document = federatedDocument()
        let files = CSVExport.files(document, correction: .holm)
        #expect(files.map(\.name) == ["summary.csv", "groups.csv", "envy.csv", "heterogeneity.csv", "sites.csv"])
        let groups = try #require(files.first { $0.name == "groups.csv" }?.contents)
        let lines = groups.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 1 + 3 * 4)
        let error = document.results[0].evaluation.metrics[0]
        let first = lines[1].components(separatedBy: ",")
        #expect(first[0] == "onehot" && first[1] == "error" && first[2] == error.groups[0].key.replacingOccurrences(of: ",", with: ""))
        #expect(Double(first[7]) == error.groups[0].rationality?.gain)
        #expect(Double(first[11]) == error.groups[0].rationality?.primary.violation.holm)
        #expect(CSVExport.render(["a"], [["x,\"y\""]]) == "a\r\n\"x,\"\"y\"\"\"\r\n")
    }

    @Test func comparisonShowsViolationsThatAppearAndDisappear() {
        let harmed = federatedDocument(replicates: 0)
        let clean = figure2Document()
        var renamed = harmed
        renamed.results[0].name = "decoupled"
        let same = AuditComparison([(label: "a", document: harmed), (label: "b", document: renamed)])
        #expect(same.changes.isEmpty)
        #expect(same.columns.map(\.name) == ["a · onehot", "b · decoupled"])
        #expect(same.columns[0].violations == same.columns[1].violations && same.columns[0].violations > 0)

        // Make the second column's violations disappear.
        var fixed = harmed
        for m in fixed.results[0].evaluation.metrics.indices {
            for g in fixed.results[0].evaluation.metrics[m].groups.indices {
                fixed.results[0].evaluation.metrics[m].groups[g].rationality?.primary.flag = .none
            }
        }
        let changed = AuditComparison([(label: "before", document: harmed), (label: "after", document: fixed)])
        #expect(changed.changes.contains { $0.kind == "disappears" && $0.group == "sex=female;age=young" && $0.comparator == "h0" && $0.metric == "error" })
        #expect(!changed.changes.contains { $0.kind == "appears" })
        #expect(changed.text().contains("violation disappears — error, sex=female;age=young vs h0"))
        _ = clean

        // The HTML page: one Table-1 row per report × technique × metric, the change, the same bytes twice.
        let page = ComparisonHTML.render([(label: "before", document: harmed), (label: "after", document: fixed)])
        #expect(page == ComparisonHTML.render([(label: "before", document: harmed), (label: "after", document: fixed)]))
        #expect(page.components(separatedBy: "<tr><th scope=\"row\">before</th>").count - 1 == 3)
        #expect(page.contains("violation <span class=\"flag-gain\">disappears</span> — error, (female, young) vs h0"))
    }
}
