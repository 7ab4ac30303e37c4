import Foundation

/// Additive sufficient statistics of one intersectional group for every model the audit compares
/// (spec §4, messages M0–M2 and decision D1). A site computes them on its own rows; the audit
/// (local or federated) only ever sees these, so a single-site audit is the one-site case of the
/// federated combine.
///
/// Models are indexed r = 0 for the generic model h0 and r = 1 + j for h(·, G[j]), the
/// personalized model evaluated as if the row had reported group G[j]; `target` is the index of
/// the group's own model h_g. Every count and sum is additive across sites except `auc` and
/// `calibration`, which keep one stratum per site (the site-stratified AUC of decision D1, and the
/// site strata of the calibration test's multiplier law).
public struct GroupStatistics: Sendable, Codable, Equatable {
    /// The intersectional group key, `attr1=value1;attr2=value2`.
    public var key: String
    /// Index of the group's own model h_g among the models.
    public var target: Int
    /// Number of held-out rows n_g.
    public var count: Int
    /// Number of positive rows.
    public var positives: Int
    /// Per model: number of wrong thresholded predictions (p ≥ 0.5 predicts 1).
    public var wrong: [Int]
    /// Per model: Σ log-loss (probabilities clipped to [``probabilityClip``, 1 − ``probabilityClip``]).
    public var logLossSum: [Double]

    /// Probabilities are clipped to [1e-15, 1 − 1e-15] before the log-loss.
    public static let probabilityClip = 1e-15
    /// The largest log-loss one row can contribute, −log(1e-15) ≈ 34.54: a site's `log_loss_sum`
    /// above `count` times this is impossible, and the coordinator refuses it.
    public static let maximumRowLogLoss = -log(probabilityClip)
    /// Per model: Σ (p − y)², the Brier score numerator.
    public var brierSum: [Double]
    /// Per model r: the discordant cells of the 2×2 correctness table of (r, h_g).
    public var discordance: [Discordance]
    /// Calibration moments, one stratum per site with rows of this group (a site sends one).
    public var calibration: [CalibrationStratum]
    /// AUC strata, one per site with rows of this group.
    public var auc: [AUCStratum]
    /// Per model r, the rows behind `wrong[r]` and `discordance[r]` (disclosure control,
    /// Protocol/disclosure-model.md): nil = all `count` rows for every model; 0 = the site withheld
    /// model r's error statistics because one of their cells was below its `min_cell` (they are
    /// then sent as zeros). A site that withholds the target's withholds every model's. Pooled
    /// over sites: the rows of the sites that released them, nil again when every site did.
    public var errorRows: [Int]? = nil

    /// Rows whose error statistics are in `wrong[r]` and `discordance[r]`.
    public func errorRowCount(model r: Int) -> Int { errorRows?[r] ?? count }
    /// Whether model r's error statistics describe none of the group's rows (withheld everywhere).
    public func errorsWithheld(model r: Int) -> Bool { count > 0 && errorRowCount(model: r) == 0 }

    /// Number of models (1 + m).
    public var modelCount: Int { wrong.count }
    /// Number of negative rows.
    public var negatives: Int { count - positives }
}

/// Discordant cells of a 2×2 correctness table of a comparator against h_g (spec §2.2).
public struct Discordance: Sendable, Codable, Equatable {
    /// Comparator wrong, h_g right.
    public var n10: Int
    /// Comparator right, h_g wrong.
    public var n01: Int
    /// Creates the pair of counts.
    public init(n10: Int, n01: Int) { self.n10 = n10; self.n01 = n01 }
    /// Adds another site's counts.
    public static func + (a: Discordance, b: Discordance) -> Discordance {
        Discordance(n10: a.n10 + b.n10, n01: a.n01 + b.n01)
    }
}

/// One site's DeLong statistics for a group (spec §2.3 and decision D1), in exact integers.
///
/// Placements are scaled to integers: for positive i, A_r(i) = 2·#{negatives below} +
/// #{negatives tied} (= 2N·V10_r(i)); for negative j, 2·#{positives above} + #{positives tied}.
/// For every model r the site sends Σ_i A_r(i) and, for the difference D = A_target − A_r, the
/// sums and sums of squares over positives and over negatives.
public struct AUCStratum: Sendable, Codable, Equatable {
    /// Positives M_s.
    public var positives: Int
    /// Negatives N_s.
    public var negatives: Int
    /// Per model: Σ over positives of A_r (so AUC_r = Σ / (2 M N)).
    public var placementSums: [Int64]
    /// Per model r: moments of the placement differences A_target − A_r.
    public var differences: [PlacementDifferenceMoments]
}

/// Σ and Σ² of placement differences over positives and over negatives.
public struct PlacementDifferenceMoments: Sendable, Codable, Equatable {
    /// Σ_i D10_i over positives.
    public var positiveSum: Int64
    /// Σ_i D10_i² over positives.
    public var positiveSquares: Int64
    /// Σ_j D01_j over negatives.
    public var negativeSum: Int64
    /// Σ_j D01_j² over negatives.
    public var negativeSquares: Int64
}

extension GroupStatistics {
    /// The group pooled over sites: counts and sums added, AUC and calibration strata
    /// concatenated in the given order (site order). `parts` must share key, target and shapes.
    /// Error statistics add, model by model, over the sites that released them (a withholding
    /// site sends zeros), and `errorRows` counts those sites' rows.
    public static func pooled(_ parts: [GroupStatistics]) -> GroupStatistics? {
        guard var total = parts.first else { return nil }
        var errorRows = (0..<total.modelCount).map { total.errorRowCount(model: $0) }
        for part in parts.dropFirst() {
            for r in errorRows.indices { errorRows[r] += part.errorRowCount(model: r) }
            precondition(part.key == total.key && part.target == total.target
                         && part.modelCount == total.modelCount, "statistics of different groups")
            total.count += part.count
            total.positives += part.positives
            for r in total.wrong.indices {
                total.wrong[r] += part.wrong[r]
                total.logLossSum[r] += part.logLossSum[r]
                total.brierSum[r] += part.brierSum[r]
                total.discordance[r] = total.discordance[r] + part.discordance[r]
            }
            total.auc += part.auc
            total.calibration += part.calibration
        }
        total.errorRows = errorRows.allSatisfy { $0 == total.count } ? nil : errorRows
        return total
    }

    /// The calibration strata brought, model by model, to the finest common coarsening of their
    /// bins (a boundary survives only where every site has it), so bin sums add up bin by bin;
    /// nil edges when no site merged bins.
    public var alignedCalibration: (edges: [[Int]]?, strata: [CalibrationStratum]) {
        guard calibration.contains(where: { $0.edges != nil }) else { return (nil, calibration) }
        let baseBins = calibration.map(\.baseBins).max() ?? 0
        let common = (0..<modelCount).map { r in
            CalibrationCoarsening.commonEdges(calibration.map { $0.edges?[r] }, baseBins: baseBins)
                ?? CalibrationCoarsening.baseEdges(baseBins)
        }
        return (common, calibration.map { CalibrationCoarsening.coarsened($0, to: common, target: target) })
    }

    /// Model r's bins summed over sites on the common coarsening.
    public func pooledCalibration(model r: Int) -> CalibrationBins? {
        let strata = alignedCalibration.strata
        guard var total = strata.first?.bins[r] else { return nil }
        for stratum in strata.dropFirst() { total.add(stratum.bins[r]) }
        return total
    }
}
