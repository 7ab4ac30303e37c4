import AuditCore
import Foundation

/// Everything one site contributes to an audit of one personalized model: per-group sufficient
/// statistics and the population comparison, all aggregates (spec §4). This is what a site
/// agent sends; a local audit computes one per site and combines them the same way.
public struct SiteStatistics: Sendable, Codable, Equatable {
    /// The site's id.
    public var site: String
    /// Group keys G (the columns of every model index).
    public var keys: [String]
    /// Per key: the group's statistics, nil when the site has no rows of that group.
    public var groups: [GroupStatistics?]
    /// h0 (model 0) against the personalized predictions (model 1) on all the site's rows.
    public var population: GroupStatistics

    /// Computes the statistics of the rows of `predictions` whose site is `site`.
    /// Groups are processed in parallel; the result does not depend on scheduling.
    public static func extract(from predictions: Predictions, site: String,
                               settings: ExtractionSettings) -> SiteStatistics {
        let m = predictions.groupCount, models = m + 1
        var rowsByGroup = [[Int]](repeating: [], count: m)
        var siteRows: [Int] = []
        for i in 0..<predictions.count where predictions.sites[i] == site {
            rowsByGroup[Int(predictions.groups[i])].append(i)
            siteRows.append(i)
        }
        var localSettings = settings
        localSettings.site = site
        let siteSettings = localSettings
        let groupRows = rowsByGroup, allRows = siteRows
        let results = ParallelMap.run(count: m + 1) { j -> GroupStatistics? in
            if j == m {
                let rows = GroupRows(
                    labels: allRows.map { predictions.labels[$0] },
                    probabilities: allRows.flatMap { [predictions.generic[$0], predictions.own($0)] },
                    modelCount: 2)
                return GroupStatistics.extract(key: GroupKey.population, target: 1, rows: rows, settings: siteSettings)
            }
            let indices = groupRows[j]
            guard !indices.isEmpty else { return nil }
            var probabilities = [Double](repeating: 0, count: indices.count * models)
            for (k, i) in indices.enumerated() {
                probabilities[k * models] = predictions.generic[i]
                for g in 0..<m { probabilities[k * models + 1 + g] = predictions.personalized[i * m + g] }
            }
            let rows = GroupRows(labels: indices.map { predictions.labels[$0] },
                                 probabilities: probabilities, modelCount: models)
            return GroupStatistics.extract(key: predictions.keys[j], target: 1 + j, rows: rows,
                                           settings: siteSettings)
        }
        return SiteStatistics(site: site, keys: predictions.keys, groups: Array(results[0..<m]),
                              population: results[m]!)
    }
}
