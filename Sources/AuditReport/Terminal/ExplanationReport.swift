import AuditModelTypes
import AuditStats

/// BoP-X (explanation benefit) tables: per group the explanation costs of h0 and h_g, the gain
/// (h0 − h_g, positive = personalization explains better), the primary one-sided p-values and flag,
/// and BoP-P beside it with the groups where the two diverge.
public enum ExplanationReport {
    /// Terminal tables of one technique.
    public static func terminal(section: String, _ x: LocalExplanations.TechniqueExplanations) -> String {
        var out = ""
        for metric in x.metrics {
            out += "\(section) · BoP-X \(metric.metric.rawValue) — \(description(x, metric)); gain = C(h0) − C(h_g) > 0 means personalization explains better\n"
            var table = TextTable(header: header)
            for row in rows(x, metric) { table.append(row) }
            out += table.render(indent: "  ")
        }
        let diverging = x.divergence.filter(\.diverges)
        out += diverging.isEmpty ? "  No group where prediction and explanation benefits diverge significantly.\n"
            : diverging.map { "  ⚠ \($0.key): BoP-P \(NumberFormat.signed($0.predictionGain)) (\($0.predictionFlag.rawValue)) but BoP-X \($0.metric.rawValue) \(NumberFormat.signed($0.explanationGain)) (\($0.explanationFlag.rawValue))\n" }.joined()
        return out
    }

    /// Markdown tables of one technique.
    public static func markdown(section: String, _ x: LocalExplanations.TechniqueExplanations) -> String {
        var out = ""
        for metric in x.metrics {
            out += "\n### \(section) · BoP-X \(metric.metric.rawValue)\n\n\(description(x, metric)); gain = C(h0) − C(h_g) > 0 means personalization explains better.\n\n"
            out += MarkdownReport.table(header, rows(x, metric))
        }
        let diverging = x.divergence.filter(\.diverges)
        if !diverging.isEmpty {
            out += "\nPrediction and explanation benefits diverge: " + diverging.map { "\($0.key) (\($0.metric.rawValue))" }.joined(separator: ", ") + ".\n"
        }
        return out
    }

    /// Column names: the test's and the t-test's one-sided p-values are raw (the flag uses the
    /// adjusted ones, in the JSON and the HTML).
    static let header = ["group", "n", "C(h_g)", "C(h0)", "BoP-X", ReportWording.pHeader("harm", adjustedBy: nil),
                         ReportWording.pHeader("gain", adjustedBy: nil), "t-test " + ReportWording.pHeader("harm", adjustedBy: nil),
                         "t-test " + ReportWording.pHeader("gain", adjustedBy: nil), "BoP-P (error)", "flags"]

    static func description(_ x: LocalExplanations.TechniqueExplanations, _ metric: ExplanationBenefit.Result) -> String {
        "\(x.settings.method.rawValue) attributions, top \(NumberFormat.percent(x.settings.fraction)) of features (|J| = \(x.genericExplanationSize) for h0, \(x.personalizedExplanationSize) for h_g), \(x.settings.loss.rawValue) loss, primary test: \(ReportWording.testName(metric.primaryTest))"
    }

    static func rows(_ x: LocalExplanations.TechniqueExplanations, _ metric: ExplanationBenefit.Result) -> [[String]] {
        metric.groups.map { g in
            let d = x.divergence.first { $0.key == g.key && $0.metric == metric.metric }
            var flags: [String] = []
            switch g.test.flag {
            case .gain: flags.append("explains better")
            case .violation: flags.append("EXPLAINS WORSE")
            case .na: flags.append("n/a")
            case .none: break
            }
            if d?.diverges == true { flags.append("DIVERGES from BoP-P") } else if d?.oppositeSigns == true { flags.append("opposite sign to BoP-P") }
            return [g.key, String(g.count), NumberFormat.fixed(g.personalized), NumberFormat.fixed(g.generic), NumberFormat.signed(g.gain),
                    NumberFormat.pValue(g.test.violation.raw), NumberFormat.pValue(g.test.gain.raw),
                    NumberFormat.pValue(g.tHarm), NumberFormat.pValue(g.tGain),
                    d.map { "\(NumberFormat.signed($0.predictionGain)) (\($0.predictionFlag.rawValue))" } ?? "—",
                    flags.isEmpty ? "·" : flags.joined(separator: ", ")]
        }
    }
}
