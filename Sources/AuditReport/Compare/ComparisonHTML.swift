import AuditStats

/// Several reports side by side as one HTML page: the Table-1 summary across every report,
/// technique and metric (so model classes, techniques or time points line up), the tests that are
/// significant in at least one of them, and the violations that appear or disappear.
public enum ComparisonHTML {
    /// Renders the page for `reports` (label, document); the first is the baseline.
    public static func render(_ reports: [(label: String, document: ReportDocument)]) -> String {
        let comparison = AuditComparison(reports)
        let e = Markup.escape
        var body = "<header><h1>Comparison of \(reports.count) fair-use audit report(s)</h1><p class=\"meta\">baseline: \(e(comparison.columns.first?.name ?? "—"))</p></header>\n"
        var rows: [[String]] = []
        for (label, document) in reports {
            for section in document.results {
                for m in section.evaluation.metrics {
                    let s = m.summary
                    rows.append([e(label), e(document.spec?.model.modelClass.rawValue ?? "—"), e(section.name), e(m.metric.rawValue),
                                 Markup.number(s.personalized, .fixed4), Markup.number(s.generic, .fixed4), Markup.number(s.gain, .signed4),
                                 "\(Markup.count(s.rationality.gains)) / \(Markup.count(s.rationality.violations))",
                                 "\(Markup.count(s.envy.gains)) / \(Markup.count(s.envy.violations))"])
                }
            }
        }
        body += "<section><h2>Summary (paper Table 1) across reports, model classes and techniques</h2>"
            + Markup.table(["report", "model class", "technique", "metric", "personalized", "generic", "gain",
                            "rationality G / V", "envy-freeness G / V"], rows, numericFrom: 4) + "</section>\n"
        let significant = comparison.rows.map { row -> [String] in
            [e(row.metric), e(PlainLanguage.label(row.group)), e(row.comparator == "h0" ? "h0" : PlainLanguage.label(row.comparator))]
                + row.flags.indices.map { index in
                    guard let flag = row.flags[index] else { return "—" }
                    let mark = flag == "violation" ? "<span class=\"flag-violation\">▼</span> " : (flag == "gain" ? "<span class=\"flag-gain\">▲</span> " : "")
                    let caution = index < row.cautions.count ? row.cautions[index] : nil
                    return mark + Markup.number(row.gains[index], .signed4)
                        + (caution.map { " <span class=\"caution\" title=\"\(e($0))\">⚠</span>" } ?? "")
                }
        }
        let cautions = comparison.cautionLines()
        body += "<section><h2>Tests significant in at least one model</h2><p class=\"meta\">Flags: \(e(comparison.settingsText())); ⚠ caution (listed below).</p>"
            + (significant.isEmpty ? "<p>None.</p>" : Markup.table(["metric", "group", "vs"] + comparison.columns.map(\.name), significant, numericFrom: 3))
            + (cautions.isEmpty ? "" : "<ul class=\"caution\">" + cautions.map { "<li>\(e(String($0.dropFirst(2))))</li>" }.joined() + "</ul>")
            + "</section>\n<section><h2>Changes against the baseline</h2>"
        body += comparison.changes.isEmpty ? "<p>No violation appears or disappears.</p>"
            : "<ul>" + comparison.changes.map { c in
                "<li><strong>\(e(c.column))</strong>: violation \(c.kind == "appears" ? "<span class=\"flag-violation\">appears</span>" : "<span class=\"flag-gain\">disappears</span>") — \(e(c.metric)), \(e(PlainLanguage.label(c.group))) vs \(e(c.comparator == "h0" ? "h0" : PlainLanguage.label(c.comparator)))</li>"
            }.joined() + "</ul>"
        body += "</section>\n"
        return HTMLPage.document(title: "fairuse comparison", body: body)
    }
}
