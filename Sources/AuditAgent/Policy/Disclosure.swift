import AuditStats
import AuditWire

/// The site's disclosure model (`Protocol/disclosure-model.md`), applied before anything leaves.
///
/// A *cell* is a number of patients singled out by what the statistics describe: a group × label
/// count, a calibration bin of one model, a joint bin of two models, a count of misclassified
/// patients or a cell of a McNemar table. A cell may leave the site only if it is 0 or at least
/// `min_cell` (DataSHIELD's `nfilter.tab`, default 3; OHDSI's `minCellCount`, 5); a sum over the
/// rows of a cell that meets `min_cell` may leave with it. ``release(_:site:settings:minCell:willExtract:)``
/// applies the whole model, in this order:
///
/// 1. **Groups** (`Disclosure+Groups`): a group with a group × label cell of 1 … min_cell − 1 test
///    rows is withheld *before* anything is computed, from the population too.
/// 2. **Calibration bins** (`Disclosure+Calibration`): each model's bins are merged until every
///    bin holds 0 or ≥ min_cell rows; the population's partitions also coarsen every group's, so
///    no merged-away bin can be recovered by subtracting the other groups from the population.
/// 3. **Joint bins**: a comparator bin × own-model bin cell with fewer than min_cell rows is not
///    sent (its Σ r_c r_t is dropped), nor is a population cell that contains such rows.
/// 4. **Error statistics** (`Disclosure+Errors`): a group whose `wrong[r]`, n10, n01 or their
///    complements hold 1 … min_cell − 1 rows sends its error statistics as zeros with
///    `error_rows: 0`; the population's are then withheld too (they would reveal them by subtraction).
///
/// Every withholding is a ``Finding`` sent with the result: suppression skews a fairness audit
/// towards large sites and groups, so it must be visible (ANCHORS.md §2f, §4.1). A finding names
/// the rule and `min_cell`, never the small count.
public enum Disclosure {
    /// A withheld or coarsened cell, as reported to the coordinator in the wire's closed vocabulary
    /// (``SuppressionScope``, ``SuppressionRule``, `min_cell`); the small count itself is never stated.
    public struct Finding: Sendable, Equatable {
        /// Group key, or nil for the population comparison.
        public var group: String?
        /// What was withheld: `group`, `ece_bins`, `ece_cross` or `errors`.
        public var scope: SuppressionScope
        /// The rule that withheld it.
        public var rule: SuppressionRule
        /// The site's min_cell.
        public var minCell: Int

        /// Creates a finding.
        public init(group: String?, scope: SuppressionScope, rule: SuppressionRule, minCell: Int) {
            self.group = group
            self.scope = scope
            self.rule = rule
            self.minCell = minCell
        }

        /// The entry sent with the result.
        public var suppression: Suppression { Suppression(group: group, scope: scope, rule: rule, minCell: minCell) }
        /// The rule, in plain words.
        public var reason: String { suppression.reason }
    }

    /// What may leave the site for one task.
    public struct Release: Sendable {
        /// Per technique, the released statistics.
        public var techniques: [TechniqueStatistics]
        /// Everything withheld or coarsened, once per group and scope.
        public var findings: [Finding]
        /// Keys of the groups withheld entirely (their rows are in no statistic and no row count).
        public var withheldGroups: Set<String>
    }

    /// Whether `count` is a cell that may not leave the site: 1 … minCell − 1 (0 and ≥ minCell may).
    @inlinable
    public static func isSmall(_ count: Int, minCell: Int) -> Bool { count > 0 && count < minCell }

    /// Applies the whole model to one task: `techniques` holds each technique's predictions of the
    /// same test rows at this site (site column set to `site`). `willExtract` is called with each
    /// technique's name before its statistics are computed (progress).
    public static func release(_ techniques: [(technique: String, predictions: Predictions)], site: String,
                               settings: ExtractionSettings, minCell: Int,
                               willExtract: (String) -> Void = { _ in }) -> Release {
        guard let first = techniques.first?.predictions else { return Release(techniques: [], findings: [], withheldGroups: []) }
        // The same rows and labels in every technique, so the same groups are withheld in each.
        let withheld = suppressedGroups(first, minCell: minCell)
        let statistics = techniques.map { entry -> SiteStatistics in
            willExtract(entry.technique)
            let kept = withholding(entry.predictions, groups: withheld)
            return SiteStatistics.extract(from: kept, site: site, settings: settings)
        }
        let (released, findings) = applyingCellRules(statistics, minCell: minCell)
        return Release(
            techniques: zip(techniques, released).map { TechniqueStatistics(technique: $0.0.technique, statistics: $0.1) },
            findings: unique(groupFindings(withheld, keys: first.keys, minCell: minCell) + findings),
            withheldGroups: Set(withheld.map { first.keys[$0] }))
    }

    /// Steps 2–4 on statistics whose groups already pass step 1: one ``SiteStatistics`` per
    /// technique, all of the same rows at one site (one stratum per group, as extracted).
    public static func applyingCellRules(_ statistics: [SiteStatistics], minCell: Int) -> ([SiteStatistics], [Finding]) {
        let (merged, binFindings) = mergingBins(statistics, minCell: minCell)
        let (joint, crossFindings) = droppingSmallJointCells(merged, minCell: minCell)
        let (released, errorFindings) = withholdingSmallErrorCells(joint, minCell: minCell)
        return (released, binFindings + crossFindings + errorFindings)
    }

    /// Findings without repeats of the same group and scope (techniques repeat them), in order.
    static func unique(_ findings: [Finding]) -> [Finding] {
        var out: [Finding] = []
        for finding in findings where !out.contains(where: { $0.group == finding.group && $0.scope == finding.scope }) {
            out.append(finding)
        }
        return out
    }
}
