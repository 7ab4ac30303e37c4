/// Additive sufficient statistics of one intersectional group for every model the audit compares
/// (spec §4, messages M0–M2 and decision D1). A site computes them on its own rows; the audit
/// (local or federated) only ever sees these, so a single-site audit is the one-site case of the
/// federated combine.
///
/// Models are indexed r = 0 for the generic model h0 and r = 1 + j for h(·, G[j]), the
/// personalized model evaluated as if the row had reported group G[j]; `target` is the index of
/// the group's own model h_g. Every count and sum is additive across sites except `auc`, which
/// keeps one stratum per site (the site-stratified AUC of decision D1).
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
    /// Per model: Σ log-loss (probabilities clipped to [1e-15, 1 − 1e-15]).
    public var logLossSum: [Double]
    /// Per model: Σ (p − y)², the Brier score numerator.
    public var brierSum: [Double]
    /// Per model r: the discordant cells of the 2×2 correctness table of (r, h_g).
    public var discordance: [Discordance]
    /// Per model: equal-width calibration bins (or merged bins, see `calibrationEdges`).
    public var calibration: [CalibrationBins]
    /// When bins were merged for disclosure control: for each merged bin, the index of the last
    /// base bin it covers (strictly increasing, ending at bins − 1), shared by every model and by
    /// the bootstrap replicates. nil means the base equal-width bins.
    public var calibrationEdges: [Int]?
    /// AUC strata, one per site with rows of this group.
    public var auc: [AUCStratum]
    /// Paired stratified bootstrap replicates, when requested.
    public var bootstrap: BootstrapReplicates?

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

/// Per-bin sums of equal-width, right-closed calibration bins (spec §2.4): bin k (0-based) holds
/// p with k/B < p ≤ (k+1)/B, and p = 0 falls in bin 0.
public struct CalibrationBins: Sendable, Codable, Equatable {
    /// Rows per bin, n_b.
    public var counts: [Int]
    /// Σ (p − y) per bin; ECE = Σ_b |residual_b| / n.
    public var residualSums: [Double]
    /// Σ y per bin (for reliability diagrams: mean p = (residual + Σy)/n_b).
    public var positives: [Int]

    /// Empty bins.
    public init(bins: Int) {
        counts = Array(repeating: 0, count: bins)
        residualSums = Array(repeating: 0, count: bins)
        positives = Array(repeating: 0, count: bins)
    }

    /// Adds another site's bins (same bin edges).
    public mutating func add(_ other: CalibrationBins) {
        precondition(other.counts.count == counts.count, "bin counts differ")
        for b in counts.indices {
            counts[b] += other.counts[b]
            residualSums[b] += other.residualSums[b]
            positives[b] += other.positives[b]
        }
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

/// Replicate sufficient statistics of the paired, (site, group, label)-stratified bootstrap
/// (spec §2.1, §2.5). The same resample is used for every model, so comparisons are paired.
/// All arrays are replicate-major: entry [b·R + r] (and [(b·R + r)·bins + k] for ECE).
public struct BootstrapReplicates: Sendable, Codable, Equatable {
    /// Number of replicates B.
    public var replicates: Int
    /// Number of models R.
    public var models: Int
    /// Number of calibration bins.
    public var bins: Int
    /// Wrong predictions per replicate and model.
    public var wrong: [Int32]
    /// Σ placements over resampled positives per replicate and model (2 M N · AUC*), when both classes exist.
    public var aucNumerators: [Int64]
    /// Σ (p − y) per replicate, model and calibration bin.
    public var calibrationResiduals: [Double]

    /// Adds another site's replicates (same B, R, bins): the b-th replicate of the pooled
    /// statistic is the sum of the sites' b-th replicates (spec §2.5).
    public mutating func add(_ other: BootstrapReplicates) {
        precondition(other.replicates == replicates && other.models == models && other.bins == bins,
                     "bootstrap shapes differ")
        for i in wrong.indices { wrong[i] += other.wrong[i] }
        if aucNumerators.isEmpty {
            aucNumerators = other.aucNumerators
        } else if !other.aucNumerators.isEmpty {
            for i in aucNumerators.indices { aucNumerators[i] += other.aucNumerators[i] }
        }
        for i in calibrationResiduals.indices { calibrationResiduals[i] += other.calibrationResiduals[i] }
    }
}

extension GroupStatistics {
    /// The group pooled over sites: counts and sums added, AUC strata concatenated in the given
    /// order (site order), bootstrap replicates added. `parts` must share key, target and shapes.
    ///
    /// Sites whose calibration bins were merged are first brought to the finest common coarsening
    /// (a boundary survives only where every site has it), so ECE sums add up bin by bin.
    public static func pooled(_ parts: [GroupStatistics]) -> GroupStatistics? {
        guard !parts.isEmpty else { return nil }
        let baseBins = parts.map { $0.calibrationEdges.map { ($0.last ?? -1) + 1 } ?? ($0.calibration.first?.counts.count ?? 0) }.max() ?? 0
        let common = CalibrationCoarsening.commonEdges(parts.map(\.calibrationEdges), baseBins: baseBins)
        let aligned = parts.map { CalibrationCoarsening.coarsened($0, to: common) }
        var total = aligned[0]
        for part in aligned.dropFirst() {
            precondition(part.key == total.key && part.target == total.target
                         && part.modelCount == total.modelCount, "statistics of different groups")
            total.count += part.count
            total.positives += part.positives
            for r in total.wrong.indices {
                total.wrong[r] += part.wrong[r]
                total.logLossSum[r] += part.logLossSum[r]
                total.brierSum[r] += part.brierSum[r]
                total.discordance[r] = total.discordance[r] + part.discordance[r]
                total.calibration[r].add(part.calibration[r])
            }
            total.auc += part.auc
            switch (total.bootstrap, part.bootstrap) {
            case (nil, let other): total.bootstrap = other
            case (.some, nil): break
            case (.some(var mine), .some(let other)):
                mine.add(other)
                total.bootstrap = mine
            }
        }
        return total
    }
}
