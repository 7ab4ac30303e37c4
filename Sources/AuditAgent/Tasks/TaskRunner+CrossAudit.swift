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

    /// Reads the register and rebuilds each earlier release on the data at `path` with SHA-256
    /// `digest` (the same bytes,
    /// so the same rows in the same order); nil when the runner keeps no register. Earlier
    /// releases of the same task (a resend after a restart) are not "earlier".
    func crossAuditContext(path: String, digest: String, task: SiteTask) throws -> CrossAuditContext? {
        guard let register else { return nil }
        var loaded: [String: AuditDataset] = [:]
        let earlier = try register.releases(onDataset: digest).filter { $0.task != task.id.rawValue }.map { record in
            let spec = try AuditSpec.parse(yaml: record.specYAML, source: register.path)
            let dataset = try loaded[record.specYAML] ?? AuditDataset.load(path: path, spec: spec)
            loaded[record.specYAML] = dataset
            return ReleasedPartition(name: "audit \(record.audit) (task \(record.task))", keys: dataset.rowKeys,
                                     labels: spec.outcome.type == .binary ? dataset.labels : nil,
                                     released: Set(record.releasedGroups))
        }
        return CrossAuditContext(digest: digest, earlier: earlier)
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
