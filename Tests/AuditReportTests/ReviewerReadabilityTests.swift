import AuditCore
import AuditSpec
import AuditStats
import Foundation
import Testing
@testable import AuditReport

/// The federated fixture with the fields the statistics are about to fill set by hand: every
/// primary test's interval at `level`, a caution on (female, old)'s error rationality and on one
/// of its envy comparisons, an undefined AUC test with its reason, and a test estimate for ECE.
func annotatedDocument(level: Double = 0.9) -> ReportDocument {
    var document = federatedDocument()
    let evaluation = document.results[0].evaluation
    for (m, metric) in evaluation.metrics.enumerated() {
        document.results[0].evaluation.metrics[m].confidenceLevel = level
        for (g, group) in metric.groups.enumerated() {
            func annotate(_ c: inout Comparison) {
                guard let gain = c.gain else { return }
                c.primary.intervalLower = gain - 0.03125
                c.primary.intervalUpper = gain + 0.0625
            }
            annotate(&document.results[0].evaluation.metrics[m].groups[g].rationality!)
            for e in group.envy.indices { annotate(&document.results[0].evaluation.metrics[m].groups[g].envy[e]) }
        }
    }
    func edit(_ metric: Metric, _ group: Int, _ change: (inout GroupEvaluation) -> Void) {
        let m = document.results[0].evaluation.metrics.firstIndex { $0.metric == metric }!
        change(&document.results[0].evaluation.metrics[m].groups[group])
    }
    edit(.error, 0) { g in
        g.rationality?.caution = "few discordant rows (n10 + n01 = 4): rely on the exact test"
        g.envy[2].caution = "only 3 positives: read with care"
    }
    edit(.auc, 2) { g in
        g.rationality?.primary.flag = .na
        g.rationality?.primary.unavailableReason = "one class in the test rows of site-b"
    }
    edit(.ece, 1) { g in
        let gain = g.rationality?.gain ?? 0
        g.rationality?.testEstimate = gain + 0.015625
    }
    return document
}

/// The lines of `text` from the one starting with `start` up to the next blank line.
func block(_ text: String, startingWith start: String) -> [String] {
    let lines = text.components(separatedBy: "\n")
    guard let first = lines.firstIndex(where: { $0.hasPrefix(start) }) else { return [] }
    return Array(lines[first...].prefix { !$0.isEmpty })
}

/// The CSV file `name` as rows of named fields (fields in these fixtures hold no commas or quotes).
func csvRows(_ document: ReportDocument, _ name: String, correction: Correction = .holm) throws -> [[String: String]] {
    let text = try #require(CSVExport.files(document, correction: correction).first { $0.name == name }?.contents)
    let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.map { $0.components(separatedBy: ",") }
    return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) }
}

/// The HTML table row of a group in the per-group table following the heading of `metric`.
func htmlRow(_ html: String, metric: String, group: String) throws -> String {
    let section = try #require(html.components(separatedBy: "<h3>\(metric) <span").dropFirst().first)
    let table = try #require(section.components(separatedBy: "<caption>Per group (paper Table 2)</caption>").dropFirst().first)
    let row = try #require(table.components(separatedBy: "<th scope=\"row\">\(group)</th>").dropFirst().first)
    return row.components(separatedBy: "</tr>")[0]
}

@Suite("Reports a reviewer can read")
struct ReviewerReadabilityTests {
    static let caution = "few discordant rows (n10 + n01 = 4): rely on the exact test"
    static let envyCaution = "only 3 positives: read with care"
    static let reason = "one class in the test rows of site-b"

    @Test func cautionsAndReasonsAppearBesideTheirGroupInEveryRendering() throws {
        let document = annotatedDocument()
        // Terminal: a marker in the group's row, the footnote with every caution right under the table.
        let terminal = block(TerminalReport.render(document, alpha: 0.1, correction: .holm), startingWith: "onehot · error")
        let row = try #require(terminal.first { $0.hasPrefix("  sex=female;age=old ") })
        let marker = try #require(row.range(of: "\\[[0-9]+\\]", options: .regularExpression).map { String(row[$0]) })
        let start = try #require(terminal.firstIndex { $0.hasPrefix("  \(marker) sex=female;age=old — ") })
        let footnote = terminal[start...].prefix { $0 == terminal[start] || $0.hasPrefix("  " + String(repeating: " ", count: marker.count + 1)) }
        #expect(footnote.first?.hasSuffix("rationality: \(Self.caution)") == true)
        #expect(footnote.contains("      envy-freeness vs sex=male;age=young: \(Self.envyCaution)"))
        let auc = block(TerminalReport.render(document, alpha: 0.1, correction: .holm), startingWith: "onehot · AUC")
        #expect(auc.contains { $0.contains("sex=male;age=old — ") && $0.contains("not tested: \(Self.reason)") })

        // Markdown: the caution in the row's last column, envy-freeness cautions listed under the table.
        let markdown = MarkdownReport.render(document, alpha: 0.1, correction: .holm)
        let errorTable = try #require(markdown.components(separatedBy: "## onehot · error").dropFirst().first?.components(separatedBy: "\n## ").first)
        #expect(errorTable.components(separatedBy: "\n").contains { $0.hasPrefix("| sex=female;age=old |") && $0.hasSuffix("| \(Self.caution) |") })
        #expect(errorTable.contains("- sex=female;age=old, envy-freeness vs sex=male;age=young: \(Self.envyCaution)"))
        #expect(markdown.components(separatedBy: "\n").contains { $0.hasPrefix("| sex=male;age=old |") && $0.contains("not tested: \(Self.reason)") })

        // HTML: in the group's table row, in the plots' tooltips, and in the list under the heatmap.
        let html = HTMLReport.render(document, alpha: 0.1, correction: .holm)
        #expect(try htmlRow(html, metric: "error", group: "(female, old)").contains("⚠ \(Markup.escape(Self.caution))"))
        #expect(try htmlRow(html, metric: "auc", group: "(male, old)").contains("not tested: \(Self.reason)"))
        #expect(html.contains("<strong>(female, old)</strong> envy-freeness vs (male, young): \(Self.envyCaution)"))
        #expect(html.contains("class=\"caution-mark\">!<title>\(Markup.escape(Self.caution))</title>"))

        // CSV: columns of the row they qualify.
        let groups = try csvRows(document, "groups.csv")
        let error = try #require(groups.first { $0["metric"] == "error" && $0["group"] == "sex=female;age=old" })
        #expect(error["caution"] == Self.caution)
        let aucRow = try #require(groups.first { $0["metric"] == "auc" && $0["group"] == "sex=male;age=old" })
        #expect(aucRow["unavailable_reason"] == Self.reason)
        let envy = try csvRows(document, "envy.csv")
        #expect(envy.first { $0["metric"] == "error" && $0["group"] == "sex=female;age=old" && $0["reported_as"] == "sex=male;age=young" }?["caution"] == Self.envyCaution)
    }

    @Test(arguments: [(Correction.holm, "Holm"), (.bh, "BH")])
    func pValueHeadersSayRawOrAdjustedAndWhichCorrection(correction: Correction, name: String) throws {
        let document = annotatedDocument()
        let terminal = TerminalReport.render(document, alpha: 0.1, correction: correction)
        let markdown = MarkdownReport.render(document, alpha: 0.1, correction: correction)
        let html = HTMLReport.render(document, alpha: 0.1, correction: correction)
        for text in [terminal, markdown, html] {
            #expect(text.contains("p viol. (\(name)-adj.)") && text.contains("p gain (\(name)-adj.)"))
            #expect(!text.contains("p(viol)") && !text.contains("p (violation)") && !text.contains("adj. p ("))
        }
        #expect(terminal.contains("p viol. (raw)"), "the truthful-reporting table shows raw p-values and says so")
        // The column labelled adjusted holds the adjusted value.
        let method = correction
        let harmed = try #require(document.results[0].evaluation.metrics[0].groups.first { $0.key == "sex=female;age=young" }?.rationality)
        let row = try #require(block(terminal, startingWith: "onehot · error").first { $0.hasPrefix("  sex=female;age=young ") })
        #expect(row.contains(NumberFormat.pValue(harmed.primary.violation.adjusted(method))))
        let groups = try csvRows(document, "groups.csv", correction: correction)
        #expect(groups.allSatisfy { $0["correction"] == correction.rawValue && $0["p_violation_raw"] != nil && $0["p_violation_adjusted"] != nil })

        // Compare outputs name the correction behind their flags and label their p-value columns.
        let comparison = AuditComparison([(label: "a", document: document), (label: "b", document: document)])
        #expect(comparison.text().contains("Holm-adjusted one-sided p ≤ α = 0.10"))
        #expect(comparison.markdown().contains("Holm-adjusted one-sided p ≤ α = 0.10"))
        #expect(comparison.csv().hasPrefix("metric,group,comparator,model,flag,gain,p_violation_adjusted,p_gain_adjusted,correction,caution\r\n"))
        #expect(ComparisonHTML.render([(label: "a", document: document)]).contains("Holm-adjusted one-sided p ≤ α = 0.10"))
    }

    @Test(arguments: [0.9, 0.8])
    func oneStatedConfidenceLevelLabelsEveryInterval(level: Double) throws {
        let document = annotatedDocument(level: level)
        let pct = ReportWording.percent(level)
        let statement = "Intervals are two-sided \(pct)\(level == 0.9 ? " (1 − α)" : "") confidence intervals"
        let terminal = TerminalReport.render(document, alpha: 0.1, correction: .holm)
        let markdown = MarkdownReport.render(document, alpha: 0.1, correction: .holm)
        let html = HTMLReport.render(document, alpha: 0.1, correction: .holm)
        for text in [terminal, markdown, html] {
            #expect(text.components(separatedBy: statement).count == 2, "stated once")
            #expect(text.contains("\(pct) CI"))
            for other in ["95%", level == 0.9 ? "80%" : "90%"] {
                #expect(!text.contains("\(other) CI") && !text.contains("\(other) prediction") && !text.contains("\(other) confidence"))
            }
        }
        #expect(html.contains("gain [\(pct) CI]"), "the forest plots' column is labelled with the level")
        #expect(html.contains("\(pct) prediction interval for a new site"))
        let groups = try csvRows(document, "groups.csv")
        #expect(groups.allSatisfy { $0["confidence_level"].flatMap(Double.init) == level })

        // The forest plots' interval ends are the Wald intervals (and prediction intervals) of the
        // JSON's estimates and variances at this level.
        let decoded = try ReportDocument.decode(try document.jsonData())
        var expected = Set<Double>()
        for entry in decoded.results[0].heterogeneity ?? [] {
            for s in entry.meta.estimates { expected.formUnion([s.interval(level: level).lowerBound, s.interval(level: level).upperBound]) }
            for p in [entry.meta.fixedEffect, entry.meta.randomEffects] { expected.formUnion([p.interval(level: level).lowerBound, p.interval(level: level).upperBound]) }
            if let p = entry.meta.predictionInterval(level: level) { expected.formUnion([p.lowerBound, p.upperBound]) }
        }
        let derived = try derivedNumbers(html)
        #expect(derived.count > 50)
        for number in derived {
            #expect(expected.contains(number.value), "\(number.value) is not an interval end at \(pct)")
            #expect(Markup.escape(try #require(Markup.Format(rawValue: number.format)).text(number.value)) == number.text)
        }
    }

    @Test func primaryIntervalsAndTestEstimatesAreShownAndMatchTheJSON() throws {
        let document = annotatedDocument()
        let html = HTMLReport.render(document, alpha: 0.1, correction: .holm)
        let inJSON = try jsonNumbers(String(decoding: try document.jsonData(), as: UTF8.self))
        let shown = try shownNumbers(html)
        for number in shown {
            #expect(inJSON.contains(number.value), "shown value \(number.value) is not in the JSON")
        }
        let values = Set(shown.map(\.value))
        for metric in document.results[0].evaluation.metrics {
            for g in metric.groups {
                let r = try #require(g.rationality)
                if let lo = r.primary.intervalLower, let hi = r.primary.intervalUpper {
                    #expect(values.contains(lo) && values.contains(hi), "\(metric.metric) \(g.key) interval shown")
                }
                if let e = r.testEstimate { #expect(values.contains(e)) }
            }
        }
        // The gain plot draws the primary intervals (solid), and the test estimate as a diamond.
        #expect(html.contains("class=\"ci violation\"") && html.contains("polygon") && html.contains("class=\"estimate\""))
        #expect(html.contains("exact conditional interval of the exact McNemar test"))
        let terminal = TerminalReport.render(document, alpha: 0.1, correction: .holm)
        #expect(terminal.contains(" est. "))
    }

    @Test func withoutPrimaryIntervalsTheBootstrapStandsInAndSaysSo() throws {
        // A report whose primary tests carry no interval but whose bootstrap does (reports written
        // before the primary intervals existed): the bootstrap interval stands in, marked.
        var document = federatedDocument()
        for s in document.results.indices {
            for m in document.results[s].evaluation.metrics.indices {
                for g in document.results[s].evaluation.metrics[m].groups.indices {
                    func strip(_ c: inout Comparison) {
                        var boot = c.primary
                        boot.intervalLower = (c.gain ?? 0) - 0.01
                        boot.intervalUpper = (c.gain ?? 0) + 0.01
                        c.bootstrap = boot
                        c.primary.intervalLower = nil
                        c.primary.intervalUpper = nil
                    }
                    if var r = document.results[s].evaluation.metrics[m].groups[g].rationality {
                        strip(&r)
                        document.results[s].evaluation.metrics[m].groups[g].rationality = r
                    }
                    for e in document.results[s].evaluation.metrics[m].groups[g].envy.indices {
                        strip(&document.results[s].evaluation.metrics[m].groups[g].envy[e])
                    }
                }
            }
        }
        let html = HTMLReport.render(document, alpha: 0.1, correction: .holm)
        #expect(html.contains("class=\"ci violation stand-in\"") || html.contains("class=\"ci none stand-in\""))
        #expect(html.contains("bootstrap percentile interval"))
        #expect(TerminalReport.render(document, alpha: 0.1, correction: .holm).contains(ReportWording.bootstrapStandIn))
    }

    @Test func noHarmFindingListsEachGroupsMinimumDetectableHarm() throws {
        var document = annotatedDocument()
        for m in document.results[0].evaluation.metrics.indices {
            for g in document.results[0].evaluation.metrics[m].groups.indices {
                document.results[0].evaluation.metrics[m].groups[g].rationality?.primary.flag = .none
                for e in document.results[0].evaluation.metrics[m].groups[g].envy.indices {
                    document.results[0].evaluation.metrics[m].groups[g].envy[e].primary.flag = .none
                }
            }
        }
        let error = document.results[0].evaluation.metrics[0]
        let level = TestabilityPlanner.perTestLevel(alpha: 0.1, family: error.familySize, correction: .holm)
        let items = error.groups.map { g -> String in
            let mdg = McNemarPower.minimumDetectableGain(rows: g.count, discordantFraction: 0.1, alpha: level, power: 0.8)
            return "\(PlainLanguage.label(g.key)) " + (mdg.map { "\(NumberFormat.fixed($0 * 100, 1)) points" } ?? "none detectable (n = \(g.count))")
        }
        #expect(items.contains { $0.hasSuffix(" points") })
        let tail = " is significantly harmed in error; with these group sizes the audit could detect harms of at least: "
            + items.joined(separator: ", ") + " (error-rate points, 80% power"
        for text in [TerminalReport.render(document, alpha: 0.1, correction: .holm), MarkdownReport.render(document, alpha: 0.1, correction: .holm)] {
            #expect(text.contains("onehot: no group" + tail))
        }
        #expect(HTMLReport.render(document, alpha: 0.1, correction: .holm).contains("<p class=\"detectable\">No group" + tail))
        // With a harmed group, the others still get theirs.
        let harmed = PlainLanguage.findings(annotatedDocument().results, alpha: 0.1, correction: .holm)
        #expect(harmed.contains("onehot: no other group is significantly harmed in error; with these group sizes the audit could detect harms of at least: (female, old) "))
        #expect(!harmed.contains("at least: (female, young)") && !harmed.contains(", (female, young) "))
    }

    @Test(arguments: ["federated", "train"])
    func decisionD4IsStatedOncePerTechniqueInEveryRendering(mode: String) {
        var document = federatedDocument()
        document.mode = mode
        document.results[0].notes.append("with onehot encoding every h(·, g′) adds a group offset to the same score, so envy-freeness AUC gains are 0 by construction (decision D4)")
        let d4 = ReportWording.d4(technique: "onehot", auc: true, ece: true)!
        #expect(d4.contains("envy-freeness AUC gain is 0 by construction") && d4.contains("envy-freeness ECE gain is nearly automatic"))
        for text in [TerminalReport.render(document, alpha: 0.1, correction: .holm), MarkdownReport.render(document, alpha: 0.1, correction: .holm),
                     HTMLReport.render(document, alpha: 0.1, correction: .holm)] {
            #expect(text.components(separatedBy: Markup.escape(d4)).count == 2 || text.components(separatedBy: d4).count == 2)
            #expect(!text.contains("adds a group offset to the same score"), "the upstream note is not repeated")
            #expect(text.contains("(D4)"))
        }
        var predictions = document
        predictions.mode = "predictions"
        #expect(!TerminalReport.render(predictions, alpha: 0.1, correction: .holm).contains("(decision D4)"))
    }

    @Test func populationSummaryIsExplainedWhereverItIsShown() {
        let document = annotatedDocument()
        for text in [TerminalReport.render(document, alpha: 0.1, correction: .holm), MarkdownReport.render(document, alpha: 0.1, correction: .holm),
                     HTMLReport.render(document, alpha: 0.1, correction: .holm)] {
            #expect(text.contains(Markup.escape(ReportWording.populationGain)) || text.contains(ReportWording.populationGain))
        }
    }

    @Test func regressionCaptionsNameOnlyItsOwnTests() throws {
        let document = regressionDocument()
        let outputs = [TerminalReport.render(document, alpha: 0.1, correction: .holm), MarkdownReport.render(document, alpha: 0.1, correction: .holm),
                       HTMLReport.render(document, alpha: 0.1, correction: .holm)]
            + CSVExport.files(document, correction: .holm).map(\.contents)
        for text in outputs {
            #expect(!text.contains("McNemar") && !text.contains("DeLong") && !text.contains("mcnemar") && !text.contains("delong"))
        }
        #expect(outputs[2].contains("paired t-test"))
    }

    @Test func testNamesHaveAFallback() {
        #expect(ReportWording.testName("mcnemar_exact") == "exact McNemar test")
        #expect(ReportWording.testName("calibration_gain") == "calibration gain")
        #expect(ReportWording.pHeader("viol.", adjustedBy: .by) == "p viol. (BY-adj.)")
        #expect(ReportWording.pHeader("gain", adjustedBy: nil) == "p gain (raw)")
        #expect(ReportWording.percent(0.975) == "97.5%" && ReportWording.percent(0.9) == "90%")
    }
}

/// Every derived number (an interval at the report's level) shown in the HTML.
func derivedNumbers(_ html: String) throws -> [(value: Double, format: String, text: String)] {
    let pattern = try NSRegularExpression(pattern: "data-v=\"([^\"]*)\" data-f=\"([^\"]*)\" data-from=\"[^\"]*\">([^<]*)<")
    let ns = html as NSString
    return try pattern.matches(in: html, range: NSRange(location: 0, length: ns.length)).map { m in
        let value = try #require(Double(ns.substring(with: m.range(at: 1))))
        return (value, ns.substring(with: m.range(at: 2)), ns.substring(with: m.range(at: 3)))
    }
}
