import AuditStats

/// The envy-freeness matrix of one metric: rows are the group's true attributes, columns the
/// group it reports (its own column is its personalized model; the first column is withholding,
/// i.e. the generic model h0), cells the gain of telling the truth. A negative cell means the group
/// would do better reporting as the column's group; significant cells after correction are outlined.
enum EnvyHeatmap {
    /// The SVG for one technique's metric.
    static func svg(_ metric: MetricEvaluation) -> String {
        let keys = metric.groups.map(\.key)
        let m = keys.count
        let cell = 64.0, cellHeight = 30.0, left = 190.0, top = 96.0
        let width = max(left + Double(m + 1) * cell + 24, 640), height = top + Double(m) * cellHeight + 82
        var maxAbs = 0.0
        for g in metric.groups {
            for comparison in [g.rationality].compactMap({ $0 }) + g.envy {
                if let gain = comparison.gain, gain.isFinite { maxAbs = max(maxAbs, abs(gain)) }
            }
        }
        let c = Markup.coordinate
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" role=\"img\" viewBox=\"0 0 \(c(width)) \(c(height))\" width=\"\(c(width))\" height=\"\(c(height))\">"
        out += "<title>\(Markup.escape("\(metric.metric.rawValue): envy-freeness gains, true group (rows) × reported group (columns)"))</title>"
        out += "<text x=\"\(c(left))\" y=\"14\" class=\"axis-title\">reported as →</text>"
        let columns = ["withhold (h0)"] + keys.map(PlainLanguage.label)
        for (j, name) in columns.enumerated() {
            let x = left + (Double(j) + 0.5) * cell, y = top - 8
            out += "<text x=\"\(c(x))\" y=\"\(c(y))\" class=\"label\" transform=\"rotate(-35 \(c(x)) \(c(y)))\">\(Markup.escape(name))</text>"
        }
        for (i, g) in metric.groups.enumerated() {
            let y = top + Double(i) * cellHeight
            out += "<text x=\"\(c(left - 10))\" y=\"\(c(y + cellHeight / 2 + 4))\" text-anchor=\"end\" class=\"label\">\(Markup.escape(PlainLanguage.label(g.key)))</text>"
            for j in 0...m {
                let x = left + Double(j) * cell
                if j == i + 1 {
                    out += "<rect x=\"\(c(x))\" y=\"\(c(y))\" width=\"\(c(cell))\" height=\"\(c(cellHeight))\" class=\"own\"/>"
                    out += "<text x=\"\(c(x + cell / 2))\" y=\"\(c(y + cellHeight / 2 + 4))\" text-anchor=\"middle\" class=\"cell-text\">own</text>"
                    continue
                }
                let comparison = j == 0 ? g.rationality : g.envy.first { $0.reportedAs == keys[j - 1] }
                guard let comparison, let gain = comparison.gain else {
                    out += "<rect x=\"\(c(x))\" y=\"\(c(y))\" width=\"\(c(cell))\" height=\"\(c(cellHeight))\" class=\"undefined\"/>"
                    out += "<text x=\"\(c(x + cell / 2))\" y=\"\(c(y + cellHeight / 2 + 4))\" text-anchor=\"middle\" class=\"cell-text\">n/a</text>"
                    continue
                }
                let flag = comparison.primary.flag
                let outline = flag == .violation || flag == .gain ? " significant-\(flag.rawValue)" : ""
                out += "<rect x=\"\(c(x))\" y=\"\(c(y))\" width=\"\(c(cell))\" height=\"\(c(cellHeight))\" fill=\"\(colour(gain, maxAbs: maxAbs))\" class=\"cell\(outline)\"><title>\(Markup.escape(tooltip(g.key, comparison)))</title></rect>"
                let mark = flag == .violation ? "▼" : (flag == .gain ? "▲" : "")
                out += "<text x=\"\(c(x + cell / 2))\" y=\"\(c(y + cellHeight / 2 + 4))\" text-anchor=\"middle\" class=\"cell-text\(outline)\" \(Markup.valueAttributes(gain, .signed3))>\(Markup.escape(NumberFormat.signed(gain, 3)))</text>"
                if !mark.isEmpty {
                    out += "<text x=\"\(c(x + cell - 3))\" y=\"\(c(y + 10))\" text-anchor=\"end\" class=\"mark\">\(mark)</text>"
                }
                let cautions = Cautions.texts(comparison)
                if !cautions.isEmpty {
                    out += "<text x=\"\(c(x + 3))\" y=\"\(c(y + 10))\" class=\"mark caution-mark\">!<title>\(Markup.escape(cautions.joined(separator: "; ")))</title></text>"
                }
            }
        }
        // Legend: the colour scale and the marks.
        let ly = top + Double(m) * cellHeight + 20
        for (k, v) in [-1.0, -0.5, 0, 0.5, 1].enumerated() {
            out += "<rect x=\"\(c(left + Double(k) * 28))\" y=\"\(c(ly))\" width=\"28\" height=\"12\" fill=\"\(colour(v * maxAbs, maxAbs: maxAbs))\" class=\"legend\"/>"
        }
        out += "<text x=\"\(c(left + 150))\" y=\"\(c(ly + 10))\" class=\"tick\">red: the group does better with that report</text>"
        out += "<text x=\"\(c(left))\" y=\"\(c(ly + 28))\" class=\"tick\">blue: truthful reporting is better · ▼ ▲ outlined: significant after correction</text>"
        out += "<text x=\"\(c(left))\" y=\"\(c(ly + 46))\" class=\"tick\">!: the comparison carries a caution or is not tested (hover for why)</text>"
        return out + "</svg>"
    }

    /// A diverging colour: red for negative gains (harm), blue for positive, white at 0.
    static func colour(_ gain: Double, maxAbs: Double) -> String {
        let t = maxAbs > 0 ? min(1, abs(gain) / maxAbs) : 0
        let (r, g, b): (Double, Double, Double) = gain < 0 ? (178, 24, 43) : (33, 102, 172)
        func mix(_ end: Double) -> Int { Int((255 + (end - 255) * t).rounded()) }
        let digits = Array("0123456789abcdef")
        func hex(_ v: Int) -> String { String([digits[v / 16], digits[v % 16]]) }
        return "#" + hex(mix(r)) + hex(mix(g)) + hex(mix(b))
    }

    static func tooltip(_ key: String, _ comparison: Comparison) -> String {
        let against = comparison.reportedAs.map { "reporting as \(PlainLanguage.label($0))" } ?? "withholding (h0)"
        let cautions = Cautions.texts(comparison)
        return "\(PlainLanguage.label(key)) truthful vs \(against): gain \(NumberFormat.signed(comparison.gain, 4)), flag \(comparison.primary.flag.rawValue)"
            + (cautions.isEmpty ? "" : "; caution: " + cautions.joined(separator: "; "))
    }
}
