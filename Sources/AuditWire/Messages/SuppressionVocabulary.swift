/// What a site's disclosure control withheld or coarsened (the `scope` of a ``Suppression``).
/// Defined once, here: the agent builds its findings from these cases and the coordinator refuses
/// any other value (`invalid_shape`), so nothing but these words reaches a report.
public enum SuppressionScope: String, Sendable, CaseIterable, Codable {
    /// A whole group's rows (binary or continuous outcome).
    case group
    /// Calibration bins of a group or the population.
    case eceBins = "ece_bins"
    /// Joint calibration cells (comparator bin × own-model bin).
    case eceCross = "ece_cross"
    /// Error statistics (misclassified rows, McNemar cells).
    case errors
}

/// Why a site withheld or coarsened something (the `rule` of a ``Suppression``): the disclosure
/// model's rules (`Protocol/disclosure-model.md`), with the site's `min_cell` as the only parameter.
public enum SuppressionRule: String, Sendable, CaseIterable, Codable {
    /// A cell of 1 … min_cell − 1 patients: withheld, or (calibration bins) merged with a neighbour.
    case belowMinCell = "below_min_cell"
    /// Withheld or coarsened because it would reveal a smaller cell by subtraction (the
    /// population's statistics after a group's were withheld).
    case revealedBySubtraction = "revealed_by_subtraction"
    /// Withheld because, combined with what the site released in earlier audits, it would reveal a
    /// cell below min_cell (the site's release register).
    case earlierRelease = "earlier_release"

    /// The largest `min_cell` a suppression may name (the policy's own bound is far below).
    public static let maximumMinCell = 1_000_000

    /// The plain words of this rule for `scope` (of a group when `group`, else of the population).
    public func words(scope: SuppressionScope, group: Bool, minCell: Int) -> String {
        let what: String
        switch (scope, group) {
        case (.group, _): what = "the group's rows were withheld"
        case (.eceBins, true): what = "calibration bins were merged with a neighbour"
        case (.eceBins, false): what = "population calibration bins were merged to cover every group's merged bins"
        case (.eceCross, _): what = "joint calibration cells were not sent; the calibration test is slightly conservative"
        case (.errors, _): what = "error statistics (misclassified rows, McNemar cells) were withheld"
        }
        switch self {
        case .belowMinCell: return "a cell at this site is below min_cell (\(minCell)); \(what)"
        case .revealedBySubtraction:
            return "a group's cells were withheld (min_cell \(minCell)) and these would reveal them by subtraction; \(what)"
        case .earlierRelease:
            return "combined with the site's earlier releases this would reveal a cell below min_cell (\(minCell)); \(what)"
        }
    }
}
