import AuditStats

/// The terminal rendering of a ``TestabilityPlan`` (`fairuse plan`).
public enum PlanReport {
    /// The plan as text: BoP limits, Proposition 4 sample sizes, per-group detectable gains, untestable groups.
    public static func render(_ plan: TestabilityPlan) -> String {
        let s = plan.settings
        var out = "Testability plan: \(plan.name)\n\n"
        out += "Family per metric and direction: M = \(plan.familySize) tests (m + m(m−1), m = \(plan.pooled.groups) groups); "
        out += "\(s.correction.rawValue) at α = \(NumberFormat.fixed(s.alpha, 2)) → a lone discovery needs p ≤ \(scientific(plan.alphaPerTest))\n\n"

        out += "BoP limits for N = test rows (Cornelis et al.; beyond k_max / d_max every test errs with probability > ½)\n"
        var limits = TextTable(header: ["sample", "rows", "test rows", "groups", "min_cell", "ε", "k_max", "d_max", "P_e ≥", "testable"])
        for scope in [plan.pooled] + plan.sites {
            for limit in scope.limits {
                limits.append([scope.name, String(scope.rows), String(scope.testRows), String(scope.groups),
                               scope.minCell.map(String.init) ?? "—", NumberFormat.fixed(limit.epsilon, 2),
                               NumberFormat.fixed(limit.kMax, 2), NumberFormat.fixed(limit.dMax, 1),
                               limit.errorProbabilityBound > 0 ? NumberFormat.fixed(limit.errorProbabilityBound, 3) : "—",
                               limit.withinLimit ? "yes" : "NO: groups > d_max"])
            }
        }
        out += limits.render(indent: "  ") + "\n"

        out += "Proposition 4 (ICML 2023): n_g for an empirical gain to generalize w.p. ≥ \(NumberFormat.fixed(1 - s.delta, 2)), VC dimension D = \(s.vcDimension)\n"
        var sizes = TextTable(header: ["gap", "test", "corrected", "as printed", "Lemma 6"])
        for size in plan.sampleSizes {
            sizes.append([NumberFormat.fixed(size.gap, 2), size.unionGroups == 1 ? "rationality" : "envy-freeness (m = \(size.unionGroups))",
                          size.corrected.map(String.init) ?? "—", size.asPrinted.map(String.init) ?? "—", size.lemma6.map(String.init) ?? "—"])
        }
        out += sizes.render(indent: "  ") + "\n"

        out += "Per group: minimum detectable error-rate gain (exact McNemar, power \(NumberFormat.fixed(s.power, 2)), ψ = \(NumberFormat.fixed(s.discordantFraction, 2)) discordant)\n"
        var groups = TextTable(header: ["group", "n_g", "positives", "test rows", "test positives", "min. detectable gain", "notes"])
        for g in plan.groups {
            groups.append([g.key, String(g.rows), String(g.positives), String(g.testRows), String(g.testPositives),
                           g.minimumDetectableGain.map { NumberFormat.fixed($0, 3) } ?? "—",
                           g.issues.map(\.code).joined(separator: ", ")])
        }
        out += groups.render(indent: "  ")

        let untestable = plan.untestableGroups
        out += "\n" + (untestable.isEmpty ? "Every group can be tested.\n" : "Groups that cannot be tested:\n")
        for g in untestable {
            for issue in g.issues where issue.affects == "all" { out += "  · \(g.key): \(issue.message)\n" }
        }
        let partial = plan.groups.flatMap { g in g.issues.filter { $0.affects != "all" }.map { (g.key, $0) } }
        if !partial.isEmpty { out += "Limited tests:\n" }
        for (key, issue) in partial { out += "  · \(key): \(issue.message)\n" }
        if !plan.notes.isEmpty { out += "Audit-wide:\n" + plan.notes.map { "  · \($0)\n" }.joined() }
        return out
    }

    static func scientific(_ x: Double) -> String {
        x >= 0.001 ? NumberFormat.fixed(x, 4) : {
            var e = 0, m = x
            while m < 1 { m *= 10; e += 1 }
            return NumberFormat.fixed(m, 2) + "e-" + String(e)
        }()
    }
}
