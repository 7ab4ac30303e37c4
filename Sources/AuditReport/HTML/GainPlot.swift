import AuditCore
import AuditStats

/// Per metric, one row per group: the rationality gain of h_g over h0 with the primary test's own
/// interval at the report's level (the bootstrap percentile interval, dashed, where the primary
/// test gives none), coloured by the primary test's flag after correction. Gains are positive
/// when personalization helps (methods spec §0), so harm is left of zero. A comparison with a D2
/// caution or an NA reason carries a "!" whose tooltip says why.
enum GainPlot {
    /// The SVG of one technique's metric; `level` is the stated confidence level, for the title.
    static func svg(_ metric: MetricEvaluation, level: Double) -> String {
        let rows = metric.groups
        let left = 190.0, right = 560.0, width = 680.0, rowHeight = 24.0, top = 34.0
        let height = top + Double(rows.count) * rowHeight + 44
        var values: [Double] = []
        for g in rows {
            if let r = g.rationality {
                let shown = ReportWording.shownInterval(r)
                values += [r.gain, shown?.lower, shown?.upper, shown?.estimate].compactMap { $0 }
            }
        }
        let x = LinearScale(values: values, pixelStart: left, pixelEnd: right)
        let c = Markup.coordinate
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" role=\"img\" viewBox=\"0 0 \(c(width)) \(c(height))\" width=\"\(c(width))\" height=\"\(c(height))\">"
        out += "<title>\(Markup.escape("\(metric.metric.rawValue): rationality gain per group, \(ReportWording.ciHeader(level)) of the \(ReportWording.testName(metric.primaryTest))"))</title>"
        out += "<text x=\"\(c(left))\" y=\"16\" class=\"axis-title\">\(Markup.escape(axisTitle(metric.metric)))</text>"
        out += "<text x=\"\(c(right + 10))\" y=\"16\" class=\"tick\">gain</text>"
        let bottom = top + Double(rows.count) * rowHeight
        for t in x.ticks {
            out += "<line x1=\"\(c(x(t)))\" y1=\"\(c(top - 6))\" x2=\"\(c(x(t)))\" y2=\"\(c(bottom))\" class=\"\(t == 0 ? "zero" : "grid")\"/>"
            out += "<text x=\"\(c(x(t)))\" y=\"\(c(bottom + 16))\" class=\"tick\" text-anchor=\"middle\">\(Markup.escape(x.label(t)))</text>"
        }
        out += "<text x=\"\(c(left))\" y=\"\(c(bottom + 34))\" class=\"tick\">← personalization harms</text>"
        out += "<text x=\"\(c(right))\" y=\"\(c(bottom + 34))\" class=\"tick\" text-anchor=\"end\">personalization helps →</text>"
        for (i, g) in rows.enumerated() {
            let y = top + (Double(i) + 0.5) * rowHeight
            if i % 2 == 1 {
                out += "<rect x=\"0\" y=\"\(c(y - rowHeight / 2))\" width=\"\(c(width))\" height=\"\(c(rowHeight))\" class=\"band\"/>"
            }
            out += "<text x=\"\(c(left - 10))\" y=\"\(c(y + 4))\" text-anchor=\"end\" class=\"label\">\(Markup.escape(PlainLanguage.label(g.key)))</text>"
            let cautions = g.rationality.map(Cautions.texts) ?? []
            let caution = cautions.isEmpty ? "" : "<text x=\"\(c(right + 88))\" y=\"\(c(y + 4))\" class=\"caution-mark\">!<title>\(Markup.escape(cautions.joined(separator: "; ")))</title></text>"
            guard let r = g.rationality, let gain = r.gain else {
                out += "<text x=\"\(c(right + 10))\" y=\"\(c(y + 4))\" class=\"value\">n/a</text>" + caution
                continue
            }
            let flag = r.primary.flag
            if let shown = ReportWording.shownInterval(r) {
                let style = "ci \(flag.rawValue)" + (shown.fromBootstrap ? " stand-in" : "")
                out += "<line x1=\"\(c(x(shown.lower)))\" y1=\"\(c(y))\" x2=\"\(c(x(shown.upper)))\" y2=\"\(c(y))\" class=\"\(style)\"/>"
                for end in [shown.lower, shown.upper] {
                    out += "<line x1=\"\(c(x(end)))\" y1=\"\(c(y - 4))\" x2=\"\(c(x(end)))\" y2=\"\(c(y + 4))\" class=\"\(style)\"/>"
                }
                if let e = shown.estimate {
                    let points = [(x(e), y - 6), (x(e) + 6, y), (x(e), y + 6), (x(e) - 6, y)]
                    out += "<polygon points=\"\(points.map { "\(c($0.0)),\(c($0.1))" }.joined(separator: " "))\" class=\"estimate\"/>"
                }
            }
            let marker = flag == .violation ? "violation" : (flag == .gain ? "gain" : "none")
            out += "<circle cx=\"\(c(x(gain)))\" cy=\"\(c(y))\" r=\"5\" class=\"dot \(marker)\"><title>\(Markup.escape(tooltip(g, r, level: level)))</title></circle>"
            let suffix = flag == .violation ? "▼" : (flag == .gain ? "▲" : "")
            out += "<text x=\"\(c(right + 10))\" y=\"\(c(y + 4))\" class=\"value \(marker)\" \(Markup.valueAttributes(gain, .signed4))>\(Markup.escape(NumberFormat.signed(gain, 4)))</text>"
            if !suffix.isEmpty {
                out += "<text x=\"\(c(right + 70))\" y=\"\(c(y + 4))\" class=\"value \(marker)\">\(suffix)</text>"
            }
            out += caution
        }
        return out + "</svg>"
    }

    /// The caption, naming only what the plot shows: the primary test's interval and level, the
    /// bootstrap stand-ins, the test's own estimates, the cautions.
    static func caption(_ metric: MetricEvaluation, level: Double, alpha: Double, method: Correction) -> String {
        let shown = metric.groups.compactMap { $0.rationality.flatMap(ReportWording.shownInterval) }
        let test = ReportWording.testName(metric.primaryTest)
        var text = "Rationality: each group's gain from its personalized model over the generic model (dot)"
        if shown.contains(where: { !$0.fromBootstrap }) {
            text += ", with the \(ReportWording.percent(level)) \(ReportWording.intervalKind(metric.primaryTest)) of the \(test)"
        }
        if shown.contains(where: \.fromBootstrap) {
            text += shown.allSatisfy(\.fromBootstrap)
                ? ", with the \(ReportWording.percent(level)) paired stratified bootstrap percentile interval (dashed; the \(test) reported no interval)"
                : "; dashed: the \(ReportWording.percent(level)) bootstrap percentile interval where the \(test) reported none"
        }
        if shown.contains(where: { $0.estimate != nil }) { text += "; hollow diamond: the test's own estimate, which its interval surrounds" }
        text += ". Red ▼: significant violation; green ▲: significant gain (\(method.displayName)-adjusted p ≤ α = \(NumberFormat.format(alpha, decimals: 2)))."
        if metric.groups.contains(where: { !($0.rationality.map(Cautions.texts) ?? []).isEmpty }) {
            text += " ! marks a comparison with a caution (hover, or see the table)."
        }
        return text
    }

    static func axisTitle(_ metric: Metric) -> String {
        switch metric {
        case .error: "error gain = error(h0) − error(h_g)"
        case .auc: "AUC gain = AUC(h_g) − AUC(h0)"
        case .ece: "ECE gain = ECE(h0) − ECE(h_g)"
        case .squaredError: "squared-error gain = MSE(h0) − MSE(h_g)"
        case .absoluteError: "absolute-error gain = MAE(h0) − MAE(h_g)"
        }
    }

    static func tooltip(_ g: GroupEvaluation, _ r: Comparison, level: Double) -> String {
        var text = "\(PlainLanguage.label(g.key)), n = \(g.count): gain \(NumberFormat.signed(r.gain, 4))"
        if let shown = ReportWording.shownInterval(r) {
            text += ", \(ReportWording.ciHeader(level))\(shown.fromBootstrap ? " (bootstrap)" : "") \(ReportWording.interval(shown.lower, shown.upper))"
            if let e = shown.estimate { text += " around the test's estimate \(NumberFormat.signed(e, 4))" }
        }
        text += ", flag \(r.primary.flag.rawValue)"
        let cautions = Cautions.texts(r)
        return cautions.isEmpty ? text : text + "; caution: " + cautions.joined(separator: "; ")
    }
}
