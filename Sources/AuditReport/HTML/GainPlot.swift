import AuditStats

/// Per metric, one row per group: the rationality gain of h_g over h0 with its bootstrap
/// percentile interval at the audit's level, coloured by the primary test's flag after correction.
/// Gains are positive when personalization helps (methods spec §0), so harm is left of zero.
enum GainPlot {
    /// The SVG of one technique's metric; `level` is 1 − α, for the caption.
    static func svg(_ metric: MetricEvaluation, level: Double) -> String {
        let rows = metric.groups
        let left = 190.0, right = 560.0, width = 660.0, rowHeight = 24.0, top = 34.0
        let height = top + Double(rows.count) * rowHeight + 44
        var values: [Double] = []
        for g in rows {
            if let r = g.rationality {
                values += [r.gain, r.bootstrap?.intervalLower, r.bootstrap?.intervalUpper].compactMap { $0 }
            }
        }
        let x = LinearScale(values: values, pixelStart: left, pixelEnd: right)
        let c = Markup.coordinate
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" role=\"img\" viewBox=\"0 0 \(c(width)) \(c(height))\" width=\"\(c(width))\" height=\"\(c(height))\">"
        out += "<title>\(Markup.escape("\(metric.metric.rawValue): rationality gain per group, \(NumberFormat.format(level * 100, decimals: 0))% bootstrap interval"))</title>"
        out += "<text x=\"\(c(left))\" y=\"16\" class=\"axis-title\">\(Markup.escape(axisTitle(metric.metric)))</text>"
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
            guard let r = g.rationality, let gain = r.gain else {
                out += "<text x=\"\(c(right + 10))\" y=\"\(c(y + 4))\" class=\"value\">n/a</text>"
                continue
            }
            let flag = r.primary.flag
            if let lo = r.bootstrap?.intervalLower, let hi = r.bootstrap?.intervalUpper {
                out += "<line x1=\"\(c(x(lo)))\" y1=\"\(c(y))\" x2=\"\(c(x(hi)))\" y2=\"\(c(y))\" class=\"ci \(flag.rawValue)\"/>"
                for end in [lo, hi] {
                    out += "<line x1=\"\(c(x(end)))\" y1=\"\(c(y - 4))\" x2=\"\(c(x(end)))\" y2=\"\(c(y + 4))\" class=\"ci \(flag.rawValue)\"/>"
                }
            }
            let marker = flag == .violation ? "violation" : (flag == .gain ? "gain" : "none")
            out += "<circle cx=\"\(c(x(gain)))\" cy=\"\(c(y))\" r=\"5\" class=\"dot \(marker)\"><title>\(Markup.escape(tooltip(g, r)))</title></circle>"
            let suffix = flag == .violation ? "▼" : (flag == .gain ? "▲" : "")
            out += "<text x=\"\(c(right + 10))\" y=\"\(c(y + 4))\" class=\"value \(marker)\" \(Markup.valueAttributes(gain, .signed4))>\(Markup.escape(NumberFormat.signed(gain, 4)))</text>"
            if !suffix.isEmpty {
                out += "<text x=\"\(c(right + 70))\" y=\"\(c(y + 4))\" class=\"value \(marker)\">\(suffix)</text>"
            }
        }
        return out + "</svg>"
    }

    static func axisTitle(_ metric: FairnessMetric) -> String {
        switch metric {
        case .error: "error gain = error(h0) − error(h_g)"
        case .auc: "AUC gain = AUC(h_g) − AUC(h0)"
        case .ece: "ECE gain = ECE(h0) − ECE(h_g)"
        case .squaredError: "squared-error gain = MSE(h0) − MSE(h_g)"
        case .absoluteError: "absolute-error gain = MAE(h0) − MAE(h_g)"
        }
    }

    static func tooltip(_ g: GroupEvaluation, _ r: Comparison) -> String {
        var text = "\(PlainLanguage.label(g.key)), n = \(g.count): gain \(NumberFormat.signed(r.gain, 4))"
        if let lo = r.bootstrap?.intervalLower, let hi = r.bootstrap?.intervalUpper {
            text += ", interval [\(NumberFormat.signed(lo, 4)), \(NumberFormat.signed(hi, 4))]"
        }
        return text + ", flag \(r.primary.flag.rawValue)"
    }
}
