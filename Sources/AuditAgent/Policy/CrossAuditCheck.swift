/// Differencing control across audits (`Protocol/disclosure-model.md`, "Across audits"): decides
/// whether a candidate release, together with every earlier release on the same data, makes a
/// number of patients derivable that must not be — a set of 1 … min_cell − 1 rows, or the rows or
/// outcome counts of a group some release withheld — and which of the candidate's groups to
/// withhold so that none is.
///
/// Method. Every released number is a count of rows, i.e. the dot product of a 0/1 membership
/// vector with the all-ones vector: a group's rows, its positives, the released total, the
/// population's positives. Rows with the same membership in every such set (and the same keys
/// and labels under the candidate) are merged into one *atom*; any number derivable by adding and
/// subtracting released counts is ⟨w, atom sizes⟩ for a w in the span of the released vectors over
/// atoms, and it counts a set of patients exactly when w is 0/1. A set can only be below min_cell
/// if all its atoms are, so the check enumerates every union of atoms whose total is 1 … min_cell
/// − 1 and every withheld group's set (rows, positives, negatives), and tests each for
/// membership in the span by exact integer elimination (``RowSpace``) — newly, i.e. in the span
/// with the candidate and not in the span of the earlier releases alone (what those reveal was
/// decided when they left).
enum CrossAuditCheck {
    /// What a release would reveal.
    struct Finding: Sendable, Equatable {
        /// The kind of set that becomes derivable.
        enum Kind: Sendable, Equatable {
            /// A set of 1 … min_cell − 1 patients.
            case smallCell
            /// The rows, positives or negatives of a group that a release withheld.
            case withheldGroup
            /// The releases are too fine to check exactly (too many small atoms, or an overflow).
            case tooComplex
        }

        var kind: Kind
        /// Names of the earlier releases it combines with (those without which it is not derivable).
        var combinesWith: [String]
        /// The set, as a 0/1 vector over atoms (empty for `tooComplex`).
        var set: [Int] = []

        /// The rule in words an approver can read: which earlier releases, never a count or value.
        func reason(minCell: Int) -> String {
            let earlier = combinesWith.isEmpty ? "this site's earlier releases on the same data"
                : "this site's earlier release\(combinesWith.count == 1 ? "" : "s") of " + combinesWith.joined(separator: ", ")
                    + " on the same data"
            switch kind {
            case .smallCell:
                return "combined with \(earlier), the numbers would reveal by subtraction a count of patients below min_cell (\(minCell))"
            case .withheldGroup:
                return "combined with \(earlier), the numbers would reveal by subtraction the rows or outcomes of a group "
                    + "that was withheld under min_cell (\(minCell))"
            case .tooComplex:
                return "this site's releases on the same data are too fine to check exactly for differencing (min_cell \(minCell)), "
                    + "so nothing more is released"
            }
        }
    }

    /// The outcome: candidate groups to withhold (each with the finding that made it necessary),
    /// or a refusal when the policy says refuse, the check cannot be completed, or every group
    /// would have to be withheld.
    struct Decision: Sendable {
        var withheld: [(key: String, finding: Finding)] = []
        var refusal: Finding?
    }

    /// Subsets of small atoms tested at most before the check gives up and fails closed.
    static let searchLimit = 200_000

    /// Decides on `candidate` given `earlier` releases on the same rows. `withhold` says whether
    /// groups may be withheld (`policy.cross_audit: withhold`) or any disclosure refuses the task.
    static func decide(earlier: [ReleasedPartition], candidate: ReleasedPartition, minCell: Int,
                       withhold: Bool) -> Decision {
        guard !earlier.isEmpty else { return Decision() }
        do {
            let atoms = try Atoms(earlier: earlier, candidate: candidate)
            var decision = Decision()
            var removed = Set<String>()
            while let found = try atoms.firstDisclosure(removing: removed, minCell: minCell) {
                guard withhold, found.kind != .tooComplex else { return Decision(refusal: found) }
                // Withhold groups, smallest first, until this set is no longer derivable, then put
                // back every one that is not needed for that (withholding them all always works:
                // the candidate then adds nothing).
                let options = candidate.released.subtracting(removed).sorted {
                    (atoms.size[$0] ?? 0, $0) < (atoms.size[$1] ?? 0, $1)
                }
                var chosen: [String] = []
                for key in options {
                    chosen.append(key)
                    if try !atoms.derivable(found.set, removing: removed.union(chosen)) { break }
                }
                for key in chosen.reversed() where chosen.count > 1 {
                    let fewer = chosen.filter { $0 != key }
                    if try !atoms.derivable(found.set, removing: removed.union(fewer)) { chosen = fewer }
                }
                removed.formUnion(chosen)
                decision.withheld += chosen.map { ($0, found) }
                // Nothing would be left to release: a refusal says so more plainly than an empty result.
                if removed.isSuperset(of: candidate.released) { return Decision(refusal: found) }
            }
            return decision
        } catch {
            return Decision(refusal: Finding(kind: .tooComplex, combinesWith: []))
        }
    }
}
