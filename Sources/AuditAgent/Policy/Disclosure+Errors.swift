import AuditStats

extension Disclosure {
    /// The cells of a group's error statistics: for every model r, the misclassified rows
    /// wrong[r] and their complement n − wrong[r], and the four cells of the McNemar table of
    /// (r, h_g) correctness — n10, n01, both wrong (wrong[r] − n10) and both right
    /// (n − wrong[r] − n01). Each counts patients singled out by model errors and outcome.
    public static func errorCells(_ group: GroupStatistics) -> [Int] {
        var cells: [Int] = []
        for r in group.wrong.indices {
            let wrong = group.wrong[r], table = group.discordance[r]
            cells += [wrong, group.count - wrong, table.n10, table.n01,
                      wrong - table.n10, group.count - wrong - table.n01]
        }
        return cells
    }

    /// Step 4: a group with an error cell of 1 … minCell − 1 rows sends its error statistics
    /// (`wrong`, `discordance`) as zeros with `error_rows: 0`; everything else about the group
    /// (counts, scores, AUC, calibration) is still sent. The population's error statistics are the
    /// sums of the groups' (h0 is model 0 of both; the own model of each row is the group's target),
    /// so when any group's are withheld the population's are withheld too — otherwise the population
    /// minus the released groups would reveal them. Applied per technique: the personalized models,
    /// and hence the cells, differ between techniques.
    static func withholdingSmallErrorCells(_ sites: [SiteStatistics], minCell: Int) -> ([SiteStatistics], [Finding]) {
        var out = sites
        var findings: [Finding] = []
        for t in out.indices {
            var anyWithheld = false
            for j in out[t].groups.indices {
                guard let group = out[t].groups[j],
                      errorCells(group).contains(where: { isSmall($0, minCell: minCell) }) else { continue }
                out[t].groups[j] = withholdingErrors(group)
                anyWithheld = true
                findings.append(Finding(group: group.key, scope: "errors",
                                        reason: "a cell of the group's error statistics (misclassified rows or a McNemar cell) "
                                            + "is below min_cell (\(minCell)); its error statistics were withheld"))
            }
            let population = out[t].population
            let ownSmall = errorCells(population).contains { isSmall($0, minCell: minCell) }
            if population.count > 0 && (anyWithheld || ownSmall) {
                out[t].population = withholdingErrors(population)
                findings.append(Finding(group: nil, scope: "errors",
                                        reason: anyWithheld
                                            ? "a group's error statistics were withheld (min_cell \(minCell)), so the population's, "
                                                + "which would reveal them by subtraction, were withheld too"
                                            : "a cell of the population's error statistics is below min_cell (\(minCell)); they were withheld"))
            }
        }
        return (out, findings)
    }

    /// The group with its error statistics replaced by zeros and `errorRows` 0.
    static func withholdingErrors(_ group: GroupStatistics) -> GroupStatistics {
        var out = group
        out.wrong = Array(repeating: 0, count: group.wrong.count)
        out.discordance = Array(repeating: Discordance(n10: 0, n01: 0), count: group.discordance.count)
        out.errorRows = 0
        return out
    }
}
