import AuditCore

extension AuditSpec {
    /// The report note of decision D4, or nil when it does not apply: with a logistic model and
    /// `onehot` or `intersectional` encoding, h(x, g′) = σ(w·x + b_g′) only shifts a row's score by a
    /// group offset, so the ranking of any group's rows, and hence its AUC, is the same whichever
    /// group it reports: the envy-freeness AUC gains are 0 by construction. Forests, networks and
    /// decoupled models have no such structure. One wording for local and federated reports.
    public func constructionNote(for technique: Technique) -> String? {
        guard technique != .decoupled, metrics.contains(.auc), model.modelClass == .logisticRegression else {
            return nil
        }
        return "with \(technique.rawValue) encoding every h(·, g′) adds a group offset to the same score, "
            + "so envy-freeness AUC gains are 0 by construction (decision D4)"
    }
}
