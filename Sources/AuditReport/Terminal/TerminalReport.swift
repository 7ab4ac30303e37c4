import AuditStats

/// The terminal rendering of an audit: per technique and metric a per-group table like the
/// paper's Table 2, a summary across techniques like its Table 1, and the findings in plain words.
public enum TerminalReport {
    /// Renders the whole document.
    public static func render(_ document: ReportDocument, alpha: Double, correction: String, brief: Bool = false) -> String {
        var out = ""
        for section in document.results where !brief {
            for metric in section.evaluation.metrics {
                out += groupTable(section: section.name, metric: metric, alpha: alpha, correction: correction)
                out += "\n"
            }
            if let explanations = section.explanations { out += ExplanationReport.terminal(section: section.name, explanations) + "\n" }
        }
        if let spec = document.spec, document.mode != "predictions" { out += "Model: \(ModelDescription.line(spec.model))\n" }
        out += summaryTable(document.results)
        for section in document.results where !brief {
            for block in InterventionTables.blocks(section) {
                var table = TextTable(header: block.header, alignments: block.header.map { _ in .left })
                for row in block.rows { table.append(row) }
                out += "\n" + block.title + "\n" + table.render(indent: "  ")
            }
        }
        if let federation = document.federation {
            var table = TextTable(header: ["site", "state", "test rows", "withheld", "detail"], alignments: [.left, .left, .right, .left, .left])
            for s in federation.sites {
                table.append([s.site, s.state, s.rows?["test"].map(String.init) ?? "—",
                              s.withheld.isEmpty ? "—" : s.withheld.map { ($0["group"] ?? "population") + " (" + ($0["scope"] ?? "") + ")" }.joined(separator: "; "),
                              s.detail ?? ""])
            }
            out += "\nSites of audit \(federation.audit) (\(federation.state))\n" + table.render(indent: "  ")
            for section in document.results {
                let rows = (section.heterogeneity ?? []).filter { $0.reportedAs == nil }
                guard !rows.isEmpty else { continue }
                var h = TextTable(header: ["metric", "group", "sites", "FE", "RE (DL)", "I²", "prediction interval"],
                                  alignments: [.left, .left, .right, .right, .right, .right, .left])
                for r in rows {
                    h.append([r.metric.rawValue, r.group, String(r.meta.estimates.count), NumberFormat.signed(r.meta.fixedEffect.estimate),
                              NumberFormat.signed(r.meta.randomEffects.estimate), NumberFormat.fixed(r.meta.iSquared, 2),
                              r.meta.predictionLower.map { "[\(NumberFormat.signed($0)), \(NumberFormat.signed(r.meta.predictionUpper))]" } ?? "—"])
                }
                out += "\nHeterogeneity across sites, \(section.name) rationality gains\n" + h.render(indent: "  ")
            }
        }
        out += "\n" + PlainLanguage.findings(document.results, alpha: alpha, correction: correction)
        if let federation = document.federation {
            out += PlainLanguage.participation(federation).map { "  \($0)\n" }.joined()
        }
        let notes = document.notes + document.results.flatMap { s in s.notes.map { "\(s.name): \($0)" } }
            + Array(Set(document.results.flatMap(\.evaluation.notes))).sorted()
        if !notes.isEmpty {
            out += "\nNotes:\n" + notes.map { "  • \($0)\n" }.joined()
        }
        return out
    }

    /// Table 2 of the paper for one technique and metric.
    static func groupTable(section: String, metric: MetricEvaluation, alpha: Double, correction: String) -> String {
        let name = metric.metric.rawValue.uppercased() == "AUC" ? "AUC" : metric.metric.rawValue
        let out = "\(section) · \(name) — primary test \(metric.primaryTest), \(correction) at α = \(NumberFormat.format(alpha, decimals: 2)); gain > 0 means personalization helps\n"
        var table = TextTable(header: ["group", "n", "pos", "h_g", "h0", "gain", "p(viol)", "p(gain)", "worst envy gain (as)", "flags"])
        for g in metric.groups {
            guard let rationality = g.rationality else {
                table.append([g.key, "0", "0", "—", "—", "—", "—", "—", "—", "not in test split"])
                continue
            }
            let worstEnvy = g.envy.filter { $0.gain != nil }.min { $0.gain! < $1.gain! }
            let envyViolations = g.envy.filter { $0.primary.flag == .violation }.count
            let envyGains = g.envy.filter { $0.primary.flag == .gain }.count
            var flags: [String] = []
            switch rationality.primary.flag {
            case .violation: flags.append("RATIONALITY VIOLATION")
            case .gain: flags.append("rational gain")
            case .na: flags.append("rationality n/a")
            case .none: break
            }
            if envyViolations > 0 { flags.append("ENVY ×\(envyViolations)") }
            if envyGains > 0 { flags.append("envy-free gain ×\(envyGains)") }
            table.append([
                g.key, String(g.count), metric.metric.isRegression ? "—" : String(g.positives),
                NumberFormat.fixed(g.personalized), NumberFormat.fixed(g.generic), NumberFormat.signed(rationality.gain),
                NumberFormat.pValue(rationality.primary.violation.raw), NumberFormat.pValue(rationality.primary.gain.raw),
                worstEnvy.map { "\(NumberFormat.signed($0.gain)) (\($0.reportedAs ?? ""))" } ?? "—",
                flags.isEmpty ? "·" : flags.joined(separator: ", "),
            ])
        }
        return out + table.render(indent: "  ")
    }

    /// Table 1 of the paper across techniques.
    static func summaryTable(_ sections: [ReportDocument.TechniqueSection]) -> String {
        var table = TextTable(header: ["technique", "metric", "personalized", "generic", "gain", "best / worst group gain", "rat G/V", "EF G/V", "boot rat G/V", "boot EF G/V"],
                              alignments: [.left, .left, .right, .right, .right, .right, .right, .right, .right, .right])
        for section in sections {
            for metric in section.evaluation.metrics {
                let s = metric.summary
                func gv(_ c: FlagCounts?) -> String { c.map { "\($0.gains)/\($0.violations)" } ?? "—" }
                table.append([
                    section.name, metric.metric.rawValue, NumberFormat.fixed(s.personalized), NumberFormat.fixed(s.generic),
                    NumberFormat.signed(s.gain),
                    "\(NumberFormat.signed(s.bestGroup?.gain)) / \(NumberFormat.signed(s.worstGroup?.gain))",
                    gv(s.rationality), gv(s.envy), gv(s.bootstrapRationality), gv(s.bootstrapEnvy),
                ])
            }
        }
        return "Summary (paper Table 1; G/V = significant gains / violations)\n" + table.render(indent: "  ")
    }
}
