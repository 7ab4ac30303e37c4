import AuditCore
import AuditStats

/// The audit as Markdown: findings in plain words, the Table-1 summary, one Table-2 per
/// technique and metric, federation participation and heterogeneity, and the notes.
public enum MarkdownReport {
    /// Renders the whole document.
    public static func render(_ document: ReportDocument, alpha: Double, correction: Correction) -> String {
        var out = "# Fair-use audit" + (document.spec.map { ": \($0.name)" } ?? "") + "\n\n"
        out += "Mode: \(document.mode) · \(document.data.testRows) test rows · α = \(NumberFormat.format(alpha, decimals: 2)), \(correction.displayName)"
        if let spec = document.spec, document.mode != "predictions" { out += " · model: \(ModelDescription.line(spec.model))" }
        if let federation = document.federation {
            out += " · audit `\(federation.audit)` (\(federation.state)) · spec SHA-256 `\(federation.specSHA256.prefix(16))…` · root seed \(federation.rootSeed)"
        }
        out += "\n\n" + ReportWording.levelStatement(document, alpha: alpha, correction: correction)
        out += "\n\n## Findings\n\n" + PlainLanguage.findings(document.results, alpha: alpha, correction: correction)
            .split(separator: "\n").dropFirst().map { line in "- " + line.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "– ", with: "") }.joined(separator: "\n") + "\n"
        if let federation = document.federation {
            out += PlainLanguage.participation(federation).map { "- \($0)\n" }.joined()
        }
        out += "\n## Summary (paper Table 1)\n\n"
        var d4 = false
        out += table(["technique", "metric", "personalized", "generic", "gain", "best / worst group gain", "rat G/V", "EF G/V"],
                     document.results.flatMap { section in section.evaluation.metrics.map { m in
                         let s = m.summary
                         let marked = (m.metric == .auc || m.metric == .ece) && ReportWording.d4(technique: section.name, document: document) != nil
                         d4 = d4 || marked
                         return [section.name, m.metric.rawValue, NumberFormat.fixed(s.personalized), NumberFormat.fixed(s.generic),
                                 NumberFormat.signed(s.gain), "\(NumberFormat.signed(s.bestGroup?.gain)) / \(NumberFormat.signed(s.worstGroup?.gain))",
                                 "\(s.rationality.gains)/\(s.rationality.violations)", "\(s.envy.gains)/\(s.envy.violations)" + (marked ? " (D4)" : "")]
                     } })
        out += "\nPersonalized / generic / gain are population values. \(ReportWording.populationGain)\n"
        if d4 { out += "\n(D4): \(ReportWording.d4Short)\n" }
        for section in document.results {
            for metric in section.evaluation.metrics {
                out += groupTable(section: section.name, metric: metric, alpha: alpha, correction: correction)
            }
            if let d4 = ReportWording.d4(technique: section.name, document: document) { out += "\n**\(section.name)**: \(d4)\n" }
            if let explanations = section.explanations { out += ExplanationReport.markdown(section: section.name, explanations) }
            if let heterogeneity = section.heterogeneity, !heterogeneity.isEmpty {
                out += heterogeneityTable(section, heterogeneity, alpha: alpha)
            }
        }
        for section in document.results {
            for block in InterventionTables.blocks(section) {
                out += "\n### " + block.title + "\n\n" + table(block.header, block.rows) + (block.note.map { "\n\($0)\n" } ?? "")
            }
        }
        if let federation = document.federation {
            out += "\n## Sites\n\n"
            out += table(["site", "state", "test rows", "withheld", "detail"], federation.sites.map { s in
                [s.site.rawValue, s.state.rawValue, s.rows?["test"].map(String.init) ?? "—", s.withheld.isEmpty ? "—" : s.withheld.map { ($0["group"] ?? "population") + " (" + ($0["scope"] ?? "") + ")" }.joined(separator: "; "),
                 s.detail ?? ""]
            })
        }
        let notes = ReportWording.allNotes(document)
        if !notes.isEmpty { out += "\n## Notes\n\n" + notes.map { "- \($0)\n" }.joined() }
        return out
    }

    /// Table 2 for one technique and metric: the rationality comparison's cautions in the last
    /// column of its row, the envy-freeness cautions listed under the table by group.
    static func groupTable(section: String, metric: MetricEvaluation, alpha: Double, correction: Correction) -> String {
        let method = correction
        let level = ReportWording.level(metric, alpha: alpha)
        var out = "\n## \(section) · \(metric.metric.rawValue) (primary test: \(ReportWording.testName(metric.primaryTest)))\n\n"
        out += table(["group", "n", "pos", "h_g", "h0", "gain", ReportWording.ciHeader(level), ReportWording.pHeader("viol.", adjustedBy: correction),
                      ReportWording.pHeader("gain", adjustedBy: correction), "flag", "caution"],
                     metric.groups.map { g in
                         [g.key, String(g.count), metric.metric.isRegression ? "—" : String(g.positives), NumberFormat.fixed(g.personalized), NumberFormat.fixed(g.generic),
                          NumberFormat.signed(g.rationality?.gain), ReportWording.intervalText(g.rationality),
                          NumberFormat.pValue(g.rationality?.primary.violation.adjusted(method)),
                          NumberFormat.pValue(g.rationality?.primary.gain.adjusted(method)), g.rationality?.primary.flag.rawValue ?? "—",
                          Cautions.rationalityText(g)]
                     })
        if metric.groups.contains(where: { $0.rationality.flatMap(ReportWording.shownInterval)?.fromBootstrap == true }) {
            out += "\n\\\(ReportWording.bootstrapStandIn).\n"   // a literal asterisk, not a list item
        }
        let envy = metric.groups.flatMap { g in Cautions.envy(g, label: { $0 }).map { "- \(g.key), \($0.scope): \($0.text)\n" } }
        if !envy.isEmpty { out += "\nEnvy-freeness cautions:\n\n" + envy.joined() }
        return out
    }

    /// The cross-site meta-analysis of the rationality gains, every interval at the metric's level.
    static func heterogeneityTable(_ section: ReportDocument.TechniqueSection, _ entries: [HeterogeneityEntry], alpha: Double) -> String {
        let rows = entries.filter { $0.reportedAs == nil }
        let levels = Set(rows.map { ReportWording.level($0.metric, in: section, alpha: alpha) })
        let pct = levels.count == 1 ? ReportWording.percent(levels.first!) + " " : ""
        var out = "\n### \(section.name): heterogeneity across sites (rationality)\n\n"
        out += table(["metric", "group", "sites", "fixed effect [\(pct)CI]", "random effects (DL) [\(pct)CI]", "I²", "τ²", "\(pct)prediction interval"],
                     rows.map { h in
                         let level = ReportWording.level(h.metric, in: section, alpha: alpha)
                         func pooled(_ p: MetaAnalysis.Pooled) -> String {
                             let ci = p.interval(level: level)
                             return "\(NumberFormat.signed(p.estimate)) \(ReportWording.interval(ci.lowerBound, ci.upperBound))"
                         }
                         let prediction = h.meta.predictionInterval(level: level)
                         return [h.metric.rawValue, h.group, String(h.meta.estimates.count), pooled(h.meta.fixedEffect),
                                 pooled(h.meta.randomEffects), NumberFormat.fixed(h.meta.iSquared, 2), NumberFormat.fixed(h.meta.tauSquared, 6),
                                 ReportWording.interval(prediction?.lowerBound, prediction?.upperBound)]
                     })
        return out
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        func escape(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        var out = "| " + header.map(escape).joined(separator: " | ") + " |\n"
        out += "|" + header.map { _ in " --- |" }.joined() + "\n"
        for row in rows { out += "| " + row.map(escape).joined(separator: " | ") + " |\n" }
        return out
    }
}
