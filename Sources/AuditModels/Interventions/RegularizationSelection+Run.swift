import AuditCore
import AuditModelTypes
import AuditSpec
import AuditStats

extension RegularizationSelection {
    /// Cross-validates every C of `grid` for one technique and chooses.
    public static func run(_ data: TrainingData, technique: Technique, grid: [Double], folds: Int,
                           metric: Metric, eceBins: Int) throws -> RegularizationSelection {
        let grid = Array(Set(grid)).sorted()
        precondition(!grid.isEmpty && grid.allSatisfy { $0 > 0 && $0.isFinite }, "a grid of positive numbers")
        let seed = data.spec.split.seed
        let rows = data.train
        let partition = StratifiedFolds(keys: rows.map { data.dataset.rowKeys[$0] }, labels: data.labels(rows),
                                        folds: folds, seed: seed)
        let labels = data.labels(rows)
        let groups = rows.map { data.keyIndex[$0] }
        let parts = (0..<folds).map { f in
            (fit: rows.indices.filter { partition.fold[$0] != f }.map { rows[$0] },
             held: rows.indices.filter { partition.fold[$0] == f })
        }
        let preprocessors = parts.map { Preprocessor(dataset: data.dataset, trainingRows: $0.fit) }
        var points: [GridPoint] = []
        for c in grid {
            var outOfFold = [Double](repeating: 0, count: rows.count)
            for (f, part) in parts.enumerated() {
                let fitted = try data.fit(technique: technique, rows: part.fit, c: c, preprocessor: preprocessors[f])
                let own = fitted.predict(data, rows: part.held.map { rows[$0] }).own
                for (k, i) in part.held.enumerated() { outOfFold[i] = own[k] }
            }
            let population = MetricValues.values(metric, labels: labels, probabilities: outOfFold, modelCount: 1, eceBins: eceBins)[0]
            var byGroup = [[Int]](repeating: [], count: data.keys.count)
            for (i, g) in groups.enumerated() { byGroup[g].append(i) }
            let groupValues = byGroup.map { idx in
                MetricValues.values(metric, labels: idx.map { labels[$0] }, probabilities: idx.map { outOfFold[$0] },
                                    modelCount: 1, eceBins: eceBins)[0]
            }
            points.append(GridPoint(c: c, population: population, groups: groupValues, keys: data.keys,
                                    higherIsBetter: metric.higherIsBetter))
        }
        let chosen = choose(points, higherIsBetter: metric.higherIsBetter)
        return RegularizationSelection(technique: technique, metric: metric, folds: folds, seed: seed, keys: data.keys,
                                       grid: points, populationBest: grid[chosen.population],
                                       worstGroupBest: grid[chosen.worstGroup], atPopulationBest: nil, atWorstGroupBest: nil)
    }
}
