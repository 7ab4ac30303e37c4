import AuditSpec
import AuditStats

/// What one group's statistics must look like under a spec, and the checks of its shapes and
/// counts (spec §4; `AuditStats.GroupStatistics`). Numbers are already known to be finite.
struct GroupExpectation {
    /// Base calibration bins per model (`tests.ece_bins`); a site may merge them (`edges`).
    let bins: Int
    /// What the site reports as suppressed.
    let suppressed: [Suppression]

    init(spec: AuditSpec, suppressed: [Suppression]) {
        bins = spec.tests.eceBins
        self.suppressed = suppressed
    }

    /// Checks one group: `models` = R, `target` = index of h_g.
    func check(_ g: GroupStatistics, key: String, target: Int, models: Int, isPopulation: Bool = false,
               at path: String) throws(WireError) {
        guard g.key == key else { throw shape("\(path).key", "group key differs from its entry in keys") }
        guard g.target == target else { throw shape("\(path).target", "expected target \(target)") }
        for (name, count) in [("wrong", g.wrong.count), ("log_loss_sum", g.logLossSum.count),
                              ("brier_sum", g.brierSum.count), ("discordance", g.discordance.count)] where count != models {
            throw shape("\(path).\(name)", "expected \(models) models, found \(count)")
        }
        guard (0...PayloadValidator.maxRows).contains(g.count) else {
            throw counts("\(path).count", "\(g.count) is outside 0 … \(PayloadValidator.maxRows) rows")
        }
        guard (0...g.count).contains(g.positives) else {
            throw counts("\(path).positives", "\(g.positives) is outside 0 … the group's count \(g.count)")
        }
        try checkModels(g, target: target, at: path)
        try checkCalibration(g, target: target, models: models, at: path)
        try checkAUC(g, target: target, at: path)
    }

    private func checkModels(_ g: GroupStatistics, target: Int, at path: String) throws(WireError) {
        try checkErrorRows(g, target: target, at: path)
        for r in 0..<g.wrong.count {
            guard (0...g.count).contains(g.wrong[r]) else {
                throw counts("\(path).wrong[\(r)]", "\(g.wrong[r]) is outside 0 … the group's count \(g.count)")
            }
            // Each row adds at most −log(1e-15) (clipped probabilities): a larger sum is impossible
            // and would swamp the pooled log-loss.
            let maximumLogLoss = Double(g.count) * GroupStatistics.maximumRowLogLoss * (1 + 1e-12)
            guard g.logLossSum[r] >= 0 else {
                throw counts("\(path).log_loss_sum[\(r)]", "\(g.logLossSum[r]) is negative; a sum of log-losses is at least 0")
            }
            guard g.logLossSum[r] <= maximumLogLoss else {
                throw counts("\(path).log_loss_sum[\(r)]", "\(g.logLossSum[r]) exceeds the group's count \(g.count) × "
                             + "−ln(1e-15) = \(Double(g.count) * GroupStatistics.maximumRowLogLoss) (each row adds at most −ln(1e-15))")
            }
            guard g.brierSum[r] >= 0 else {
                throw counts("\(path).brier_sum[\(r)]", "\(g.brierSum[r]) is negative; a sum of Brier scores is at least 0")
            }
            guard g.brierSum[r] <= Double(g.count) * (1 + 1e-12) else {
                throw counts("\(path).brier_sum[\(r)]", "\(g.brierSum[r]) exceeds the group's count \(g.count) "
                             + "(each row's Brier score is at most 1)")
            }
            let d = g.discordance[r], cell = "\(path).discordance[\(r)]"
            guard (0...g.count).contains(d.n10) else { throw counts("\(cell).n10", "\(d.n10) is outside 0 … the group's count \(g.count)") }
            guard (0...g.count).contains(d.n01) else { throw counts("\(cell).n01", "\(d.n01) is outside 0 … the group's count \(g.count)") }
            guard d.n10 + d.n01 <= g.count else {
                throw counts(cell, "n10 + n01 = \(d.n10 + d.n01) exceeds the group's \(g.count) rows")
            }
            let released = g.errorRowCount(model: r) > 0
            guard !released || d.n10 - d.n01 == g.wrong[r] - g.wrong[target] else {
                throw counts(cell, "n10 − n01 must equal wrong[\(r)] − wrong[\(target)]")
            }
            guard r != target || (d.n10 == 0 && d.n01 == 0) else {
                throw counts(cell, "the target model's table against itself must be empty")
            }
        }
    }

    /// `error_rows`, when present, has one entry per model, each 0 (the site withheld that
    /// model's error statistics, which are then zeros) or the group's count; when the target's is
    /// 0 every model's is. Partial releases exist only after pooling.
    private func checkErrorRows(_ g: GroupStatistics, target: Int, at path: String) throws(WireError) {
        guard let all = g.errorRows else { return }
        guard all.count == g.wrong.count else {
            throw counts("\(path).error_rows", "expected one entry per model (\(g.wrong.count)), found \(all.count)")
        }
        for (r, rows) in all.enumerated() {
            guard rows == 0 || rows == g.count else {
                throw counts("\(path).error_rows[\(r)]", "expected 0 (error statistics withheld) or the group's \(g.count) rows")
            }
            guard rows == 0 else { continue }
            guard g.wrong[r] == 0 else { throw counts("\(path).wrong[\(r)]", "error_rows[\(r)] is 0 (withheld): expected 0") }
            guard g.discordance[r].n10 == 0, g.discordance[r].n01 == 0 else {
                throw counts("\(path).discordance[\(r)]", "error_rows[\(r)] is 0 (withheld): expected n10 = n01 = 0")
            }
        }
        if all[target] == 0, let r = all.firstIndex(where: { $0 != 0 }) {
            throw counts("\(path).error_rows[\(r)]", "the target's error statistics are withheld: expected every model's withheld")
        }
    }

    /// Per model, the last base bin of each of its bins: `edges[r]` when the site merged bins
    /// (strictly increasing, within the base bins, ending at the last), else every base bin.
    private func calibrationEdges(_ stratum: CalibrationStratum, models: Int, at path: String) throws(WireError) -> [[Int]] {
        guard let all = stratum.edges else { return Array(repeating: Array(0..<bins), count: models) }
        guard all.count == models else { throw shape("\(path).edges", "expected \(models) models, found \(all.count)") }
        var out: [[Int]] = []
        for (r, edges) in all.enumerated() { out.append(try modelEdges(edges, at: "\(path).edges[\(r)]")) }
        return out
    }

    private func modelEdges(_ edges: [Int], at field: String) throws(WireError) -> [Int] {
        guard !edges.isEmpty, edges.count <= bins else { throw shape(field, "expected 1 … \(bins) merged bins") }
        for (t, edge) in edges.enumerated() where !(0..<bins).contains(edge) || (t > 0 && edge <= edges[t - 1]) {
            throw shape("\(field)[\(t)]", "expected strictly increasing base-bin indices in 0 … \(bins - 1)")
        }
        guard edges.last == bins - 1 else {
            throw shape(field, "the last merged bin must end at base bin \(bins - 1) (tests.ece_bins − 1)")
        }
        return edges
    }

    /// One stratum (the site's) with every bin's moments within what its edges allow: residuals
    /// r = p − y of a row in a bin covering p ∈ (first/B, (last+1)/B] lie in (first/B − 1, (last+1)/B],
    /// so |r| ≤ 1, Σr ∈ [n(first/B − 1), n(last+1)/B], (Σr)²/n ≤ Σr² ≤ n; a cross cell is bounded by
    /// Cauchy–Schwarz over the rows it shares with its two bins.
    private func checkCalibration(_ g: GroupStatistics, target: Int, models: Int, at path: String) throws(WireError) {
        let expected = g.count > 0 ? 1 : 0
        guard g.calibration.count == expected else {
            throw shape("\(path).calibration", "expected \(expected) stratum (one per site with rows), found \(g.calibration.count)")
        }
        guard let stratum = g.calibration.first else { return }
        let base = "\(path).calibration[0]"
        guard stratum.count == g.count else { throw counts("\(base).count", "expected the group's \(g.count) rows") }
        let allEdges = try calibrationEdges(stratum, models: models, at: base)
        guard stratum.bins.count == models else {
            throw shape("\(base).bins", "expected \(models) models, found \(stratum.bins.count)")
        }
        guard stratum.cross.count == models else {
            throw shape("\(base).cross", "expected \(models) models, found \(stratum.cross.count)")
        }
        let slack = { (n: Int) in 1e-9 * Double(n + 1) }
        for (r, c) in stratum.bins.enumerated() {
            let field = "\(base).bins[\(r)]", edges = allEdges[r], k = edges.count
            for (name, count) in [("counts", c.counts.count), ("residual_sums", c.residualSums.count),
                                  ("residual_squares", c.residualSquares.count)] where count != k {
                throw shape("\(field).\(name)", "expected \(k) bins (tests.ece_bins, or edges when merged), found \(count)")
            }
            var rows = 0
            for b in 0..<k {
                let n = c.counts[b]
                guard (0...g.count).contains(n) else { throw counts("\(field).counts[\(b)]", "\(n) is outside 0 … the group's count \(g.count)") }
                rows += n
                let first = b == 0 ? 0 : edges[b - 1] + 1, last = edges[b]
                let low = Double(n) * (Double(first) / Double(bins) - 1)
                let high = Double(n) * Double(last + 1) / Double(bins)
                let sum = c.residualSums[b], squares = c.residualSquares[b]
                guard sum >= low - slack(n), sum <= high + slack(n) else {
                    throw counts("\(field).residual_sums[\(b)]", "\(sum) is outside [\(low), \(high)], the range its bin's edges allow for \(n) rows")
                }
                guard squares <= Double(n) + slack(n), n == 0 ? squares == 0 : sum * sum / Double(n) <= squares + slack(n) else {
                    throw counts("\(field).residual_squares[\(b)]", "\(squares) is outside [(Σr)²/n, n] = [\(n == 0 ? 0 : sum * sum / Double(n)), \(n)] for \(n) rows")
                }
            }
            guard rows == g.count else { throw counts("\(field).counts", "bins hold \(rows) rows, the group \(g.count)") }
        }
        for (r, cross) in stratum.cross.enumerated() {
            let field = "\(base).cross[\(r)]"
            guard r != target || cross.cells.isEmpty else { throw shape(field, "the target model has no cross moments with itself") }
            guard cross.cells.count == cross.sums.count else {
                throw shape("\(field).sums", "expected one sum per cell (\(cross.cells.count)), found \(cross.sums.count)")
            }
            let kc = allEdges[r].count, kt = allEdges[target].count
            for (i, cell) in cross.cells.enumerated() {
                guard (0..<(kc * kt)).contains(cell), i == 0 || cell > cross.cells[i - 1] else {
                    throw shape("\(field).cells[\(i)]", "expected strictly increasing cells in 0 … \(kc * kt - 1)")
                }
                let a = cell / kt, b = cell % kt
                let bound = (stratum.bins[r].residualSquares[a] * stratum.bins[target].residualSquares[b]).squareRoot()
                guard abs(cross.sums[i]) <= bound * (1 + 1e-9) + 1e-12 else {
                    throw counts("\(field).sums[\(i)]", "|\(cross.sums[i])| exceeds \(bound), the Cauchy–Schwarz bound √(Σr_c² · Σr_t²) of its two bins")
                }
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
            throw counts("\(base).placement_sums[\(r)]", "\(stratum.placementSums[r]) is outside 0 … 2·M·N = \(pairs) "
                         + "(\(m) positives × \(n) negatives, ties counting half)")
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
            throw counts(field, "\(squares) is outside [(Σd)²/n, n·span²] = [\(rows == 0 ? 0 : Int128(sum) * Int128(sum) / Int128(rows)), "
                         + "\(upper)] for \(rows) rows whose placement differences are at most \(span)")
        }
    }

    private func shape(_ field: String, _ message: String) -> WireError {
        WireError(code: .invalidShape, message: message, field: field)
    }

    private func counts(_ field: String, _ message: String) -> WireError {
        WireError(code: .inconsistentCounts, message: message, field: field)
    }
}
