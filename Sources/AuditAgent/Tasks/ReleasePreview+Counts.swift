import AuditModels
import AuditSpec
import AuditStats
import AuditWire
import Foundation

extension ReleasePreview {
    /// A preview from the spec and the data's group × label counts of the test split, without
    /// fitting a model (for a site where running the task at approval time is too heavy). Which
    /// groups are withheld is exact (the split is stratified by group × label, `GroupCensus`);
    /// what depends on the models' predictions — merged bins, dropped joint cells, withheld error
    /// statistics — is not known, and the preview says so.
    public static func fromCounts(_ task: SiteTask, runner: TaskRunner) async -> ReleasePreview {
        let spec = task.spec, policy = runner.policy
        func refusal(_ code: String, _ reason: String) -> ReleasePreview {
            refused(TaskRefusal(task: task.id, site: runner.site, code: code, reason: reason), task: task, basis: .counts)
        }
        if let refused = policy.check(spec) { return refusal(refused.code, refused.reason) }
        guard spec.outcome.type == .binary else {
            return ReleasePreview(basis: .counts, released: [], withheld: [], numbers: nil, refusal: nil, lines: [
                "A count-based preview covers binary outcomes; for \(spec.name) (continuous outcome) run the preview "
                    + "without --quick.",
            ])
        }
        let census: [TestabilityPlan.GroupCount]
        do {
            census = GroupCensus.counts(try await SiteData(runner.data).load(spec: spec).dataset, spec: spec)
        } catch {
            return refusal(RefusalCode.dataInvalid, RefusalReason.dataInvalid(error))
        }
        if let refused = policy.check(groupCount: census.count) { return refusal(refused.code, refused.reason) }
        let small = { (n: Int) in Disclosure.isSmall(n, minCell: policy.minCell) }
        let withheld = census.filter { small($0.testPositives) || small($0.testRows - $0.testPositives) }
        let released = census.filter { $0.testRows > 0 && !withheld.map(\.key).contains($0.key) }
        let testRows = released.reduce(0) { $0 + $1.testRows }
        var lines = [
            "What task \(task.id) (\(spec.name)) would send, from the spec and the data's group counts only: no model was "
                + "fitted and nothing was sent.",
            "policy: min_cell \(policy.minCell) · techniques \(spec.techniques.map(\.rawValue).joined(separator: ", ")) · "
                + "metrics \(spec.metrics.map(\.rawValue).joined(separator: ", ")) · \(spec.tests.eceBins) ECE bins",
            "test rows in the released groups: \(testRows)",
            "groups: \(released.count) of \(census.count) with rows released, \(withheld.count) withheld",
        ]
        lines += census.map { group in
            withheld.contains { $0.key == group.key } ? "  withheld  \(group.key)" : "  released  \(group.key)"
        }
        lines.append("not known without fitting the models: which calibration bins of each model are "
                     + "merged (ECE on k of \(spec.tests.eceBins) bins), which joint calibration cells are dropped, and whether a group's "
                     + "error statistics are withheld, and which groups the cross-audit check (earlier releases on the same "
                     + "data) withholds; run the preview without --quick to see them")
        lines.append("statistics sent, per released group and technique:")
        lines += binaryStatistics(spec)
        let bound = spec.techniques.count
            * WireNumbers.bound(groups: released.count, keys: census.count, bins: spec.tests.eceBins) + 4
        lines.append("numbers: at most \(bound) in all (before bins are merged and joint cells dropped)")
        let findings = Disclosure.groupFindings(Set(census.indices.filter { i in withheld.contains { $0.key == census[i].key } }),
                                                keys: census.map(\.key), minCell: policy.minCell)
        lines.append(findings.isEmpty ? "withheld: no group" : "withheld:")
        lines += findings.map { "  \($0.group ?? "(population)") · \($0.scope.rawValue): \($0.reason)" }
        return ReleasePreview(basis: .counts, released: released.map(\.key), withheld: withheld.map(\.key),
                              numbers: bound, refusal: nil, lines: lines)
    }
}
