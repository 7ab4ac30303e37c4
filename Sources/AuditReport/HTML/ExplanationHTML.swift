import AuditCore
import AuditModels
import AuditStats

/// BoP-X in the HTML report: per explanation metric a table of each group's explanation costs
/// under h0 and h_g with the gain and its tests, and a scatter of prediction benefit (BoP-P, the
/// error rationality gain) against explanation benefit (BoP-X), so groups where the two point in
/// opposite directions stand out (Cornelis et al., Benefit of Personalization).
enum ExplanationHTML {
    static func section(_ x: LocalExplanations.TechniqueExplanations, method: Correction) -> String {
        var out = "<h3>Explanation benefit (BoP-X) <span class=\"meta\">(\(Markup.escape(x.settings.method.rawValue)) attributions, top \(Markup.escape(NumberFormat.percent(x.settings.fraction))) of features, \(Markup.escape(x.settings.loss.rawValue)) loss)</span></h3>\n"
        for metric in x.metrics {
            out += "<figure>\(scatter(x, metric: metric.metric))<figcaption>Each group's prediction benefit (BoP-P: error rationality gain) against its explanation benefit (BoP-X \(Markup.escape(metric.metric.rawValue)): C(h0) − C(h_g)). Shaded quadrants: the two benefits point in opposite directions; outlined points diverge significantly.</figcaption></figure>\n"
            let rows = metric.groups.map { g -> [String] in
                let d = x.divergence.first { $0.key == g.key && $0.metric == metric.metric }
                var flags: [String] = []
                switch g.test.flag {
                case .gain: flags.append("<span class=\"flag-gain\">explains better</span>")
                case .violation: flags.append("<span class=\"flag-violation\">explains worse</span>")
                case .na: flags.append("n/a")
                case .none: break
                }
                if d?.diverges == true { flags.append("<span class=\"flag-violation\">diverges from BoP-P</span>") }
                return [Markup.escape(PlainLanguage.label(g.key)), Markup.count(g.count), Markup.number(g.personalized, .fixed4),
                        Markup.number(g.generic, .fixed4), Markup.number(g.gain, .signed4),
                        Markup.number(g.test.violation.adjusted(method), .pValue), Markup.number(g.test.gain.adjusted(method), .pValue),
                        d.map { Markup.number($0.predictionGain, .signed4) } ?? "—", flags.isEmpty ? "·" : flags.joined(separator: ", ")]
            }
            out += Markup.table(["group", "n", "C(h_g)", "C(h0)", "BoP-X", ReportWording.pHeader("worse", adjustedBy: method),
                                 ReportWording.pHeader("better", adjustedBy: method), "BoP-P (error)", "flag"],
                                rows, caption: "\(metric.metric.rawValue) (primary test: \(ReportWording.testName(metric.primaryTest)))", textFrom: 8)
        }
        if !x.notes.isEmpty { out += "<ul class=\"meta\">" + x.notes.map { "<li>\(Markup.escape($0))</li>" }.joined() + "</ul>\n" }
        return out
    }

    /// BoP-P (x) against BoP-X (y), one point per group.
    static func scatter(_ x: LocalExplanations.TechniqueExplanations, metric: ExplanationBenefit.Metric) -> String {
        let points = x.divergence.filter { $0.metric == metric }.compactMap { d -> (BenefitDivergence, Double, Double)? in
            guard let p = d.predictionGain, let e = d.explanationGain else { return nil }
            return (d, p, e)
        }
        let width = 520.0, height = 360.0, left = 70.0, right = 500.0, top = 24.0, bottom = 310.0
        let sx = LinearScale(values: points.map(\.1), pixelStart: left, pixelEnd: right, targetTicks: 4)
        let sy = LinearScale(values: points.map(\.2), pixelStart: bottom, pixelEnd: top, targetTicks: 4)
        let c = Markup.coordinate
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" role=\"img\" viewBox=\"0 0 \(c(width)) \(c(height))\" width=\"\(c(width))\" height=\"\(c(height))\">"
        out += "<title>\(Markup.escape("BoP-P against BoP-X (\(metric.rawValue)) per group"))</title>"
        let x0 = sx(0), y0 = sy(0)
        out += "<rect x=\"\(c(left))\" y=\"\(c(top))\" width=\"\(c(x0 - left))\" height=\"\(c(y0 - top))\" class=\"band\"/>"
        out += "<rect x=\"\(c(x0))\" y=\"\(c(y0))\" width=\"\(c(right - x0))\" height=\"\(c(bottom - y0))\" class=\"band\"/>"
        for t in sx.ticks {
            out += "<line x1=\"\(c(sx(t)))\" y1=\"\(c(top))\" x2=\"\(c(sx(t)))\" y2=\"\(c(bottom))\" class=\"\(t == 0 ? "zero" : "grid")\"/>"
            out += "<text x=\"\(c(sx(t)))\" y=\"\(c(bottom + 16))\" class=\"tick\" text-anchor=\"middle\">\(Markup.escape(sx.label(t)))</text>"
        }
        for t in sy.ticks {
            out += "<line x1=\"\(c(left))\" y1=\"\(c(sy(t)))\" x2=\"\(c(right))\" y2=\"\(c(sy(t)))\" class=\"\(t == 0 ? "zero" : "grid")\"/>"
            out += "<text x=\"\(c(left - 6))\" y=\"\(c(sy(t) + 4))\" class=\"tick\" text-anchor=\"end\">\(Markup.escape(sy.label(t)))</text>"
        }
        out += "<text x=\"\(c((left + right) / 2))\" y=\"\(c(bottom + 36))\" class=\"axis-title\" text-anchor=\"middle\">BoP-P: error(h0) − error(h_g)</text>"
        out += "<text x=\"14\" y=\"\(c((top + bottom) / 2))\" class=\"axis-title\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(c((top + bottom) / 2)))\">BoP-X: C(h0) − C(h_g)</text>"
        for (d, p, e) in points {
            let kind = d.diverges ? "violation" : "none"
            out += "<circle cx=\"\(c(sx(p)))\" cy=\"\(c(sy(e)))\" r=\"5\" class=\"dot \(kind)\"><title>\(Markup.escape("\(PlainLanguage.label(d.key)): BoP-P \(NumberFormat.signed(p, 4)), BoP-X \(NumberFormat.signed(e, 4))"))</title></circle>"
            out += "<text x=\"\(c(sx(p) + 7))\" y=\"\(c(sy(e) - 6))\" class=\"tick\">\(Markup.escape(PlainLanguage.label(d.key)))</text>"
        }
        return out + "</svg>"
    }
}
