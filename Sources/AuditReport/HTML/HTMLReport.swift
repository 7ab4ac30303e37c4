import AuditCore
import AuditSpec
import AuditStats

/// The audit as one self-contained HTML file (no external assets; inline SVG; prints well):
/// the verdict and findings in plain words, the Table-1 summary across techniques, per technique
/// and metric a gain plot, an envy-freeness heatmap and the per-group table, forest plots of
/// federated audits, who took part and what was withheld, and everything needed to reproduce it.
///
/// Rendering is a pure function of the document: the same document gives the same bytes.
public enum HTMLReport {
    /// Renders the whole document; `alpha` and `correction` are the audit's test settings.
    public static func render(_ document: ReportDocument, alpha: Double, correction: Correction) -> String {
        let method = correction
        let title = "Fair-use audit" + (document.spec.map { ": \($0.name)" } ?? "")
        var body = header(document, title: title, alpha: alpha, correction: correction)
        body += navigation(document)
        body += findings(document, alpha: alpha, correction: correction)
        body += summary(document)
        for (index, section) in document.results.enumerated() {
            body += techniqueSection(section, index: index, alpha: alpha, method: method,
                                     d4: ReportWording.d4(technique: section.name, document: document))
        }
        if let federation = document.federation { body += sites(federation) }
        body += reproducibility(document, alpha: alpha, correction: correction)
        body += notes(document)
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="generator" content="fairuse \(Markup.escape(document.software.version))"/>
        <title>\(Markup.escape(title))</title><style>\(HTMLStyle.css)</style></head>
        <body>
        \(body)</body></html>

        """
    }

    static func header(_ document: ReportDocument, title: String, alpha: Double, correction: Correction) -> String {
        var meta = "\(Markup.escape(modeName(document.mode))) · \(Markup.count(document.data.testRows)) test rows"
        if let groups = document.results.first?.evaluation.keys.count { meta += " · \(Markup.count(groups)) groups" }
        meta += " · α = \(Markup.number(alpha, .fixed2)), \(Markup.escape(correction.displayName)) correction"
        if let f = document.federation {
            meta += " · audit <code>\(Markup.escape(f.audit.rawValue))</code> (\(Markup.escape(f.state.rawValue)))"
        }
        return "<header><h1>\(Markup.escape(title))</h1><p class=\"meta\">\(meta)</p>"
            + "<p class=\"meta\" id=\"level\">\(Markup.escape(ReportWording.levelStatement(document, alpha: alpha, correction: correction)))</p></header>\n"
    }

    static func modeName(_ mode: String) -> String {
        switch mode {
        case "train": "single site, models fitted on a stratified split"
        case "predictions": "single site, audit of a predictions file"
        case "federated": "federated audit across sites (pooled statistics)"
        default: mode
        }
    }

    static func navigation(_ document: ReportDocument) -> String {
        var links = [("findings", "Findings"), ("summary", "Summary")]
        links += document.results.enumerated().map { ("technique-\($0.offset)", $0.element.name) }
        if document.federation != nil { links.append(("sites", "Sites")) }
        links += [("reproduce", "Reproduce"), ("notes", "Notes")]
        return "<nav>" + links.map { "<a href=\"#\($0.0)\">\(Markup.escape($0.1))</a>" }.joined() + "</nav>\n"
    }

    static func findings(_ document: ReportDocument, alpha: Double, correction: Correction) -> String {
        var out = "<section id=\"findings\"><h2>Findings</h2>\n"
        for section in document.results {
            let gains = section.evaluation.metrics.map { m in
                "\(m.metric.rawValue) \(m.groups.filter { $0.rationality?.primary.flag == .gain }.count)"
            }.joined(separator: ", ")
            let gainLine = "<p class=\"meta\">Groups with a significant gain from their personalized model over the generic one: \(gains).</p>"
            let harmed = PlainLanguage.violations(section, correction: correction)
            let detectable = DetectableHarm.sentence(section, alpha: alpha, correction: correction, named: false)
                .map { "<p class=\"detectable\">\(Markup.escape($0))</p>" } ?? ""
            if harmed.isEmpty {
                out += "<div class=\"verdict ok\">\(Markup.escape(PlainLanguage.noViolation(section.name, alpha: alpha, correction: correction)))\(detectable)\(gainLine)</div>\n"
            } else {
                out += "<div class=\"verdict harm\"><strong>\(Markup.escape(section.name))</strong>: \(harmed.count) significant fair-use violation(s)"
                out += "<ul class=\"findings\">" + harmed.map { "<li>\(Markup.escape($0))</li>" }.joined() + "</ul>\(detectable)\(gainLine)</div>\n"
            }
        }
        if let federation = document.federation {
            let lines = PlainLanguage.participation(federation)
            if !lines.isEmpty {
                out += "<h3>Missing, refused and withheld</h3><ul class=\"findings\">" + lines.map { "<li>\(Markup.escape($0))</li>" }.joined() + "</ul>\n"
            }
        }
        return out + "</section>\n"
    }

    static func summary(_ document: ReportDocument) -> String {
        func gv(_ c: FlagCounts?) -> String {
            guard let c else { return "—" }
            return "\(Markup.count(c.gains)) / \(Markup.count(c.violations))"
        }
        var d4 = false
        let rows = document.results.flatMap { section in
            section.evaluation.metrics.map { m -> [String] in
                let s = m.summary
                let marked = (m.metric == .auc || m.metric == .ece) && ReportWording.d4(technique: section.name, document: document) != nil
                d4 = d4 || marked
                let mark = marked ? " <span class=\"d4-mark\" title=\"decision D4\">(D4)</span>" : ""
                return [Markup.escape(section.name), Markup.escape(m.metric.rawValue), Markup.number(s.personalized, .fixed4),
                        Markup.number(s.generic, .fixed4), Markup.number(s.gain, .signed4),
                        s.bestGroup.map { "\(Markup.escape(PlainLanguage.label($0.key))) \(Markup.number($0.gain, .signed4))" } ?? "—",
                        s.worstGroup.map { "\(Markup.escape(PlainLanguage.label($0.key))) \(Markup.number($0.gain, .signed4))" } ?? "—",
                        gv(s.rationality), gv(s.envy) + mark, gv(s.bootstrapRationality), gv(s.bootstrapEnvy) + mark]
            }
        }
        // Bootstrap columns only when some metric has a bootstrap (binary audits have none since protocol 2).
        let hasBootstrap = document.results.contains { $0.evaluation.metrics.contains { $0.summary.bootstrapRationality != nil } }
        var header = ["technique", "metric", "personalized", "generic", "gain", "best group", "worst group",
                      "rationality G / V", "envy-freeness G / V", "bootstrap rat. G / V", "bootstrap EF G / V"]
        let shown = hasBootstrap ? rows : rows.map { Array($0.prefix(9)) }
        if !hasBootstrap { header = Array(header.prefix(9)) }
        return "<section id=\"summary\"><h2>Summary across techniques (paper Table 1)</h2>\n"
            + Markup.table(header, shown, numericFrom: 2)
            + "<p class=\"meta\">Personalized / generic / gain are population values. \(Markup.escape(ReportWording.populationGain))</p>"
            + "<p class=\"meta\">G / V: significant gains / violations after correction (primary tests: \(Markup.escape(ReportWording.primaryTests(document)))). Gains are positive when personalization helps.</p>"
            + (d4 ? "<p class=\"meta\">(D4): \(Markup.escape(ReportWording.d4Short))</p>" : "") + "</section>\n"
    }

    static func techniqueSection(_ section: ReportDocument.TechniqueSection, index: Int, alpha: Double,
                                 method: Correction, d4: String?) -> String {
        var out = "<section id=\"technique-\(index)\"><h2>\(Markup.escape(section.name))</h2>\n"
        let notes = ReportWording.visibleNotes(section.notes)
        if !notes.isEmpty {
            out += "<ul class=\"meta\">" + notes.map { "<li>\(Markup.escape($0))</li>" }.joined() + "</ul>\n"
        }
        if let d4 { out += "<p class=\"note d4\">\(Markup.escape(d4))</p>\n" }
        for metric in section.evaluation.metrics {
            let level = ReportWording.level(metric, alpha: alpha)
            out += "<h3>\(Markup.escape(metric.metric.rawValue)) <span class=\"meta\">(primary test: \(Markup.escape(ReportWording.testName(metric.primaryTest))), family of \(Markup.count(metric.familySize)) tests)</span></h3>\n"
            out += "<figure>\(GainPlot.svg(metric, level: level))<figcaption>\(Markup.escape(GainPlot.caption(metric, level: level, alpha: alpha, method: method)))</figcaption></figure>\n"
            let d4Here = d4 != nil && (metric.metric == .auc || metric.metric == .ece) ? " Decision D4 applies to this metric (see the note above): these envy-freeness gains are not findings." : ""
            out += "<figure>\(EnvyHeatmap.svg(metric))<figcaption>Envy-freeness: the gain each group (row) gets from reporting truthfully rather than as the column's group, or withholding (first column, the generic model). Red cells: the group would do better with another report; ! marks a comparison with a caution (listed below).\(d4Here)</figcaption></figure>\n"
            out += envyCautions(metric)
            out += groupTable(metric, level: level, method: method)
            if let entries = section.heterogeneity?.filter({ $0.metric == metric.metric }), !entries.isEmpty {
                out += forest(entries, level: level)
            }
        }
        if let explanations = section.explanations { out += ExplanationHTML.section(explanations, method: method) }
        for block in InterventionTables.blocks(section) {   // truthful reporting, interventions, model selection
            out += "<h3>\(Markup.escape(block.title))</h3>\n" + Markup.table(block.header, block.rows.map { $0.map(Markup.escape) }, numericFrom: 99)
            if let note = block.note { out += "<p class=\"meta\">\(Markup.escape(note))</p>\n" }
        }
        return out + "</section>\n"
    }

    static func sites(_ federation: ReportDocument.FederationSection) -> String {
        let rows = federation.sites.map { s -> [String] in
            [Markup.escape(s.site.rawValue), s.state == .submitted ? "submitted" : "<span class=\"flag-violation\">\(Markup.escape(s.state.rawValue))</span>",
             Markup.count(s.rows?["total"]), Markup.count(s.rows?["test"]),
             s.withheld.isEmpty ? "—" : s.withheld.map { w in
                 Markup.escape((w["group"].map(PlainLanguage.label) ?? "population") + ": " + (w["scope"] ?? "") + (w["reason"].map { " (\($0))" } ?? ""))
             }.joined(separator: "<br/>"),
             Markup.escape(s.detail ?? "")]
        }
        return "<section id=\"sites\"><h2>Sites</h2>\n"
            + Markup.table(["site", "state", "rows", "test rows", "withheld or coarsened", "detail"], rows, numericFrom: 2)
            + "</section>\n"
    }

    static func reproducibility(_ document: ReportDocument, alpha: Double, correction: Correction) -> String {
        var rows: [[String]] = [["software", "\(Markup.escape(document.software.name)) \(Markup.escape(document.software.version))"],
                                ["report schema", Markup.escape(document.schema)],
                                ["mode", Markup.escape(document.mode)],
                                ["data", Markup.escape(document.data.path)]]
        if let digest = document.specDigest ?? document.federation?.specSHA256 {
            rows.append(["spec SHA-256", "<code>\(Markup.escape(digest))</code>"])
        }
        if let spec = document.spec {
            rows += [["spec name", Markup.escape(spec.name)],
                     ["techniques", Markup.escape(spec.techniques.map(\.rawValue).joined(separator: ", "))],
                     ["metrics", Markup.escape(spec.metrics.map(\.rawValue).joined(separator: ", "))],
                     ["model", spec.model.modelClass == .logisticRegression
                        ? "\(Markup.escape(spec.model.modelClass.rawValue)), C = \(Markup.number(spec.model.inverseRegularization, .fixed4))"
                        : Markup.escape(ModelDescription.line(spec.model))],
                     ["split", "test fraction \(Markup.number(spec.split.testFraction, .fixed2)), seed \(Markup.escape(String(spec.split.seed)))"],
                     ["bootstrap", "B = \(Markup.count(spec.tests.bootstrapReplicates)), seed \(Markup.escape(String(spec.tests.seed)))"],
                     ["ECE bins", Markup.count(spec.tests.eceBins)],
                     ["imbalance repair", Markup.escape(spec.imbalanceRepair.rawValue)]]
        }
        rows.append(["tests", "α = \(Markup.number(alpha, .fixed2)), \(Markup.escape(correction.displayName))"])
        if let f = document.federation {
            rows.append(["bootstrap root seed", Markup.escape(String(f.rootSeed))])
            rows.append(["audit", "<code>\(Markup.escape(f.audit.rawValue))</code>"])
        }
        var out = "<section id=\"reproduce\"><h2>Reproduce this audit</h2>\n" + Markup.table(["parameter", "value"], rows, numericFrom: 9)
        if let spec = document.spec {
            out += "<details open=\"open\"><summary>Audit spec (canonical YAML)</summary><pre>\(Markup.escape(spec.yaml()))</pre></details>\n"
        }
        return out + "</section>\n"
    }

    static func notes(_ document: ReportDocument) -> String {
        let notes = ReportWording.allNotes(document)
        guard !notes.isEmpty else { return "<section id=\"notes\"><h2>Notes</h2><p>None.</p></section>\n" }
        return "<section id=\"notes\"><h2>Notes</h2><ul>" + notes.map { "<li>\(Markup.escape($0))</li>" }.joined() + "</ul></section>\n"
    }
}
