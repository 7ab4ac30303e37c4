import AuditCore
import AuditStats

/// Findings in plain words: which groups personalization harms, by how much, and how sure we are.
public enum PlainLanguage {
    /// One sentence per significant violation (with its caution, if any), then the overall
    /// verdict per technique and the error harms the audit could have detected (``DetectableHarm``).
    public static func findings(_ sections: [ReportDocument.TechniqueSection], alpha: Double, correction: Correction) -> String {
        var lines: [String] = []
        for section in sections {
            let harmed = violations(section, correction: correction)
            if harmed.isEmpty {
                lines.append(noViolation(section.name, alpha: alpha, correction: correction))
            } else {
                lines.append("\(section.name): \(harmed.count) significant fair-use violation(s):")
                lines += harmed.map { "  – " + $0 }
            }
            if let detectable = DetectableHarm.sentence(section, alpha: alpha, correction: correction) { lines.append(detectable) }
        }
        return "Findings\n" + lines.map { "  " + $0 }.joined(separator: "\n") + "\n"
    }

    /// "onehot: no group is significantly harmed by personalization (Holm, α = 0.10)."
    public static func noViolation(_ name: String, alpha: Double, correction: Correction) -> String {
        "\(name): no group is significantly harmed by personalization (no \(correction.displayName)-adjusted p ≤ α = \(NumberFormat.format(alpha, decimals: 2)))."
    }

    /// One sentence per significant violation of one technique: rationality, then envy-freeness.
    public static func violations(_ section: ReportDocument.TechniqueSection, correction: Correction) -> [String] {
        var harmed: [String] = []
        for metric in section.evaluation.metrics {
            for g in metric.groups {
                if let r = g.rationality, r.primary.flag == .violation {
                    harmed.append(sentence(metric: metric.metric, key: g.key, comparison: r, personalized: g.personalized,
                                           other: g.generic, against: "the generic model", correction: correction) + caveat(r))
                }
                for e in g.envy where e.primary.flag == .violation {
                    harmed.append(sentence(metric: metric.metric, key: g.key, comparison: e, personalized: g.personalized,
                                           other: e.comparatorValue, against: "the model personalized for \(label(e.reportedAs ?? ""))",
                                           correction: correction) + caveat(e))
                }
            }
        }
        return harmed
    }

    /// " — caution: few discordant rows …" when the comparison carries little information (D2).
    static func caveat(_ c: Comparison) -> String {
        c.caution.map { " — caution: \($0)" } ?? ""
    }

    /// Sites that did not contribute and groups a site withheld, as findings: suppression means the
    /// pooled result does not speak for that group at that site, which is itself a fairness signal.
    public static func participation(_ federation: ReportDocument.FederationSection) -> [String] {
        var lines: [String] = []
        for site in federation.sites {
            if site.state != .submitted {
                lines.append("\(site.site) did not contribute (\(site.state)\(site.detail.map { ": \($0)" } ?? "")); the pooled result does not cover its patients.")
            }
            var coarsened: [String: (groups: [String], reason: String?)] = [:]
            for w in site.withheld {
                let group = w["group"].map(label)
                let reason = w["reason"].map { " (\($0))" } ?? ""
                if w["scope"] == "group", let group {
                    lines.append("\(site.site) withheld group \(group)\(reason): the audit cannot say whether personalization serves \(group) at that site.")
                } else {
                    let scope = w["scope"] ?? "its statistics"
                    coarsened[scope, default: ([], w["reason"])].groups.append(group ?? "the population")
                }
            }
            for (scope, entry) in coarsened.sorted(by: { $0.key < $1.key }) {
                lines.append("\(site.site) coarsened \(scope) for \(entry.groups.joined(separator: ", "))\(entry.reason.map { " (\($0))" } ?? "").")
            }
        }
        return lines
    }

    /// "(female, 60+) gets less accurate predictions from the personalized model than from the
    /// generic one: error 31.2% vs 27.9% (+3.3 points; Holm-adjusted p = 0.02)".
    public static func sentence(metric: Metric, key: String, comparison: Comparison, personalized: Double?,
                                other: Double?, against: String, correction: Correction) -> String {
        let group = label(key)
        let adjusted = comparison.primary.violation.adjusted(correction)
        let shown = NumberFormat.pValue(adjusted)
        let p = "\(correction.displayName)-adjusted p \(shown.hasPrefix("<") ? "< " + shown.dropFirst() : "= " + shown)"
        switch metric {
        case .error:
            let points = ((personalized ?? 0) - (other ?? 0)) * 100
            return "\(group) gets less accurate predictions from its personalized model than from \(against): error \(NumberFormat.percent(personalized)) vs \(NumberFormat.percent(other)) (\(NumberFormat.signed(points, 1)) points; \(p))"
        case .auc:
            return "\(group) is ranked less well by its personalized model than by \(against): AUC \(NumberFormat.fixed(personalized, 3)) vs \(NumberFormat.fixed(other, 3)) (\(NumberFormat.signed(comparison.gain, 3)); \(p))"
        case .ece:
            return "\(group) gets worse-calibrated risks from its personalized model than from \(against): ECE \(NumberFormat.fixed(personalized, 3)) vs \(NumberFormat.fixed(other, 3)) (\(p))"
        case .squaredError, .absoluteError:
            let name = metric == .squaredError ? "mean squared error" : "mean absolute error"
            return "\(group) gets less accurate predictions from its personalized model than from \(against): \(name) \(NumberFormat.fixed(personalized, 4)) vs \(NumberFormat.fixed(other, 4)) (gain \(NumberFormat.signed(comparison.gain, 4)); \(p))"
        }
    }

    /// "sex=female;age_group=60+" → "(female, 60+)".
    public static func label(_ key: String) -> String {
        let values = key.split(separator: ";").map { part in part.split(separator: "=", maxSplits: 1).last.map(String.init) ?? String(part) }
        return "(" + values.joined(separator: ", ") + ")"
    }


}
