import AuditStats

/// A forest plot of one group × comparison × metric of a federated audit (methods spec §2.7):
/// each site's gain with its Wald interval (square sized by inverse-variance weight), the
/// fixed-effect and DerSimonian–Laird random-effects diamonds, the prediction interval for a new
/// site, and Q, I², τ². Every interval is at the report's stated level (1 − α), so the plot and
/// the tables agree; the interval ends are computed from the JSON's estimates and variances and
/// tagged `data-from="wald"` / `"prediction"` (derived, not JSON values).
enum ForestPlot {
    /// The SVG of one heterogeneity entry at two-sided `level`.
    static func svg(_ entry: HeterogeneityEntry, level: Double) -> String {
        let meta = entry.meta
        let sites = meta.estimates
        // Two plots side by side in the 1132 px column; the value column (11 px) fits "+0.1731 [+0.1352, +0.2109]" in bold.
        let left = 150.0, right = 346.0, width = 556.0, rowHeight = 22.0, top = 40.0
        let rows = Double(sites.count) + 2
        let height = top + rows * rowHeight + 62
        let siteIntervals = sites.map { $0.interval(level: level) }
        let prediction = meta.predictionInterval(level: level)
        var values = siteIntervals.flatMap { [$0.lowerBound, $0.upperBound] }
        for p in [meta.fixedEffect, meta.randomEffects] {
            let ci = p.interval(level: level)
            values += [ci.lowerBound, ci.upperBound]
        }
        values += [prediction?.lowerBound, prediction?.upperBound].compactMap { $0 }
        let x = LinearScale(values: values, pixelStart: left, pixelEnd: right, targetTicks: 3)
        let c = Markup.coordinate
        let comparison = entry.reportedAs.map { "vs reporting as \(PlainLanguage.label($0))" } ?? "vs h0 (rationality)"
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot forest\" role=\"img\" viewBox=\"0 0 \(c(width)) \(c(height))\" width=\"\(c(width))\" height=\"\(c(height))\">"
        out += "<title>\(Markup.escape("forest plot: \(PlainLanguage.label(entry.group)) \(comparison), \(entry.metric.rawValue) gain"))</title>"
        out += "<text x=\"4\" y=\"16\" class=\"axis-title\">\(Markup.escape("\(PlainLanguage.label(entry.group)) \(comparison)"))</text>"
        out += "<text x=\"\(c(right + 12))\" y=\"\(c(top - 8))\" class=\"tick\">gain [\(ReportWording.ciHeader(level))]</text>"
        let bottom = top + rows * rowHeight
        for t in x.ticks {
            out += "<line x1=\"\(c(x(t)))\" y1=\"\(c(top - 4))\" x2=\"\(c(x(t)))\" y2=\"\(c(bottom))\" class=\"\(t == 0 ? "zero" : "grid")\"/>"
            out += "<text x=\"\(c(x(t)))\" y=\"\(c(bottom + 14))\" class=\"tick\" text-anchor=\"middle\">\(Markup.escape(x.label(t)))</text>"
        }
        let totalWeight = sites.reduce(0) { $0 + 1 / $1.variance }
        for (i, s) in sites.enumerated() {
            let y = top + (Double(i) + 0.5) * rowHeight
            let ci = siteIntervals[i]
            out += "<text x=\"\(c(left - 8))\" y=\"\(c(y + 4))\" text-anchor=\"end\" class=\"label\">\(Markup.escape(s.site))</text>"
            out += "<line x1=\"\(c(x(ci.lowerBound)))\" y1=\"\(c(y))\" x2=\"\(c(x(ci.upperBound)))\" y2=\"\(c(y))\" class=\"ci none\"/>"
            let side = 4 + 8 * ((1 / s.variance) / totalWeight).squareRoot()
            out += "<rect x=\"\(c(x(s.value) - side / 2))\" y=\"\(c(y - side / 2))\" width=\"\(c(side))\" height=\"\(c(side))\" class=\"site\"/>"
            out += "<text x=\"\(c(right + 12))\" y=\"\(c(y + 4))\" class=\"value\"><tspan \(Markup.valueAttributes(s.value, .signed4))>\(Markup.escape(NumberFormat.signed(s.value, 4)))</tspan> \(bracket(ci, from: "wald"))</text>"
        }
        let pooled: [(String, MetaAnalysis.Pooled, String)] = [("fixed effect", meta.fixedEffect, "fe"),
                                                                ("random effects (DL)", meta.randomEffects, "re")]
        for (k, (name, p, kind)) in pooled.enumerated() {
            let y = top + (Double(sites.count + k) + 0.5) * rowHeight
            let ci = p.interval(level: level)
            out += "<text x=\"\(c(left - 8))\" y=\"\(c(y + 4))\" text-anchor=\"end\" class=\"label pooled\">\(name)</text>"
            if kind == "re", let prediction {
                out += "<line x1=\"\(c(x(prediction.lowerBound)))\" y1=\"\(c(y))\" x2=\"\(c(x(prediction.upperBound)))\" y2=\"\(c(y))\" class=\"prediction\"/>"
            }
            let points = [(x(ci.lowerBound), y), (x(p.estimate), y - 7), (x(ci.upperBound), y), (x(p.estimate), y + 7)]
            out += "<polygon points=\"\(points.map { "\(c($0.0)),\(c($0.1))" }.joined(separator: " "))\" class=\"diamond \(kind)\"/>"
            out += "<text x=\"\(c(right + 12))\" y=\"\(c(y + 4))\" class=\"value pooled\"><tspan \(Markup.valueAttributes(p.estimate, .signed4))>\(Markup.escape(NumberFormat.signed(p.estimate, 4)))</tspan> \(bracket(ci, from: "wald"))</text>"
        }
        var footer = "<text x=\"4\" y=\"\(c(bottom + 34))\" class=\"tick\">Q = <tspan \(Markup.valueAttributes(meta.q, .fixed2))>\(NumberFormat.fixed(meta.q, 2))</tspan>"
        if let p = meta.qPValue { footer += " (p = <tspan \(Markup.valueAttributes(p, .pValue))>\(Markup.escape(NumberFormat.pValue(p)))</tspan>)" }
        footer += " · I² = <tspan \(Markup.valueAttributes(meta.iSquared, .fixed2))>\(NumberFormat.fixed(meta.iSquared, 2))</tspan>"
        footer += " · τ² = <tspan \(Markup.valueAttributes(meta.tauSquared, .fixed4))>\(NumberFormat.fixed(meta.tauSquared, 4))</tspan></text>"
        out += footer
        if let prediction {
            out += "<text x=\"4\" y=\"\(c(bottom + 52))\" class=\"tick\">\(ReportWording.percent(level)) prediction interval for a new site: \(bracket(prediction, from: "prediction")) (dashed)</text>"
        } else {
            out += "<text x=\"4\" y=\"\(c(bottom + 52))\" class=\"tick\">no prediction interval (fewer than 3 sites)</text>"
        }
        return out + "</svg>"
    }

    /// "[lo, hi]" with both ends tagged as derived numbers.
    static func bracket(_ ci: ClosedRange<Double>, from source: String) -> String {
        "[\(Markup.derived(ci.lowerBound, .signed4, from: source)), \(Markup.derived(ci.upperBound, .signed4, from: source))]"
    }
}
