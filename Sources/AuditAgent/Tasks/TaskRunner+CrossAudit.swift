import AuditModels
import AuditSpec
import AuditWire
import Foundation

extension TaskRunner {
    /// What the cross-audit check needs for one task: the data's digest and every earlier release
    /// on the same data, rebuilt on its rows from the release register.
    struct CrossAuditContext {
        var digest: String
        var earlier: [ReleasedPartition]
    }

    /// Reads the register and rebuilds each earlier release on the data `loaded` read (the same
    /// digest, so the same rows in the same order); nil when the runner keeps no register.
    /// Earlier releases of the same task (a resend after a restart) are not "earlier".
    func crossAuditContext(_ data: SiteData, loaded: SiteData.Loaded, task: SiteTask) async throws -> CrossAuditContext? {
        guard let register else { return nil }
        var datasets: [String: AuditDataset] = [:]
        var earlier: [ReleasedPartition] = []
        for record in try register.releases(onDataset: loaded.digest) where record.task != task.id.rawValue {
            let spec = try AuditSpec.parse(yaml: record.specYAML, source: register.path)
            let dataset: AuditDataset
            if let known = datasets[record.specYAML] { dataset = known } else { dataset = try await data.load(spec: spec, sameAs: loaded) }
            datasets[record.specYAML] = dataset
            earlier.append(ReleasedPartition(name: "audit \(record.audit) (task \(record.task))", keys: dataset.rowKeys,
                                             labels: spec.outcome.type == .binary ? dataset.labels : nil,
                                             released: Set(record.releasedGroups)))
        }
        return CrossAuditContext(digest: loaded.digest, earlier: earlier)
    }

    /// The cross-audit decision on a candidate release of `released` keys over `dataset` (every
    /// row of the data, keyed by this task's spec): groups to withhold with their findings, or the
    /// refusal reason.
    func crossAudit(_ context: CrossAuditContext?, dataset: AuditDataset, binary: Bool,
                    released: Set<String>, task: SiteTask) -> (withheld: Set<String>, findings: [Suppression], refusal: String?) {
        guard let context, !context.earlier.isEmpty else { return ([], [], nil) }
        let candidate = ReleasedPartition(name: "audit \(task.audit) (task \(task.id))", keys: dataset.rowKeys,
                                          labels: binary ? dataset.labels : nil, released: released)
        let decision = CrossAuditCheck.decide(earlier: context.earlier, candidate: candidate, minCell: policy.minCell,
                                              withhold: policy.crossAudit == .withhold)
        if let refusal = decision.refusal { return ([], [], refusal.reason(minCell: policy.minCell)) }
        // On the wire a closed vocabulary (scope group, rule earlier_release); which earlier audit
        // it combines with is in the site's register and the approver's preview.
        let findings = decision.withheld.map {
            Suppression(group: $0.key, scope: .group, rule: .earlierRelease, minCell: policy.minCell)
        }
        return (Set(decision.withheld.map(\.key)), findings, nil)
    }
}
