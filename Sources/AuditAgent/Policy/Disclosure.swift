import AuditStats

/// Applies the site's `min_cell` before anything leaves (ARCHITECTURE.md §8).
///
/// 1. A group with a (group × label) cell of 1 … min_cell − 1 test rows is suppressed: its rows are
///    withheld *before* the statistics are computed, so neither its own statistics nor the
///    population totals (which would reveal it by subtraction) carry it. The suppression is
///    reported as a finding, since suppression itself skews a fairness audit towards large sites
///    and groups (ANCHORS.md §2f, §4.1).
/// 2. Calibration bins of 1 … min_cell − 1 rows are merged with a neighbour, in the observed
///    statistics and in every bootstrap replicate alike (`CalibrationCoarsening`); the coordinator
///    pools ECE on the finest common coarsening and the report says so.
public enum Disclosure {
    /// A withheld or coarsened cell, as reported to the coordinator (the small count itself is never stated).
    public struct Finding: Sendable, Equatable, Codable {
        /// Group key, or nil for the population comparison.
        public var group: String?
        /// What was withheld: "group" or "ece_bins".
        public var scope: String
        /// Plain words.
        public var reason: String
    }

    /// Indices of groups with a label cell of 1 … minCell − 1 rows.
    public static func suppressedGroups(_ predictions: Predictions, minCell: Int) -> Set<Int> {
        var cells = [[Int]](repeating: [0, 0], count: predictions.groupCount)
        for i in 0..<predictions.count { cells[Int(predictions.groups[i])][Int(predictions.labels[i])] += 1 }
        return Set(cells.indices.filter { cells[$0].contains { $0 > 0 && $0 < minCell } })
    }

    /// The predictions without the rows of `groups`.
    public static func withholding(_ predictions: Predictions, groups: Set<Int>) -> Predictions {
        guard !groups.isEmpty else { return predictions }
        let keep = (0..<predictions.count).filter { !groups.contains(Int(predictions.groups[$0])) }
        let m = predictions.groupCount
        return Predictions(keys: predictions.keys, sites: keep.map { predictions.sites[$0] },
                           groups: keep.map { predictions.groups[$0] }, labels: keep.map { predictions.labels[$0] },
                           generic: keep.map { predictions.generic[$0] },
                           personalized: keep.flatMap { i in (0..<m).map { predictions.personalized[i * m + $0] } })
    }

    /// Findings for suppressed groups.
    public static func groupFindings(_ groups: Set<Int>, keys: [String], minCell: Int) -> [Finding] {
        groups.sorted().map {
            Finding(group: keys[$0], scope: "group",
                    reason: "a group × label cell at this site is below min_cell (\(minCell)); the group's rows were withheld")
        }
    }

    /// Merges calibration bins below `minCell` in every group and in the population comparison.
    public static func mergingCalibration(_ statistics: SiteStatistics, minCell: Int) -> (SiteStatistics, [Finding]) {
        var out = statistics
        var findings: [Finding] = []
        for (j, group) in statistics.groups.enumerated() {
            guard let group else { continue }
            let (merged, changed) = CalibrationCoarsening.enforceMinimum(group, minCount: minCell)
            if changed {
                out.groups[j] = merged
                findings.append(Finding(group: group.key, scope: "ece_bins",
                                        reason: "calibration bins below min_cell (\(minCell)) were merged with a neighbour"))
            }
        }
        let (population, changed) = CalibrationCoarsening.enforceMinimum(statistics.population, minCount: minCell)
        if changed {
            out.population = population
            findings.append(Finding(group: nil, scope: "ece_bins",
                                    reason: "population calibration bins below min_cell (\(minCell)) were merged with a neighbour"))
        }
        return (out, findings)
    }
}
