import AuditStats

/// A forest plot of one group × comparison × metric of a federated audit (methods spec §2.7):
/// each site's gain with its 95% interval (square sized by inverse-variance weight), the
/// fixed-effect and DerSimonian–Laird random-effects diamonds, the 95% prediction interval for a
/// new site, and Q, I², τ².
enum ForestPlot {
    /// The SVG of one heterogeneity entry.
    static func svg(_ entry: HeterogeneityEntry) -> String {
        let meta = entry.meta
        let sites = meta.estimates
        let left = 150.0, right = 420.0, width = 560.0, rowHeight = 22.0, top = 40.0
        let rows = Double(sites.count) + 2
        let height = top + rows * rowHeight + 62
        var values = sites.flatMap { [$0.interval95.lowerBound, $0.interval95.upperBound] }
        values += [meta.fixedEffect.interval95.lowerBound, meta.fixedEffect.interval95.upperBound,
                   meta.randomEffects.interval95.lowerBound, meta.randomEffects.interval95.upperBound]
        values += [meta.predictionLower, meta.predictionUpper].compactMap { $0 }
        let x = LinearScale(values: values, pixelStart: left, pixelEnd: right, targetTicks: 4)
        let c = Markup.coordinate
        let comparison = entry.reportedAs.map { "vs reporting as \(PlainLanguage.label($0))" } ?? "vs h0 (rationality)"
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot forest\" role=\"img\" viewBox=\"0 0 \(c(width)) \(c(height))\" width=\"\(c(width))\" height=\"\(c(height))\">"
        out += "<title>\(Markup.escape("forest plot: \(PlainLanguage.label(entry.group)) \(comparison), \(entry.metric.rawValue) gain"))</title>"
        out += "<text x=\"4\" y=\"16\" class=\"axis-title\">\(Markup.escape("\(PlainLanguage.label(entry.group)) \(comparison)"))</text>"
        out += "<text x=\"\(c(right + 12))\" y=\"\(c(top - 8))\" class=\"tick\">gain [95% CI]</text>"
        let bottom = top + rows * rowHeight
        for t in x.ticks {
            out += "<line x1=\"\(c(x(t)))\" y1=\"\(c(top - 4))\" x2=\"\(c(x(t)))\" y2=\"\(c(bottom))\" class=\"\(t == 0 ? "zero" : "grid")\"/>"
            out += "<text x=\"\(c(x(t)))\" y=\"\(c(bottom + 14))\" class=\"tick\" text-anchor=\"middle\">\(Markup.escape(x.label(t)))</text>"
        }
        let totalWeight = sites.reduce(0) { $0 + 1 / $1.variance }
        for (i, s) in sites.enumerated() {
            let y = top + (Double(i) + 0.5) * rowHeight
            let ci = s.interval95
            out += "<text x=\"\(c(left - 8))\" y=\"\(c(y + 4))\" text-anchor=\"end\" class=\"label\">\(Markup.escape(s.site))</text>"
            out += "<line x1=\"\(c(x(ci.lowerBound)))\" y1=\"\(c(y))\" x2=\"\(c(x(ci.upperBound)))\" y2=\"\(c(y))\" class=\"ci none\"/>"
            let side = 4 + 8 * ((1 / s.variance) / totalWeight).squareRoot()
            out += "<rect x=\"\(c(x(s.value) - side / 2))\" y=\"\(c(y - side / 2))\" width=\"\(c(side))\" height=\"\(c(side))\" class=\"site\"/>"
            out += "<text x=\"\(c(right + 12))\" y=\"\(c(y + 4))\" class=\"value\" \(Markup.valueAttributes(s.value, .signed4))>\(Markup.escape(NumberFormat.signed(s.value, 4)))</text>"
        }
        let pooled: [(String, MetaAnalysis.Pooled, String)] = [("fixed effect", meta.fixedEffect, "fe"),
                                                                ("random effects (DL)", meta.randomEffects, "re")]
        for (k, (name, p, kind)) in pooled.enumerated() {
            let y = top + (Double(sites.count + k) + 0.5) * rowHeight
            let ci = p.interval95
            out += "<text x=\"\(c(left - 8))\" y=\"\(c(y + 4))\" text-anchor=\"end\" class=\"label pooled\">\(name)</text>"
            if kind == "re", let lo = meta.predictionLower, let hi = meta.predictionUpper {
                out += "<line x1=\"\(c(x(lo)))\" y1=\"\(c(y))\" x2=\"\(c(x(hi)))\" y2=\"\(c(y))\" class=\"prediction\"/>"
            }
            let points = [(x(ci.lowerBound), y), (x(p.estimate), y - 7), (x(ci.upperBound), y), (x(p.estimate), y + 7)]
            out += "<polygon points=\"\(points.map { "\(c($0.0)),\(c($0.1))" }.joined(separator: " "))\" class=\"diamond \(kind)\"/>"
            out += "<text x=\"\(c(right + 12))\" y=\"\(c(y + 4))\" class=\"value pooled\" \(Markup.valueAttributes(p.estimate, .signed4))>\(Markup.escape(NumberFormat.signed(p.estimate, 4)))</text>"
        }
        var footer = "<text x=\"4\" y=\"\(c(bottom + 34))\" class=\"tick\">Q = <tspan \(Markup.valueAttributes(meta.q, .fixed2))>\(NumberFormat.fixed(meta.q, 2))</tspan>"
        if let p = meta.qPValue { footer += " (p = <tspan \(Markup.valueAttributes(p, .pValue))>\(Markup.escape(NumberFormat.pValue(p)))</tspan>)" }
        footer += " · I² = <tspan \(Markup.valueAttributes(meta.iSquared, .fixed2))>\(NumberFormat.fixed(meta.iSquared, 2))</tspan>"
        footer += " · τ² = <tspan \(Markup.valueAttributes(meta.tauSquared, .fixed4))>\(NumberFormat.fixed(meta.tauSquared, 4))</tspan></text>"
        out += footer
        if let lo = meta.predictionLower, let hi = meta.predictionUpper {
            out += "<text x=\"4\" y=\"\(c(bottom + 52))\" class=\"tick\">95% prediction interval for a new site: [<tspan \(Markup.valueAttributes(lo, .signed4))>\(NumberFormat.signed(lo, 4))</tspan>, <tspan \(Markup.valueAttributes(hi, .signed4))>\(NumberFormat.signed(hi, 4))</tspan>] (dashed)</text>"
        } else {
            out += "<text x=\"4\" y=\"\(c(bottom + 52))\" class=\"tick\">no prediction interval (fewer than 3 sites)</text>"
        }
        return out + "</svg>"
    }
}
