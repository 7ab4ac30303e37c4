import AuditStats

/// Findings in plain words: which groups personalization harms, by how much, and how sure we are.
public enum PlainLanguage {
    /// One sentence per significant violation, then the overall verdict per technique.
    public static func findings(_ sections: [ReportDocument.TechniqueSection], alpha: Double, correction: String) -> String {
        var lines: [String] = []
        for section in sections {
            var harmed: [String] = []
            for metric in section.evaluation.metrics {
                for g in metric.groups {
                    if let r = g.rationality, r.primary.flag == .violation {
                        harmed.append(sentence(metric: metric.metric, key: g.key, comparison: r, personalized: g.personalized,
                                               other: g.generic, against: "the generic model", correction: correction))
                    }
                    for e in g.envy where e.primary.flag == .violation {
                        harmed.append(sentence(metric: metric.metric, key: g.key, comparison: e, personalized: g.personalized,
                                               other: e.comparatorValue, against: "the model personalized for \(label(e.reportedAs ?? ""))",
                                               correction: correction))
                    }
                }
            }
            if harmed.isEmpty {
                lines.append("\(section.name): no group is significantly harmed by personalization (\(correction), α = \(NumberFormat.format(alpha, decimals: 2))).")
            } else {
                lines.append("\(section.name): \(harmed.count) significant fair-use violation(s):")
                lines += harmed.map { "  – " + $0 }
            }
        }
        return "Findings\n" + lines.map { "  " + $0 }.joined(separator: "\n") + "\n"
    }

    /// "(female, 60+) gets less accurate predictions from the personalized model than from the
    /// generic one: error 31.2% vs 27.9% (+3.3 points; Holm-adjusted p = 0.02)".
    public static func sentence(metric: FairnessMetric, key: String, comparison: Comparison, personalized: Double?,
                                other: Double?, against: String, correction: String) -> String {
        let group = label(key)
        let adjusted = comparison.primary.violation.adjusted(MultipleTesting.Method(rawValue: correction) ?? .holm)
        let p = "\(correctionName(correction))-adjusted p = \(NumberFormat.pValue(adjusted))"
        switch metric {
        case .error:
            let points = ((personalized ?? 0) - (other ?? 0)) * 100
            return "\(group) gets less accurate predictions from its personalized model than from \(against): error \(NumberFormat.percent(personalized)) vs \(NumberFormat.percent(other)) (\(NumberFormat.signed(points, 1)) points; \(p))"
        case .auc:
            return "\(group) is ranked less well by its personalized model than by \(against): AUC \(NumberFormat.fixed(personalized, 3)) vs \(NumberFormat.fixed(other, 3)) (\(NumberFormat.signed(comparison.gain, 3)); \(p))"
        case .ece:
            return "\(group) gets worse-calibrated risks from its personalized model than from \(against): ECE \(NumberFormat.fixed(personalized, 3)) vs \(NumberFormat.fixed(other, 3)) (\(p))"
        }
    }

    /// "sex=female;age_group=60+" → "(female, 60+)".
    public static func label(_ key: String) -> String {
        let values = key.split(separator: ";").map { part in part.split(separator: "=", maxSplits: 1).last.map(String.init) ?? String(part) }
        return "(" + values.joined(separator: ", ") + ")"
    }


    /// Display name of a correction method.
    public static func correctionName(_ method: String) -> String {
        switch method {
        case "holm": "Holm"
        case "bonferroni": "Bonferroni"
        case "bh": "BH"
        case "by": "BY"
        default: method
        }
    }
}
