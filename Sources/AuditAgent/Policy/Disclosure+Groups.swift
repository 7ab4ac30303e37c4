import AuditStats

extension Disclosure {
    /// Indices of groups with a group × label cell of 1 … minCell − 1 rows (step 1). These are the
    /// person counts n_g − positives and positives, which also are the AUC stratum's N_s and M_s.
    public static func suppressedGroups(_ predictions: Predictions, minCell: Int) -> Set<Int> {
        var cells = [[Int]](repeating: [0, 0], count: predictions.groupCount)
        for i in 0..<predictions.count { cells[Int(predictions.groups[i])][Int(predictions.labels[i])] += 1 }
        return Set(cells.indices.filter { cells[$0].contains { isSmall($0, minCell: minCell) } })
    }

    /// The predictions without the rows of `groups`: a withheld group is removed before anything is
    /// computed, so the population statistics (which would reveal it by subtraction) do not hold it.
    public static func withholding(_ predictions: Predictions, groups: Set<Int>) -> Predictions {
        guard !groups.isEmpty else { return predictions }
        let keep = (0..<predictions.count).filter { !groups.contains(Int(predictions.groups[$0])) }
        let m = predictions.groupCount
        return Predictions(keys: predictions.keys, sites: keep.map { predictions.sites[$0] },
                           groups: keep.map { predictions.groups[$0] }, labels: keep.map { predictions.labels[$0] },
                           generic: keep.map { predictions.generic[$0] },
                           personalized: keep.flatMap { i in (0..<m).map { predictions.personalized[i * m + $0] } })
    }

    /// Findings for withheld groups.
    public static func groupFindings(_ groups: Set<Int>, keys: [String], minCell: Int) -> [Finding] {
        groups.sorted().map {
            Finding(group: keys[$0], scope: .group, rule: .belowMinCell, minCell: minCell)
        }
    }
}
