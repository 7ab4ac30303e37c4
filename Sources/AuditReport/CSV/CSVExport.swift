import AuditCore
import Foundation
import AuditStats

/// The report's tables as CSV files (RFC 4180), for spreadsheets and R: the Table-1 summary, the
/// per-group rationality table, every envy-freeness comparison, the cross-site heterogeneity and
/// the sites. Numbers are written at full precision (shortest round-trip form), undefined values
/// as empty fields; rows follow the document's order, so the same document gives the same bytes.
public enum CSVExport {
    /// File name → contents; files without rows (e.g. sites of a local audit) are left out.
    ///
    /// p-value columns say which they are: `p_violation_raw`, `p_violation_adjusted` (by the method
    /// in the `correction` column); `interval_lower/upper` is the primary test's own interval at
    /// `confidence_level`, `bootstrap_interval_lower/upper` the bootstrap percentile interval; the
    /// D2 `caution` and the primary test's `unavailable_reason` sit in the row they qualify.
    /// `alpha` sets the level of rows whose metric does not carry one (1 − α) and of the
    /// heterogeneity intervals.
    public static func files(_ document: ReportDocument, correction: Correction, alpha: Double? = nil) -> [(name: String, contents: String)] {
        let method = correction
        let alpha = alpha ?? document.spec?.tests.alpha ?? 0.1
        var summary: [[String]] = [], groups: [[String]] = [], envy: [[String]] = [], heterogeneity: [[String]] = []
        for section in document.results {
            for m in section.evaluation.metrics {
                let level = ReportWording.level(m, alpha: alpha)
                let detectable = Dictionary(DetectableHarm.perGroup(m, alpha: alpha, correction: correction).map { ($0.key, $0.harm) },
                                            uniquingKeysWith: { a, _ in a })
                let s = m.summary
                summary.append([section.name, m.metric.rawValue, num(s.personalized), num(s.generic), num(s.gain),
                                s.bestGroup?.key ?? "", num(s.bestGroup?.gain), s.worstGroup?.key ?? "", num(s.worstGroup?.gain),
                                int(s.rationality.gains), int(s.rationality.violations), int(s.envy.gains), int(s.envy.violations),
                                int(s.bootstrapRationality?.gains), int(s.bootstrapRationality?.violations),
                                int(s.bootstrapEnvy?.gains), int(s.bootstrapEnvy?.violations)])
                for g in m.groups {
                    let r = g.rationality
                    groups.append([section.name, m.metric.rawValue, g.key, int(g.count), int(g.positives), num(g.personalized),
                                   num(g.generic), num(r?.gain), num(r?.bootstrap?.intervalLower), num(r?.bootstrap?.intervalUpper),
                                   num(r?.primary.violation.raw), num(r?.primary.violation.adjusted(method)),
                                   num(r?.primary.gain.raw), num(r?.primary.gain.adjusted(method)), r?.primary.flag.rawValue ?? "",
                                   r?.bootstrap?.flag.rawValue ?? "", correction.rawValue, num(level), num(r?.primary.intervalLower),
                                   num(r?.primary.intervalUpper), num(r?.testEstimate), r?.caution ?? "", r?.primary.unavailableReason ?? "",
                                   r?.bootstrap?.unavailableReason ?? "", num(detectable[g.key] ?? nil)])
                    for e in g.envy {
                        envy.append([section.name, m.metric.rawValue, g.key, e.reportedAs ?? "", num(e.gain), num(e.comparatorValue),
                                     num(e.primary.violation.raw), num(e.primary.violation.adjusted(method)),
                                     num(e.primary.gain.raw), num(e.primary.gain.adjusted(method)), e.primary.flag.rawValue,
                                     correction.rawValue, num(level), num(e.primary.intervalLower), num(e.primary.intervalUpper), num(e.testEstimate),
                                     e.caution ?? "", e.primary.unavailableReason ?? ""])
                    }
                }
            }
            for h in section.heterogeneity ?? [] {
                let level = ReportWording.level(h.metric, in: section, alpha: alpha)
                let fe = h.meta.fixedEffect.interval(level: level), re = h.meta.randomEffects.interval(level: level)
                let prediction = h.meta.predictionInterval(level: level)
                heterogeneity.append([section.name, h.metric.rawValue, h.group, h.reportedAs ?? "", int(h.meta.estimates.count),
                                      num(h.meta.fixedEffect.estimate), num(h.meta.fixedEffect.standardError),
                                      num(h.meta.randomEffects.estimate), num(h.meta.randomEffects.standardError),
                                      num(h.meta.q), num(h.meta.qPValue), num(h.meta.iSquared), num(h.meta.tauSquared),
                                      num(prediction?.lowerBound), num(prediction?.upperBound), num(level),
                                      num(fe.lowerBound), num(fe.upperBound), num(re.lowerBound), num(re.upperBound)])
            }
        }
        var out = [
            ("summary.csv", render(["technique", "metric", "personalized", "generic", "gain", "best_group", "best_gain", "worst_group",
                                    "worst_gain", "rationality_gains", "rationality_violations", "envy_gains", "envy_violations",
                                    "bootstrap_rationality_gains", "bootstrap_rationality_violations", "bootstrap_envy_gains",
                                    "bootstrap_envy_violations"], summary)),
            ("groups.csv", render(["technique", "metric", "group", "n", "positives", "personalized", "generic", "gain",
                                   "bootstrap_interval_lower", "bootstrap_interval_upper", "p_violation_raw", "p_violation_adjusted",
                                   "p_gain_raw", "p_gain_adjusted", "flag", "bootstrap_flag", "correction", "confidence_level",
                                   "interval_lower", "interval_upper", "test_estimate", "caution", "unavailable_reason",
                                   "bootstrap_unavailable_reason", "minimum_detectable_harm"], groups)),
            ("envy.csv", render(["technique", "metric", "group", "reported_as", "gain", "comparator_value", "p_violation_raw",
                                 "p_violation_adjusted", "p_gain_raw", "p_gain_adjusted", "flag", "correction", "confidence_level",
                                 "interval_lower", "interval_upper", "test_estimate", "caution", "unavailable_reason"], envy)),
        ]
        if !heterogeneity.isEmpty {
            out.append(("heterogeneity.csv", render(["technique", "metric", "group", "reported_as", "sites", "fixed_effect", "fixed_effect_se",
                                                     "random_effects", "random_effects_se", "q", "q_p", "i_squared", "tau_squared",
                                                     "prediction_lower", "prediction_upper", "confidence_level", "fixed_effect_lower",
                                                     "fixed_effect_upper", "random_effects_lower", "random_effects_upper"], heterogeneity)))
        }
        if let federation = document.federation {
            let rows = federation.sites.map { s in
                [s.site.rawValue, s.state.rawValue, int(s.rows?["total"]), int(s.rows?["test"]),
                 s.withheld.map { ($0["group"] ?? "population") + ":" + ($0["scope"] ?? "") }.joined(separator: ";"), s.detail ?? ""]
            }
            out.append(("sites.csv", render(["site", "state", "rows", "test_rows", "withheld", "detail"], rows)))
        }
        return out
    }

    /// One CSV document with a header row; fields are quoted when they hold a comma, quote or newline.
    public static func render(_ header: [String], _ rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func num(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }
    static func int(_ x: Int?) -> String { x.map(String.init) ?? "" }
}
