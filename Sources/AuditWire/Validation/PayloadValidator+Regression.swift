import AuditCore
import AuditSpec
import AuditStats

extension PayloadValidator {
    /// Checks the regression part of a result for a continuous-outcome task: binary `techniques`
    /// empty, `regression_techniques` present, each technique once and in the spec, every number
    /// finite, every group with the spec's metrics in order, 1 + m models, B × models replicate
    /// sums (0 when the site withheld the bootstrap), difference counts equal to the group's rows,
    /// groups adding up to the population, the same rows in every technique, and the row counts.
    static func validateRegression(_ result: TaskResult, spec: AuditSpec) throws(WireError) {
        guard result.techniques.isEmpty else {
            throw WireError(code: .invalidShape, message: "a continuous-outcome task takes regression_techniques, not techniques",
                            field: "techniques")
        }
        guard let entries = result.regressionTechniques, !entries.isEmpty else {
            throw WireError(code: .invalidShape, message: "expected at least one regression technique; a site that computes none refuses",
                            field: "regression_techniques")
        }
        let allowed = spec.techniques.map(\.rawValue)
        let metrics = spec.metrics
        var seen: Set<String> = []
        for (i, entry) in entries.enumerated() {
            let path = "regression_techniques[\(i)]"
            guard allowed.contains(entry.technique), seen.insert(entry.technique).inserted else {
                throw WireError(code: .invalidShape, message: "technique not in the spec's techniques (" + allowed.joined(separator: ", ")
                                + ") or reported twice", field: "\(path).technique")
            }
            let statistics = entry.statistics
            guard statistics.site == result.site.rawValue else {
                throw WireError(code: .siteMismatch, message: "the statistics name a site other than the result's",
                                field: "\(path).statistics.site")
            }
            guard statistics.groups.count == statistics.keys.count, Set(statistics.keys).count == statistics.keys.count else {
                throw WireError(code: .invalidShape, message: "expected one entry per distinct group key", field: "\(path).statistics.groups")
            }
            var rows = 0
            for (j, group) in statistics.groups.enumerated() {
                guard let group else { continue }
                try checkRegressionGroup(group, key: statistics.keys[j], target: 1 + j, models: statistics.keys.count + 1,
                                         metrics: metrics, replicates: spec.tests.bootstrapReplicates,
                                         at: "\(path).statistics.groups[\(j)]")
                rows += group.count
            }
            try checkRegressionGroup(statistics.population, key: GroupKey.population, target: 1, models: 2, metrics: metrics, replicates: 0,
                                     at: "\(path).statistics.population")
            guard rows == statistics.population.count else {
                throw WireError(code: .inconsistentCounts, message: "the groups hold \(rows) rows, the population \(statistics.population.count)",
                                field: "\(path).statistics.population.count")
            }
            let first = entries[0].statistics
            guard statistics.keys == first.keys,
                  statistics.groups.map({ $0?.count }) == first.groups.map({ $0?.count }) else {
                throw WireError(code: .inconsistentCounts, message: "groups or their rows differ from those of regression_techniques[0]",
                                field: "\(path).statistics.groups")
            }
        }
        try checkSuppressions(result, keys: entries[0].statistics.keys)
        try checkRowCounts(result.rowCounts, test: entries[0].statistics.population.count)
    }

    static func checkRegressionGroup(_ g: RegressionGroupStatistics, key: String, target: Int, models: Int,
                                     metrics: [Metric], replicates: Int, at path: String) throws(WireError) {
        func shape(_ field: String, _ message: String) -> WireError { WireError(code: .invalidShape, message: message, field: "\(path).\(field)") }
        guard g.key == key else { throw shape("key", "group key differs from its entry in keys") }
        guard g.target == target else { throw shape("target", "expected target \(target)") }
        guard (0...maxRows).contains(g.count) else {
            throw WireError(code: .inconsistentCounts, message: "expected 0 … \(maxRows) rows", field: "\(path).count")
        }
        guard g.metrics.map(\.metric) == metrics else { throw shape("metrics", "expected the spec's metrics in order") }
        for (k, m) in g.metrics.enumerated() {
            let p = "metrics[\(k)]"
            guard m.lossSums.count == models, m.differences.count == models else {
                throw shape(p, "expected \(models) models")
            }
            guard m.replicates == replicates || m.replicates == 0,
                  m.replicateSums.count == m.replicates * models else {
                throw shape("\(p).replicate_sums", "expected B × \(models) replicate sums")
            }
            let numbers = m.lossSums + m.replicateSums + m.differences.flatMap { [$0.sum, $0.sumOfSquares] }
            if numbers.contains(where: { !$0.isFinite }) {
                throw WireError(code: .nonFiniteNumber, message: "expected finite numbers", field: "\(path).\(p)")
            }
            try checkRegressionBounds(m, count: g.count, target: target, at: "\(path).\(p)")
        }
    }

    /// The bounds a regression metric's sums obey given the group's own rows and loss sums, for
    /// losses ℓ ≥ 0 (squared or absolute error) and d_i = ℓ_r,i − ℓ_t,i:
    /// L_r ≥ 0; every difference has the group's n rows; Σd = L_r − L_t (up to rounding);
    /// (Σd)² ≤ n·Σd² (Cauchy–Schwarz); Σd² ≤ (L_r + L_t)² since |d_i| ≤ ℓ_r,i + ℓ_t,i; the target's
    /// differences are zero; and each bootstrap replicate sum of n draws is at most n·max|d_i| ≤ n·√Σd².
    static func checkRegressionBounds(_ m: RegressionMetricStatistics, count n: Int, target: Int,
                                      at path: String) throws(WireError) {
        func bound(_ field: String, _ message: String) -> WireError {
            WireError(code: .inconsistentCounts, message: message, field: "\(path).\(field)")
        }
        for (r, loss) in m.lossSums.enumerated() where loss < 0 {
            throw bound("loss_sums[\(r)]", "\(loss) is negative; a sum of losses is at least 0")
        }
        let lt = m.lossSums[target]
        for (r, d) in m.differences.enumerated() {
            let lr = m.lossSums[r], field = "differences[\(r)]"
            guard d.count == n else { throw bound("\(field).count", "\(d.count) differs from the group's count \(n)") }
            guard r != target || (d.sum == 0 && d.sumOfSquares == 0) else {
                throw bound(field, "the target model's differences with itself must be 0")
            }
            let tolerance = 1e-7 * (lr + lt) + 1e-9
            guard abs(d.sum - (lr - lt)) <= tolerance else {
                throw bound("\(field).sum", "\(d.sum) differs from loss_sums[\(r)] − loss_sums[\(target)] = \(lr - lt)")
            }
            guard d.sumOfSquares >= 0, d.sumOfSquares <= (lr + lt) * (lr + lt) * (1 + 1e-9) + tolerance else {
                throw bound("\(field).sum_of_squares", "\(d.sumOfSquares) is outside [0, (L_r + L_t)²] = [0, \((lr + lt) * (lr + lt))]")
            }
            guard d.sum * d.sum <= Double(n) * d.sumOfSquares * (1 + 1e-9) + tolerance else {
                throw bound("\(field).sum_of_squares", "\(d.sumOfSquares) is below (Σd)²/n = \(n == 0 ? 0 : d.sum * d.sum / Double(n)) "
                            + "(Cauchy–Schwarz over the group's \(n) rows)")
            }
        }
        let models = m.lossSums.count
        for (index, sum) in m.replicateSums.enumerated() {
            let r = index % models, limit = Double(n) * m.differences[r].sumOfSquares.squareRoot()
            guard abs(sum) <= limit * (1 + 1e-9) + 1e-9 else {
                throw bound("replicate_sums[\(index)]", "|\(sum)| exceeds n·√Σd² = \(limit), the most \(n) draws of "
                            + "differences[\(r)] can add up to")
            }
        }
    }
}
