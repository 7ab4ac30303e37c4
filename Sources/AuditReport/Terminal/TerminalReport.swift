import AuditCore
import AuditStats

/// The terminal rendering of an audit: per technique and metric a per-group table like the
/// paper's Table 2, a summary across techniques like its Table 1, and the findings in plain words.
public enum TerminalReport {
    /// Renders the whole document.
    public static func render(_ document: ReportDocument, alpha: Double, correction: Correction, brief: Bool = false) -> String {
        var out = ReportWording.levelStatement(document, alpha: alpha, correction: correction) + "\n\n"
        for section in document.results where !brief {
            for metric in section.evaluation.metrics {
                out += groupTable(section: section.name, metric: metric, alpha: alpha, correction: correction,
                                  d4: ReportWording.d4(technique: section.name, document: document) != nil)
                out += "\n"
            }
            if let d4 = ReportWording.d4(technique: section.name, document: document) { out += "\(section.name): \(d4)\n\n" }
            if let explanations = section.explanations { out += ExplanationReport.terminal(section: section.name, explanations) + "\n" }
        }
        if let spec = document.spec, document.mode != "predictions" { out += "Model: \(ModelDescription.line(spec.model))\n" }
        out += summaryTable(document)
        for section in document.results where !brief {
            for block in InterventionTables.blocks(section) {
                var table = TextTable(header: block.header, alignments: block.header.map { _ in .left })
                for row in block.rows { table.append(row) }
                out += "\n" + block.title + "\n" + table.render(indent: "  ") + (block.note.map { "  \($0)\n" } ?? "")
            }
        }
        if let federation = document.federation {
            var table = TextTable(header: ["site", "state", "test rows", "withheld", "detail"], alignments: [.left, .left, .right, .left, .left])
            for s in federation.sites {
                table.append([s.site.rawValue, s.state.rawValue, s.rows?["test"].map(String.init) ?? "—",
                              s.withheld.isEmpty ? "—" : s.withheld.map { ($0["group"] ?? "population") + " (" + ($0["scope"] ?? "") + ")" }.joined(separator: "; "),
                              s.detail ?? ""])
            }
            out += "\nSites of audit \(federation.audit) (\(federation.state))\n" + table.render(indent: "  ")
            for section in document.results {
                let rows = (section.heterogeneity ?? []).filter { $0.reportedAs == nil }
                guard !rows.isEmpty else { continue }
                let levels = Set(rows.map { ReportWording.level($0.metric, in: section, alpha: alpha) })
                let pct = levels.count == 1 ? ReportWording.percent(levels.first!) + " " : ""
                var h = TextTable(header: ["metric", "group", "sites", "FE [\(pct)CI]", "RE (DL) [\(pct)CI]", "I²", "\(pct)prediction interval"],
                                  alignments: [.left, .left, .right, .right, .right, .right, .left])
                for r in rows {
                    let level = ReportWording.level(r.metric, in: section, alpha: alpha)
                    func pooled(_ p: MetaAnalysis.Pooled) -> String {
                        let ci = p.interval(level: level)
                        return "\(NumberFormat.signed(p.estimate)) \(ReportWording.interval(ci.lowerBound, ci.upperBound))"
                    }
                    let prediction = r.meta.predictionInterval(level: level)
                    h.append([r.metric.rawValue, r.group, String(r.meta.estimates.count), pooled(r.meta.fixedEffect),
                              pooled(r.meta.randomEffects), NumberFormat.fixed(r.meta.iSquared, 2),
                              ReportWording.interval(prediction?.lowerBound, prediction?.upperBound)])
                }
                out += "\nHeterogeneity across sites, \(section.name) rationality gains (Wald intervals; the prediction interval is for a new site)\n" + h.render(indent: "  ")
            }
        }
        out += "\n" + PlainLanguage.findings(document.results, alpha: alpha, correction: correction)
        if let federation = document.federation {
            out += PlainLanguage.participation(federation).map { "  \($0)\n" }.joined()
        }
        let notes = ReportWording.allNotes(document)
        if !notes.isEmpty {
            out += "\nNotes:\n" + notes.map { "  • \($0)\n" }.joined()
        }
        return out
    }

    /// Table 2 of the paper for one technique and metric, with each comparison's cautions and NA
    /// reasons as numbered footnotes under it.
    /// `d4`: envy-freeness flags of AUC and ECE are marked "(D4)" (decision D4 applies).
    static func groupTable(section: String, metric: MetricEvaluation, alpha: Double, correction: Correction, d4: Bool = false) -> String {
        let name = metric.metric.rawValue.uppercased() == "AUC" ? "AUC" : metric.metric.rawValue
        let level = ReportWording.level(metric, alpha: alpha)
        let out = "\(section) · \(name) — primary test: \(ReportWording.testName(metric.primaryTest)); gain > 0 means personalization helps\n"
        let method = correction
        var table = TextTable(header: ["group", "n", "pos", "h_g", "h0", "gain", ReportWording.ciHeader(level),
                                       ReportWording.pHeader("viol.", adjustedBy: correction), ReportWording.pHeader("gain", adjustedBy: correction),
                                       "worst envy gain (as)", "flags"])
        let notes = Cautions.footnotes(metric.groups, label: { $0 })
        var standIn = false
        for g in metric.groups {
            guard let rationality = g.rationality else {
                table.append([g.key, "0", "0", "—", "—", "—", "—", "—", "—", "—", "not in test split"])
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
            if d4 && (metric.metric == .auc || metric.metric == .ece) && envyViolations + envyGains > 0 { flags[flags.count - 1] += " (D4)" }
            if let marker = notes.markers[g.key] { flags.append(marker) }
            standIn = standIn || ReportWording.shownInterval(rationality)?.fromBootstrap == true
            table.append([
                g.key, String(g.count), metric.metric.isRegression ? "—" : String(g.positives),
                NumberFormat.fixed(g.personalized), NumberFormat.fixed(g.generic), NumberFormat.signed(rationality.gain),
                ReportWording.intervalText(rationality),
                NumberFormat.pValue(rationality.primary.violation.adjusted(method)), NumberFormat.pValue(rationality.primary.gain.adjusted(method)),
                worstEnvy.map { "\(NumberFormat.signed($0.gain)) (\($0.reportedAs ?? ""))" } ?? "—",
                flags.isEmpty ? "·" : flags.joined(separator: ", "),
            ])
        }
        let footnotes = (standIn ? [ReportWording.bootstrapStandIn] : []) + notes.lines
        return out + table.render(indent: "  ") + footnotes.map { "  \($0)\n" }.joined()
    }

    /// Table 1 of the paper across techniques, with what the population columns compare and the
    /// envy-freeness counts that decision D4 makes uninformative marked "(D4)".
    static func summaryTable(_ document: ReportDocument) -> String {
        // Bootstrap columns only when some metric has a bootstrap (binary audits have none since protocol 2).
        let hasBootstrap = document.results.contains { $0.evaluation.metrics.contains { $0.summary.bootstrapRationality != nil } }
        let columns = hasBootstrap ? 10 : 8
        var table = TextTable(header: Array(["technique", "metric", "personalized", "generic", "gain", "best / worst group gain", "rat G/V", "EF G/V", "boot rat G/V", "boot EF G/V"].prefix(columns)),
                              alignments: Array([.left, .left, .right, .right, .right, .right, .right, .right, .right, .right].prefix(columns)))
        var d4 = false
        for section in document.results {
            let marked = ReportWording.d4(technique: section.name, document: document) != nil
            for metric in section.evaluation.metrics {
                let s = metric.summary
                let mark = marked && (metric.metric == .auc || metric.metric == .ece) ? " (D4)" : ""
                d4 = d4 || !mark.isEmpty
                func gv(_ c: FlagCounts?) -> String { c.map { "\($0.gains)/\($0.violations)" } ?? "—" }
                table.append(Array([
                    section.name, metric.metric.rawValue, NumberFormat.fixed(s.personalized), NumberFormat.fixed(s.generic),
                    NumberFormat.signed(s.gain),
                    "\(NumberFormat.signed(s.bestGroup?.gain)) / \(NumberFormat.signed(s.worstGroup?.gain))",
                    gv(s.rationality), gv(s.envy) + mark, gv(s.bootstrapRationality), gv(s.bootstrapEnvy) + mark,
                ].prefix(columns)))
            }
        }
        var notes = ["personalized / generic / gain: the population. \(ReportWording.populationGain)"]
        if d4 { notes.append("(D4): \(ReportWording.d4Short)") }
        return "Summary (paper Table 1; G/V = significant gains / violations after correction)\n" + table.render(indent: "  ")
            + notes.map { "  \($0)\n" }.joined()
    }
}
