import AuditCore
import AuditModels
import AuditSpec
import AuditStats
import AuditWire
import Foundation

extension TaskRunner {
    /// A continuous outcome: fits the regressors locally, computes each technique's regression sums
    /// and withholds every group with fewer than `min_cell` test rows (from the population too, so
    /// no group is recoverable by subtraction). The result carries `regression_techniques`.
    func releaseRegression(_ task: SiteTask, dataset: AuditDataset, label: String, extraction: ExtractionSettings,
                           context: CrossAuditContext?, progress: @Sendable (LocalAudit.Stage, String) -> Void) throws -> Release {
        let rare = RareLevels.find(dataset, minCell: policy.minCell)
        let trained = try LocalRegressionAudit.train(spec: task.spec, dataPath: label,
                                                     dataset: rare.attributes.isEmpty ? dataset : dataset.keepingRows(rare.kept),
                                                     progress: progress)
        if let refusal = policy.check(groupCount: trained.result.groups.count) {
            return Release(refusal: (refusal.code, refusal.reason))
        }
        var extraction = extraction
        // No bootstrap replicate sums leave the site: the coordinator picks the root seed, so it
        // could rebuild the resampling weights and, with B ≥ n sums, solve for every row's loss
        // difference (Protocol/disclosure-model.md). The primary paired t-test needs only the
        // moments; the secondary regression bootstrap is a local-audit feature.
        extraction.bootstrapReplicates = 0
        var techniques: [RegressionTechniqueStatistics] = []
        var withheldKeys = Set<String>()
        for technique in trained.techniques {
            let predictions = technique.predictions
            withheldKeys.formUnion(RegressionDisclosure.suppressedGroups(predictions, minCell: policy.minCell).map { predictions.keys[$0] })
        }
        let cross = crossAudit(context, dataset: dataset, binary: false,
                               released: Set(trained.result.groups.map(\.key)).subtracting(withheldKeys), task: task)
        if let reason = cross.refusal { return Release(refusal: (RefusalCode.disclosureRisk, reason)) }
        for technique in trained.techniques {
            progress(.statistics, "\(technique.technique.rawValue): regression statistics")
            var predictions = technique.predictions
            predictions.sites = Array(repeating: site.rawValue, count: predictions.count)
            let withheld = Set(predictions.keys.indices.filter { withheldKeys.contains(predictions.keys[$0]) || cross.withheld.contains(predictions.keys[$0]) })
            let kept = RegressionDisclosure.withholding(predictions, groups: withheld)
            let statistics = RegressionSiteStatistics.extract(from: kept, site: site.rawValue, metrics: task.spec.metrics,
                                                              settings: extraction)
            techniques.append(RegressionTechniqueStatistics(technique: technique.technique.rawValue, statistics: statistics))
        }
        let suppressed = withheldKeys.sorted().map {
            Suppression(group: $0, scope: .group, rule: .belowMinCell, minCell: policy.minCell)
        }
        return Release(groups: trained.result.groups, withheld: withheldKeys.union(cross.withheld),
                       suppressed: RareLevels.findings(rare.attributes, minCell: policy.minCell) + suppressed + cross.findings,
                       regressionTechniques: techniques)
    }
}

/// Disclosure control of regression statistics: a group whose test rows at a site number fewer
/// than `min_cell` is withheld entirely (its sums would describe too few patients).
public enum RegressionDisclosure {
    /// Indices of the groups with 1 … min_cell − 1 rows.
    public static func suppressedGroups(_ predictions: RegressionPredictions, minCell: Int) -> Set<Int> {
        var counts = [Int](repeating: 0, count: predictions.groupCount)
        for g in predictions.groups { counts[Int(g)] += 1 }
        return Set(counts.indices.filter { counts[$0] > 0 && counts[$0] < minCell })
    }

    /// The predictions without the rows of `groups`.
    public static func withholding(_ predictions: RegressionPredictions, groups: Set<Int>) -> RegressionPredictions {
        guard !groups.isEmpty else { return predictions }
        let keep = (0..<predictions.count).filter { !groups.contains(Int(predictions.groups[$0])) }
        let m = predictions.groupCount
        return RegressionPredictions(keys: predictions.keys, sites: keep.map { predictions.sites[$0] },
                                     groups: keep.map { predictions.groups[$0] }, outcomes: keep.map { predictions.outcomes[$0] },
                                     generic: keep.map { predictions.generic[$0] },
                                     personalized: keep.flatMap { i in (0..<m).map { predictions.personalized[i * m + $0] } })
    }
}
