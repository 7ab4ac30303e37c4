import AuditSpec
import AuditStats

/// What one group's statistics must look like under a spec, and the checks of its shapes and
/// counts (spec §4; `AuditStats.GroupStatistics`). Numbers are already known to be finite.
struct GroupExpectation {
    /// Base calibration bins per model (`tests.ece_bins`); a site may merge them (`calibration_edges`).
    let bins: Int
    /// Bootstrap replicates B (`tests.bootstrap`); 0 means no bootstrap.
    let replicates: Int
    /// What the site reports as suppressed.
    let suppressed: [Suppression]

    init(spec: AuditSpec, suppressed: [Suppression]) {
        bins = spec.tests.eceBins
        replicates = spec.tests.bootstrapReplicates
        self.suppressed = suppressed
    }

    /// Whether the site reports withholding the bootstrap of group `key`.
    func bootstrapSuppressed(_ key: String) -> Bool {
        suppressed.contains { $0.scope == "bootstrap" && ($0.group == nil || $0.group == key) }
    }

    /// Checks one group: `models` = R, `target` = index of h_g; the population has no bootstrap.
    func check(_ g: GroupStatistics, key: String, target: Int, models: Int, isPopulation: Bool = false,
               at path: String) throws(WireError) {
        guard g.key == key else { throw shape("\(path).key", "group key differs from its entry in keys") }
        guard g.target == target else { throw shape("\(path).target", "expected target \(target)") }
        for (name, count) in [("wrong", g.wrong.count), ("log_loss_sum", g.logLossSum.count),
                              ("brier_sum", g.brierSum.count), ("discordance", g.discordance.count),
                              ("calibration", g.calibration.count)] where count != models {
            throw shape("\(path).\(name)", "expected \(models) models, found \(count)")
        }
        guard (0...PayloadValidator.maxRows).contains(g.count) else {
            throw counts("\(path).count", "expected 0 … \(PayloadValidator.maxRows) rows")
        }
        guard (0...g.count).contains(g.positives) else {
            throw counts("\(path).positives", "expected 0 … \(g.count) positives (the group's rows)")
        }
        try checkModels(g, target: target, at: path)
        let edges = try calibrationEdges(g, at: path)
        try checkCalibration(g, edges: edges, at: path)
        try checkAUC(g, target: target, at: path)
        try checkBootstrap(g, models: models, bins: edges.count, isPopulation: isPopulation, at: path)
    }

    private func checkModels(_ g: GroupStatistics, target: Int, at path: String) throws(WireError) {
        for r in 0..<g.wrong.count {
            guard (0...g.count).contains(g.wrong[r]) else {
                throw counts("\(path).wrong[\(r)]", "expected 0 … \(g.count) wrong predictions")
            }
            guard g.logLossSum[r] >= 0 else { throw counts("\(path).log_loss_sum[\(r)]", "expected a sum ≥ 0") }
            guard g.brierSum[r] >= 0, g.brierSum[r] <= Double(g.count) * (1 + 1e-12) else {
                throw counts("\(path).brier_sum[\(r)]", "expected a sum in [0, \(g.count)]")
            }
            let d = g.discordance[r], cell = "\(path).discordance[\(r)]"
            guard (0...g.count).contains(d.n10) else { throw counts("\(cell).n10", "expected 0 … \(g.count)") }
            guard (0...g.count).contains(d.n01) else { throw counts("\(cell).n01", "expected 0 … \(g.count)") }
            guard d.n10 + d.n01 <= g.count else {
                throw counts(cell, "n10 + n01 = \(d.n10 + d.n01) exceeds the group's \(g.count) rows")
            }
            guard d.n10 - d.n01 == g.wrong[r] - g.wrong[target] else {
                throw counts(cell, "n10 − n01 must equal wrong[\(r)] − wrong[\(target)]")
            }
            guard r != target || (d.n10 == 0 && d.n01 == 0) else {
                throw counts(cell, "the target model's table against itself must be empty")
            }
        }
    }

    /// The last base bin of each of the group's bins: `calibration_edges` when the site merged bins
    /// (strictly increasing, within the base bins, ending at the last), else every base bin.
    private func calibrationEdges(_ g: GroupStatistics, at path: String) throws(WireError) -> [Int] {
        guard let edges = g.calibrationEdges else { return Array(0..<bins) }
        let field = "\(path).calibration_edges"
        guard !edges.isEmpty, edges.count <= bins else { throw shape(field, "expected 1 … \(bins) merged bins") }
        for (t, edge) in edges.enumerated() where !(0..<bins).contains(edge) || (t > 0 && edge <= edges[t - 1]) {
            throw shape("\(field)[\(t)]", "expected strictly increasing base-bin indices in 0 … \(bins - 1)")
        }
        guard edges.last == bins - 1 else {
            throw shape(field, "the last merged bin must end at base bin \(bins - 1) (tests.ece_bins − 1)")
        }
        return edges
    }

    private func checkCalibration(_ g: GroupStatistics, edges: [Int], at path: String) throws(WireError) {
        let expected = edges.count
        for (r, c) in g.calibration.enumerated() {
            let base = "\(path).calibration[\(r)]"
            for (name, count) in [("counts", c.counts.count), ("residual_sums", c.residualSums.count),
                                  ("positives", c.positives.count)] where count != expected {
                throw shape("\(base).\(name)", "expected \(expected) bins (tests.ece_bins, or calibration_edges "
                            + "when merged), found \(count)")
            }
            var rows = 0, positives = 0
            for k in 0..<expected {
                let n = c.counts[k]
                guard (0...g.count).contains(n) else {
                    throw counts("\(base).counts[\(k)]", "expected 0 … \(g.count) rows")
                }
                guard (0...n).contains(c.positives[k]) else {
                    throw counts("\(base).positives[\(k)]", "expected 0 … \(n) positives (the bin's rows)")
                }
                rows += n
                positives += c.positives[k]
                // Bin k covers base bins first … last, i.e. p in (first/B, (last+1)/B] (p = 0 in
                // base bin 0), so Σ(p − y) lies in [n·first/B − Σy, n·(last+1)/B − Σy].
                let first = k == 0 ? 0 : edges[k - 1] + 1, last = edges[k]
                let low = Double(n) * Double(first) / Double(bins) - Double(c.positives[k])
                let high = Double(n) * Double(last + 1) / Double(bins) - Double(c.positives[k])
                let slack = 1e-9 * Double(n + 1)
                guard c.residualSums[k] >= low - slack, c.residualSums[k] <= high + slack else {
                    throw counts("\(base).residual_sums[\(k)]", "outside the range its bin's edges allow for \(n) rows")
                }
            }
            guard rows == g.count else { throw counts("\(base).counts", "bins hold \(rows) rows, the group \(g.count)") }
            guard positives == g.positives else {
                throw counts("\(base).positives", "bins hold \(positives) positives, the group \(g.positives)")
            }
        }
    }

    private func checkAUC(_ g: GroupStatistics, target: Int, at path: String) throws(WireError) {
        let expected = g.count > 0 ? 1 : 0
        guard g.auc.count == expected else {
            throw shape("\(path).auc", "expected \(expected) stratum (one per site with rows), found \(g.auc.count)")
        }
        guard let stratum = g.auc.first else { return }
        let base = "\(path).auc[0]", models = g.wrong.count
        guard stratum.positives == g.positives else {
            throw counts("\(base).positives", "expected the group's \(g.positives) positives")
        }
        guard stratum.negatives == g.count - g.positives else {
            throw counts("\(base).negatives", "expected the group's \(g.count - g.positives) negatives")
        }
        guard stratum.placementSums.count == models else {
            throw shape("\(base).placement_sums", "expected \(models) models, found \(stratum.placementSums.count)")
        }
        guard stratum.differences.count == models else {
            throw shape("\(base).differences", "expected \(models) models, found \(stratum.differences.count)")
        }
        let m = Int64(stratum.positives), n = Int64(stratum.negatives)
        let pairs = 2 * m * n  // ≤ 2·10^18: counts are at most 10^9 each
        for r in 0..<models where !(0...pairs).contains(stratum.placementSums[r]) {
            throw counts("\(base).placement_sums[\(r)]", "expected 0 … 2·M·N = \(pairs)")
        }
        for r in 0..<models {
            let d = stratum.differences[r], cell = "\(base).differences[\(r)]"
            // Σ over positives of A_t − A_r, and over negatives, both equal Σ A_t − Σ A_r (each class's
            // placements sum to 2·M·N·AUC).
            let difference = stratum.placementSums[target] - stratum.placementSums[r]
            guard d.positiveSum == difference else {
                throw counts("\(cell).positive_sum", "expected placement_sums[\(target)] − placement_sums[\(r)]")
            }
            guard d.negativeSum == difference else {
                throw counts("\(cell).negative_sum", "expected placement_sums[\(target)] − placement_sums[\(r)]")
            }
            // |A_t − A_r| ≤ 2N over positives and ≤ 2M over negatives; Cauchy–Schwarz bounds the squares below.
            try checkSquares(sum: d.positiveSum, squares: d.positiveSquares, rows: m, span: 2 * n,
                             at: "\(cell).positive_squares")
            try checkSquares(sum: d.negativeSum, squares: d.negativeSquares, rows: n, span: 2 * m,
                             at: "\(cell).negative_squares")
        }
    }

    private func checkSquares(sum: Int64, squares: Int64, rows: Int64, span: Int64, at field: String) throws(WireError) {
        let upper = Int128(rows) * Int128(span) * Int128(span)
        guard squares >= 0, Int128(squares) <= upper, Int128(sum) * Int128(sum) <= Int128(rows) * Int128(squares) else {
            throw counts(field, "outside the range the placements of \(rows) rows allow")
        }
    }

    private func checkBootstrap(_ g: GroupStatistics, models: Int, bins: Int, isPopulation: Bool,
                                at path: String) throws(WireError) {
        let base = "\(path).bootstrap"
        guard let b = g.bootstrap else {
            if !isPopulation, replicates > 0, g.count > 0, !bootstrapSuppressed(g.key) {
                throw shape(base, "expected \(replicates) bootstrap replicates (tests.bootstrap), found none")
            }
            return
        }
        guard !isPopulation else { throw shape(base, "the population carries no bootstrap") }
        guard replicates > 0 else { throw shape(base, "expected no bootstrap (tests.bootstrap is 0)") }
        guard b.replicates == replicates else {
            throw shape("\(base).replicates", "expected \(replicates) replicates (tests.bootstrap)")
        }
        guard b.models == models else { throw shape("\(base).models", "expected \(models) models") }
        guard b.bins == bins else { throw shape("\(base).bins", "expected \(bins) bins, as the group's calibration") }
        let cells = replicates * models
        guard b.wrong.count == cells else {
            throw shape("\(base).wrong", "expected B·R = \(cells) entries, found \(b.wrong.count)")
        }
        guard b.aucNumerators.isEmpty || b.aucNumerators.count == cells else {
            throw shape("\(base).auc_numerators", "expected B·R = \(cells) entries or none, found \(b.aucNumerators.count)")
        }
        guard b.calibrationResiduals.count == cells * bins else {
            throw shape("\(base).calibration_residuals",
                        "expected B·R·bins = \(cells * bins) entries, found \(b.calibrationResiduals.count)")
        }
        let count = Int32(g.count)
        if let i = b.wrong.firstIndex(where: { $0 < 0 || $0 > count }) {
            throw counts("\(base).wrong[\(i)]", "expected 0 … \(g.count) wrong predictions")
        }
        let pairs = 2 * Int64(g.positives) * Int64(g.count - g.positives)
        if let i = b.aucNumerators.firstIndex(where: { $0 < 0 || $0 > pairs }) {
            throw counts("\(base).auc_numerators[\(i)]", "expected 0 … 2·M·N = \(pairs)")
        }
        let limit = Double(g.count) * (1 + 1e-12) + 1e-9
        if let i = b.calibrationResiduals.firstIndex(where: { abs($0) > limit }) {
            throw counts("\(base).calibration_residuals[\(i)]", "expected a sum within ±\(g.count) (the group's rows)")
        }
    }

    private func shape(_ field: String, _ message: String) -> WireError {
        WireError(code: .invalidShape, message: message, field: field)
    }

    private func counts(_ field: String, _ message: String) -> WireError {
        WireError(code: .inconsistentCounts, message: message, field: field)
    }
}
