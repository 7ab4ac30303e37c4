import AuditCore
import AuditStats

/// The per-group table, the envy-freeness cautions and the forest plots of one metric.
extension HTMLReport {
    /// Table 2 of the paper: each group's rationality gain with the primary test's interval at the
    /// stated level, its adjusted p-values (the header names the correction), the worst
    /// envy-freeness gain, the flags, and the D2 caution or NA reason in the same row.
    static func groupTable(_ metric: MetricEvaluation, level: Double, method: Correction) -> String {
        let test = ReportWording.testName(metric.primaryTest)
        let cautioned = metric.groups.contains { !Cautions.rationalityText($0).isEmpty }
        let header = ["group", "n", "positives", "h_g", "h0", "gain", "\(ReportWording.ciHeader(level)) (\(test))",
                      ReportWording.pHeader("viol.", adjustedBy: method), ReportWording.pHeader("gain", adjustedBy: method),
                      "worst envy gain", "flag"] + (cautioned ? ["caution"] : [])
        var out = "<table><caption>Per group (paper Table 2)</caption><thead><tr>"
        out += header.map { "<th scope=\"col\">\(Markup.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        var standIn = false
        for g in metric.groups {
            let r = g.rationality
            let flag = r?.primary.flag ?? .na
            let envyViolations = g.envy.filter { $0.primary.flag == .violation }.count
            let rowClass = flag == .violation || envyViolations > 0 ? " class=\"violation\"" : (flag == .gain ? " class=\"gain\"" : "")
            let shown = r.flatMap(ReportWording.shownInterval)
            standIn = standIn || shown?.fromBootstrap == true
            let worst = g.envy.filter { $0.gain != nil }.min { $0.gain! < $1.gain! }
            var flags: [String] = []
            switch flag {
            case .violation: flags.append("<span class=\"flag-violation\">rationality violation</span>")
            case .gain: flags.append("<span class=\"flag-gain\">rational gain</span>")
            case .na: flags.append(r == nil ? "not in test split" : "n/a")
            case .none: break
            }
            if envyViolations > 0 { flags.append("<span class=\"flag-violation\">envy ×\(envyViolations)</span>") }
            let caution = Cautions.rationalityText(g)
            let cells = [Markup.count(g.count), Markup.count(g.positives), Markup.number(g.personalized, .fixed4),
                         Markup.number(g.generic, .fixed4), Markup.number(r?.gain, .signed4), intervalCell(shown),
                         Markup.number(r?.primary.violation.adjusted(method), .pValue), Markup.number(r?.primary.gain.adjusted(method), .pValue),
                         worst.map { "\(Markup.number($0.gain, .signed4))<br/><span class=\"meta\">as \(Markup.escape(PlainLanguage.label($0.reportedAs ?? "")))</span>" } ?? "—",
                         flags.isEmpty ? "·" : flags.joined(separator: ", ")]
                + (cautioned ? [caution.isEmpty ? "" : "<span class=\"caution\">⚠ \(Markup.escape(caution))</span>"] : [])
            out += "<tr\(rowClass)><th scope=\"row\">\(Markup.escape(PlainLanguage.label(g.key)))</th>"
                + cells.enumerated().map { i, cell in
                    i == 10 ? "<td class=\"caution-cell\">\(cell)</td>" : (i >= 9 ? "<td>\(cell)</td>" : "<td class=\"n\">\(cell)</td>")
                }.joined() + "</tr>"
        }
        out += "</tbody></table>\n"
        if standIn { out += "<p class=\"meta\">\(Markup.escape(ReportWording.bootstrapStandIn)).</p>\n" }
        return out
    }

    /// "[lo, hi]" with both ends tagged, then "*" for a bootstrap stand-in or the test's own estimate.
    static func intervalCell(_ shown: ReportWording.ShownInterval?) -> String {
        guard let shown else { return "—" }
        var text = "[\(Markup.number(shown.lower, .signed4)), \(Markup.number(shown.upper, .signed4))]"
        if shown.fromBootstrap { text += "*" }
        if let estimate = shown.estimate { text += " est. \(Markup.number(estimate, .signed4))" }
        return text
    }

    /// The envy-freeness cautions of a metric, one line per group and text, under the heatmap.
    static func envyCautions(_ metric: MetricEvaluation) -> String {
        if let common = Cautions.common(metric.groups) {
            return "<p class=\"caution\">⚠ Every comparison: \(Markup.escape(common))</p>\n"
        }
        let items = metric.groups.flatMap { g in
            Cautions.envy(g).map { "<li><strong>\(Markup.escape(PlainLanguage.label(g.key)))</strong> \(Markup.escape($0.scope)): \(Markup.escape($0.text))</li>" }
        }
        guard !items.isEmpty else { return "" }
        return "<details class=\"cautions\" open=\"open\"><summary>⚠ Envy-freeness cautions (\(items.count))</summary><ul>" + items.joined() + "</ul></details>\n"
    }

    /// Forest plots of one metric, every interval at the report's stated level.
    static func forest(_ entries: [HeterogeneityEntry], level: Double) -> String {
        let rationality = entries.filter { $0.reportedAs == nil }, envy = entries.filter { $0.reportedAs != nil }
        let pct = ReportWording.percent(level)
        var out = "<h4>Across sites: forest plots (\(pct) Wald intervals, fixed effect, DerSimonian–Laird random effects, \(pct) prediction interval)</h4>\n"
        out += "<div class=\"grid\">" + rationality.map { "<figure>\(ForestPlot.svg($0, level: level))</figure>" }.joined() + "</div>\n"
        if !envy.isEmpty {
            out += "<details><summary>Envy-freeness comparisons across sites (\(envy.count) forest plots)</summary><div class=\"grid\">"
                + envy.map { "<figure>\(ForestPlot.svg($0, level: level))</figure>" }.joined() + "</div></details>\n"
        }
        return out
    }
}
