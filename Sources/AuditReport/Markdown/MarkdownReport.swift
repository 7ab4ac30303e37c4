import AuditStats

/// The audit as Markdown: findings in plain words, the Table-1 summary, one Table-2 per
/// technique and metric, federation participation and heterogeneity, and the notes.
public enum MarkdownReport {
    /// Renders the whole document.
    public static func render(_ document: ReportDocument, alpha: Double, correction: String) -> String {
        var out = "# Fair-use audit" + (document.spec.map { ": \($0.name)" } ?? "") + "\n\n"
        out += "Mode: \(document.mode) · \(document.data.testRows) test rows · α = \(NumberFormat.format(alpha, decimals: 2)), \(PlainLanguage.correctionName(correction))"
        if let spec = document.spec, document.mode != "predictions" { out += " · model: \(ModelDescription.line(spec.model))" }
        if let federation = document.federation {
            out += " · audit `\(federation.audit)` (\(federation.state)) · spec SHA-256 `\(federation.specSHA256.prefix(16))…` · root seed \(federation.rootSeed)"
        }
        out += "\n\n## Findings\n\n" + PlainLanguage.findings(document.results, alpha: alpha, correction: correction)
            .split(separator: "\n").dropFirst().map { line in "- " + line.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "– ", with: "") }.joined(separator: "\n") + "\n"
        if let federation = document.federation {
            out += PlainLanguage.participation(federation).map { "- \($0)\n" }.joined()
        }
        out += "\n## Summary (paper Table 1)\n\n"
        out += table(["technique", "metric", "personalized", "generic", "gain", "best / worst group gain", "rat G/V", "EF G/V"],
                     document.results.flatMap { section in section.evaluation.metrics.map { m in
                         let s = m.summary
                         return [section.name, m.metric.rawValue, NumberFormat.fixed(s.personalized), NumberFormat.fixed(s.generic),
                                 NumberFormat.signed(s.gain), "\(NumberFormat.signed(s.bestGroup?.gain)) / \(NumberFormat.signed(s.worstGroup?.gain))",
                                 "\(s.rationality.gains)/\(s.rationality.violations)", "\(s.envy.gains)/\(s.envy.violations)"]
                     } })
        for section in document.results {
            for metric in section.evaluation.metrics {
                out += "\n## \(section.name) · \(metric.metric.rawValue) (\(metric.primaryTest))\n\n"
                out += table(["group", "n", "pos", "h_g", "h0", "gain", "p (violation)", "p (gain)", "flag"],
                             metric.groups.map { g in
                                 [g.key, String(g.count), metric.metric.isRegression ? "—" : String(g.positives), NumberFormat.fixed(g.personalized), NumberFormat.fixed(g.generic),
                                  NumberFormat.signed(g.rationality?.gain), NumberFormat.pValue(g.rationality?.primary.violation.raw),
                                  NumberFormat.pValue(g.rationality?.primary.gain.raw), g.rationality?.primary.flag.rawValue ?? "—"]
                             })
            }
            if let explanations = section.explanations { out += ExplanationReport.markdown(section: section.name, explanations) }
            if let heterogeneity = section.heterogeneity, !heterogeneity.isEmpty {
                out += "\n### \(section.name): heterogeneity across sites (rationality)\n\n"
                out += table(["metric", "group", "sites", "fixed effect", "random effects (DL)", "I²", "τ²", "95% prediction interval"],
                             heterogeneity.filter { $0.reportedAs == nil }.map { h in
                                 [h.metric.rawValue, h.group, String(h.meta.estimates.count), NumberFormat.signed(h.meta.fixedEffect.estimate),
                                  NumberFormat.signed(h.meta.randomEffects.estimate), NumberFormat.fixed(h.meta.iSquared, 2),
                                  NumberFormat.fixed(h.meta.tauSquared, 6),
                                  h.meta.predictionLower.map { "[\(NumberFormat.signed($0)), \(NumberFormat.signed(h.meta.predictionUpper))]" } ?? "—"]
                             })
            }
        }
        for section in document.results {
            for block in InterventionTables.blocks(section) {
                out += "\n### " + block.title + "\n\n" + table(block.header, block.rows)
            }
        }
        if let federation = document.federation {
            out += "\n## Sites\n\n"
            out += table(["site", "state", "test rows", "withheld", "detail"], federation.sites.map { s in
                [s.site, s.state, s.rows?["test"].map(String.init) ?? "—", s.withheld.isEmpty ? "—" : s.withheld.map { ($0["group"] ?? "population") + " (" + ($0["scope"] ?? "") + ")" }.joined(separator: "; "),
                 s.detail ?? ""]
            })
        }
        let notes = document.notes + document.results.flatMap { s in s.notes.map { "\(s.name): \($0)" } }
        if !notes.isEmpty { out += "\n## Notes\n\n" + notes.map { "- \($0)\n" }.joined() }
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
