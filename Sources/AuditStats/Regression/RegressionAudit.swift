/// The audit of one personalized regressor from sites' statistics: pool every group over sites
/// (sums added in site-id order) and evaluate. A local audit is the case of one site, or of
/// several sites given by a site column; a federated audit combines what agents sent.
public enum RegressionAudit {
    /// Combines site statistics and evaluates them; the result does not depend on the order in
    /// which sites are given.
    public static func combine(_ unordered: [RegressionSiteStatistics], settings: EvaluationSettings) -> FairUseEvaluation {
        precondition(!unordered.isEmpty, "no site statistics")
        let sites = unordered.sorted { $0.site < $1.site }
        let keys = sites[0].keys
        let groups = keys.indices.map { j in RegressionGroupStatistics.pooled(sites.compactMap { $0.groups[j] }) }
        let population = RegressionGroupStatistics.pooled(sites.map(\.population))!
        return RegressionEvaluator.evaluate(keys: keys, groups: groups, population: population, settings: settings)
    }

    /// Extracts per-site statistics from predictions and combines them.
    public static func run(_ predictions: RegressionPredictions, extraction: ExtractionSettings,
                           evaluation: EvaluationSettings) -> FairUseEvaluation {
        let sites = predictions.siteIDs.map {
            RegressionSiteStatistics.extract(from: predictions, site: $0, metrics: evaluation.metrics, settings: extraction)
        }
        return combine(sites, settings: evaluation)
    }
}
