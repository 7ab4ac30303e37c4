import AuditCore

/// Everything one site contributes to the audit of one personalized regressor: per-group
/// regression statistics and the population comparison (h0 against each row's own h_g), all
/// aggregates. A local audit computes one per site and combines them as the coordinator would.
public struct RegressionSiteStatistics: Sendable, Codable, Equatable {
    /// The site's id.
    public var site: String
    /// Group keys G.
    public var keys: [String]
    /// Per key: the group's statistics, nil when the site has no rows of that group.
    public var groups: [RegressionGroupStatistics?]
    /// h0 (model 0) against the personalized predictions (model 1) on all the site's rows; no bootstrap.
    public var population: RegressionGroupStatistics

    /// Computes the statistics of the rows of `predictions` at `site` for `metrics` (regression
    /// metrics). Groups are processed in parallel; the result does not depend on scheduling.
    public static func extract(from predictions: RegressionPredictions, site: String, metrics: [Metric],
                               settings: ExtractionSettings) -> RegressionSiteStatistics {
        precondition(metrics.allSatisfy(\.isRegression), "regression metrics only")
        let m = predictions.groupCount, models = m + 1
        var rowsByGroup = [[Int]](repeating: [], count: m)
        var siteRows: [Int] = []
        for i in 0..<predictions.count where predictions.sites[i] == site {
            rowsByGroup[Int(predictions.groups[i])].append(i)
            siteRows.append(i)
        }
        let groupRows = rowsByGroup, allRows = siteRows
        let results = ParallelMap.run(count: m + 1) { j -> RegressionGroupStatistics? in
            if j == m {
                let predictionsOf = allRows.flatMap { [predictions.generic[$0], predictions.own($0)] }
                return extract(key: GroupKey.population, target: 1, outcomes: allRows.map { predictions.outcomes[$0] },
                               predictions: predictionsOf, models: 2, metrics: metrics,
                               replicates: 0, rootSeed: settings.rootSeed, site: site)
            }
            let indices = groupRows[j]
            guard !indices.isEmpty else { return nil }
            var values = [Double](repeating: 0, count: indices.count * models)
            for (k, i) in indices.enumerated() {
                values[k * models] = predictions.generic[i]
                for g in 0..<m { values[k * models + 1 + g] = predictions.personalized[i * m + g] }
            }
            return extract(key: predictions.keys[j], target: 1 + j, outcomes: indices.map { predictions.outcomes[$0] },
                           predictions: values, models: models, metrics: metrics,
                           replicates: settings.bootstrapReplicates, rootSeed: settings.rootSeed, site: site)
        }
        return RegressionSiteStatistics(site: site, keys: predictions.keys, groups: Array(results[0..<m]),
                                        population: results[m]!)
    }

    /// The statistics of one group's rows: `predictions` is row-major n × models.
    /// Per metric: loss sums, difference sums against `target`, and the bootstrap's replicate sums.
    public static func extract(key: String, target: Int, outcomes: [Double], predictions: [Double], models: Int,
                               metrics: [Metric], replicates: Int, rootSeed: UInt64,
                               site: String) -> RegressionGroupStatistics {
        let n = outcomes.count
        precondition(predictions.count == n * models && target < models, "predictions do not match the rows")
        var differenceMatrices: [[Double]] = []
        var partial: [RegressionMetricStatistics] = []
        var losses = [Double](repeating: 0, count: models)
        for metric in metrics {
            var lossSums = [Double](repeating: 0, count: models)
            var sums = [PairedDifferenceSums](repeating: PairedDifferenceSums(), count: models)
            var d = [Double](repeating: 0, count: n * models)
            for i in 0..<n {
                for r in 0..<models {
                    losses[r] = metric.loss(prediction: predictions[i * models + r], outcome: outcomes[i])
                    lossSums[r] += losses[r]
                }
                for r in 0..<models {
                    let difference = losses[r] - losses[target]
                    d[i * models + r] = difference
                    sums[r].add(difference)
                }
            }
            differenceMatrices.append(d)
            partial.append(RegressionMetricStatistics(metric: metric, lossSums: lossSums, differences: sums,
                                                      replicates: replicates, replicateSums: []))
        }
        let replicateSums = RegressionBootstrap.replicateSums(
            differences: differenceMatrices, rows: n, models: models, replicates: replicates,
            rootSeed: rootSeed, site: site, group: key)
        for k in partial.indices { partial[k].replicateSums = replicateSums[k] }
        return RegressionGroupStatistics(key: key, target: target, count: n, metrics: partial)
    }
}
