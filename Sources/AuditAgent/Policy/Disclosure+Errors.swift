import AuditStats

extension Disclosure {
    /// The cells of model r's error statistics in a group: the misclassified rows wrong[r] and
    /// their complement n − wrong[r], and the four cells of the McNemar table of (r, h_g)
    /// correctness — n10, n01, both wrong (wrong[r] − n10) and both right (n − wrong[r] − n01).
    /// Each counts patients singled out by model errors and outcome.
    public static func errorCells(_ group: GroupStatistics, model r: Int) -> [Int] {
        let wrong = group.wrong[r], table = group.discordance[r]
        return [wrong, group.count - wrong, table.n10, table.n01, wrong - table.n10, group.count - wrong - table.n01]
    }

    /// Every model's error cells of a group.
    public static func errorCells(_ group: GroupStatistics) -> [Int] {
        group.wrong.indices.flatMap { errorCells(group, model: $0) }
    }

    /// Step 4: per model, a group whose model r has an error cell of 1 … minCell − 1 rows sends
    /// that model's error statistics (`wrong[r]`, `discordance[r]`) as zeros with
    /// `error_rows[r] = 0`; the other comparisons keep theirs, and everything else about the group
    /// (counts, scores, AUC, calibration) is still sent. When the target's own cells are small,
    /// every model is withheld (each comparison's gain would otherwise reveal it). The population's
    /// error statistics are sums of the groups' — its model 0 (h0) and its table against the own
    /// model sum the groups' model 0, its model 1 sums each group's target — so the population's
    /// model 0 is withheld when any group's model 0 is, and all of it when any group's target is.
    /// Applied per technique: the personalized models, and hence the cells, differ.
    static func withholdingSmallErrorCells(_ sites: [SiteStatistics], minCell: Int) -> ([SiteStatistics], [Finding]) {
        var out = sites
        var findings: [Finding] = []
        for t in out.indices {
            var anyGeneric = false, anyTarget = false
            for j in out[t].groups.indices {
                guard let group = out[t].groups[j] else { continue }
                let small = group.wrong.indices.filter { r in
                    errorCells(group, model: r).contains { isSmall($0, minCell: minCell) }
                }
                guard !small.isEmpty else { continue }
                let all = small.contains(group.target)
                let models = all ? Array(group.wrong.indices) : small
                out[t].groups[j] = withholdingErrors(group, models: models)
                if models.contains(0) { anyGeneric = true }
                if all { anyTarget = true }
                findings.append(Finding(group: group.key, scope: .errors, rule: .belowMinCell, minCell: minCell))
            }
            let population = out[t].population
            guard population.count > 0 else { continue }
            let ownSmall = population.wrong.indices.filter { r in
                errorCells(population, model: r).contains { isSmall($0, minCell: minCell) }
            }
            let all = anyTarget || ownSmall.contains(population.target)
            let models = all ? Array(population.wrong.indices) : Array(Set(ownSmall + (anyGeneric ? [0] : []))).sorted()
            guard !models.isEmpty else { continue }
            out[t].population = withholdingErrors(population, models: models)
            findings.append(Finding(group: nil, scope: .errors, rule: anyGeneric || anyTarget ? .revealedBySubtraction : .belowMinCell,
                                    minCell: minCell))
        }
        return (out, findings)
    }

    /// The group with the error statistics of `models` replaced by zeros and `errorRows` 0.
    static func withholdingErrors(_ group: GroupStatistics, models: [Int]) -> GroupStatistics {
        var out = group
        var rows = out.errorRows ?? Array(repeating: group.count, count: group.wrong.count)
        for r in models {
            out.wrong[r] = 0
            out.discordance[r] = Discordance(n10: 0, n01: 0)
            rows[r] = 0
        }
        out.errorRows = rows
        return out
    }
}
