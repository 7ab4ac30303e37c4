import AuditCore
import AuditStats

/// What a "no group is harmed" finding can and cannot rule out: each group's minimum detectable
/// error-rate harm, computed from the report's own counts with the planner's functions
/// (`fairuse plan`): the exact one-sided McNemar test (``McNemarPower``) at the level a lone
/// discovery must reach after the audit's correction over the metric's family
/// (``TestabilityPlanner/perTestLevel(alpha:family:correction:)``), with the plan's default power
/// and discordant fraction. A null result on 40 rows says little; the sentence makes that visible.
public enum DetectableHarm {
    /// Target power, as `fairuse plan` (its `--power` default).
    public static let power = 0.8
    /// Assumed fraction ψ of discordant rows per group, as `fairuse plan` (its `--discordant` default).
    public static let discordantFraction = 0.1

    /// Per group with test rows: the smallest error-rate harm (a positive number, in error-rate
    /// units) the audit detects with the target power; nil when none up to ψ is detectable.
    /// Empty for metrics other than error (the only metric the planner covers).
    public static func perGroup(_ metric: MetricEvaluation, alpha: Double, correction: Correction) -> [(key: String, count: Int, harm: Double?)] {
        guard metric.metric == .error else { return [] }
        let method = correction
        let level = TestabilityPlanner.perTestLevel(alpha: alpha, family: max(metric.familySize, 1), correction: method)
        return metric.groups.filter { $0.count > 0 && $0.rationality != nil }.map { g in
            (g.key, g.count, McNemarPower.minimumDetectableGain(rows: g.count, discordantFraction: discordantFraction,
                                                                alpha: level, power: power))
        }
    }

    /// "(female, old) 4.1 points" or "(male, young) none detectable (n = 24)".
    static func item(_ entry: (key: String, count: Int, harm: Double?)) -> String {
        "\(PlainLanguage.label(entry.key)) " + (entry.harm.map { "\(NumberFormat.fixed($0 * 100, 1)) points" } ?? "none detectable (n = \(entry.count))")
    }

    /// The sentence for one technique: no group (or no other group than those `harmed`) is
    /// significantly harmed in error, and the harm each could have been found to suffer.
    /// nil when the technique does not audit error or a group's error is not tested.
    /// `named`: whether the sentence starts with the technique's name (the HTML verdict box names it already).
    public static func sentence(_ section: ReportDocument.TechniqueSection, alpha: Double, correction: Correction, named: Bool = true) -> String? {
        guard let metric = section.evaluation.metrics.first(where: { $0.metric == .error }), metric.familySize > 0 else { return nil }
        let harmed = Set(metric.groups.filter { g in
            g.rationality?.primary.flag == .violation || g.envy.contains { $0.primary.flag == .violation }
        }.map(\.key))
        let entries = perGroup(metric, alpha: alpha, correction: correction).filter { !harmed.contains($0.key) }
        guard !entries.isEmpty else { return nil }
        let subject = harmed.isEmpty ? "no group" : "no other group"
        return (named ? "\(section.name): \(subject)" : subject.prefix(1).uppercased() + subject.dropFirst()) + " is significantly harmed in error; "
            + "with these group sizes the audit could detect harms of at least: " + entries.map(item).joined(separator: ", ")
            + " (error-rate points, \(NumberFormat.format(power * 100, decimals: 0))% power, assuming "
            + "\(NumberFormat.format(discordantFraction * 100, decimals: 0))% of a group's rows discordant, as fairuse plan does)."
    }
}
