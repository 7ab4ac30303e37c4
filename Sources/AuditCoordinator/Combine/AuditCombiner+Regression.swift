import AuditReport
import AuditSpec
import AuditStats
import AuditWire

extension AuditCombiner {
    /// The technique sections of a continuous-outcome audit: per technique, the sites' regression
    /// sums are pooled exactly as a local audit pools sites (`RegressionAudit.combine`, sites in id
    /// order), so the federated result equals the pooled analysis with sites as strata; each gain's
    /// per-site estimates are meta-analysed (`RegressionHeterogeneity`).
    static func regressionSections(spec: AuditSpec, results: [TaskResult],
                                   settings: EvaluationSettings) -> [ReportDocument.TechniqueSection] {
        spec.techniques.compactMap { technique in
            let sites = results.compactMap { r in
                r.regressionTechniques?.first { $0.technique == technique.rawValue }?.statistics
            }
            guard !sites.isEmpty else { return nil }
            return ReportDocument.TechniqueSection(
                name: technique.rawValue, indicatorColumns: nil, model: nil, decoupledModels: nil, fallbacks: nil,
                evaluation: RegressionAudit.combine(sites, settings: settings), notes: [],
                heterogeneity: RegressionHeterogeneity.entries(sites: sites, metrics: settings.metrics))
        }
    }
}
