/// The audit of one personalized model from sites' statistics: pool every group over sites
/// (counts added, AUC and calibration strata kept per site, in site order) and
/// evaluate. A local audit is the case of one site, or of several sites given by a site column.
public enum FairUseAudit {
    /// Combines site statistics and evaluates them. Sites are pooled in order of their ids, so
    /// float sums (ECE) do not depend on the order in which sites reported.
    public static func combine(_ unordered: [SiteStatistics], settings: EvaluationSettings) -> FairUseEvaluation {
        precondition(!unordered.isEmpty, "no site statistics")
        let sites = unordered.sorted { $0.site < $1.site }
        let keys = sites[0].keys
        // Each group pools independently: in parallel, kept in key order (the population last).
        let pooled = ParallelMap.run(count: keys.count + 1) { j in
            j < keys.count ? GroupStatistics.pooled(sites.compactMap { $0.groups[j] }) : GroupStatistics.pooled(sites.map(\.population))
        }
        let groups = Array(pooled[0..<keys.count])
        let population = pooled[keys.count]!
        return FairUseEvaluator.evaluate(keys: keys, groups: groups, population: population, settings: settings)
    }

    /// Extracts per-site statistics from predictions and combines them.
    public static func run(_ predictions: Predictions, extraction: ExtractionSettings,
                           evaluation: EvaluationSettings) -> FairUseEvaluation {
        let sites = predictions.siteIDs.map {
            SiteStatistics.extract(from: predictions, site: $0, settings: extraction)
        }
        return combine(sites, settings: evaluation)
    }
}
