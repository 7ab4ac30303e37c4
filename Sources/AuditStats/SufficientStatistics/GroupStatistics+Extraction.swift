import Foundation

/// The held-out rows of one group at one site: labels and each model's P(y = 1).
public struct GroupRows: Sendable {
    /// Labels 0/1, in the site's canonical row order (sorted by row id).
    public var labels: [UInt8]
    /// Row-major probabilities: entry [i·R + r] is model r's P(y = 1) for row i.
    public var probabilities: [Double]
    /// Number of models R.
    public var modelCount: Int

    /// Creates the rows; `probabilities.count` must be `labels.count · modelCount`.
    public init(labels: [UInt8], probabilities: [Double], modelCount: Int) {
        precondition(probabilities.count == labels.count * modelCount, "shape mismatch")
        self.labels = labels
        self.probabilities = probabilities
        self.modelCount = modelCount
    }

    /// Number of rows.
    public var count: Int { labels.count }
}

/// Settings that shape the statistics a site computes.
public struct ExtractionSettings: Sendable, Equatable {
    /// Calibration bins (spec default 10).
    public var eceBins: Int
    /// Bootstrap replicates B of the regression bootstrap (binary outcomes send moments instead).
    public var bootstrapReplicates: Int
    /// Root seed of the stratum streams (regression bootstrap).
    public var rootSeed: UInt64
    /// The site's id, part of every stratum key.
    public var site: String
    /// Decision threshold: p ≥ threshold predicts 1.
    public var threshold: Double

    /// Creates settings; defaults follow the spec.
    public init(eceBins: Int = 10, bootstrapReplicates: Int = 2000, rootSeed: UInt64 = 0,
                site: String = "local", threshold: Double = 0.5) {
        self.eceBins = eceBins
        self.bootstrapReplicates = bootstrapReplicates
        self.rootSeed = rootSeed
        self.site = site
        self.threshold = threshold
    }
}

extension GroupStatistics {
    /// Computes one site's statistics of a group from its held-out rows (spec §4).
    ///
    /// - Parameters:
    ///   - key: the group key.
    ///   - target: index of h_g among the models.
    public static func extract(key: String, target: Int, rows: GroupRows,
                               settings: ExtractionSettings) -> GroupStatistics {
        let n = rows.count, models = rows.modelCount
        var wrong = [Int](repeating: 0, count: models)
        var logLoss = [Double](repeating: 0, count: models)
        var brier = [Double](repeating: 0, count: models)
        var discordance = [Discordance](repeating: Discordance(n10: 0, n01: 0), count: models)
        var positives = 0
        for i in 0..<n {
            let y = rows.labels[i]
            positives += Int(y)
            let targetWrong = (rows.probabilities[i * models + target] >= settings.threshold) != (y == 1)
            for r in 0..<models {
                let p = rows.probabilities[i * models + r]
                let isWrong = (p >= settings.threshold) != (y == 1)
                if isWrong { wrong[r] += 1 }
                if isWrong && !targetWrong { discordance[r].n10 += 1 }
                if !isWrong && targetWrong { discordance[r].n01 += 1 }
                let clipped = min(max(p, GroupStatistics.probabilityClip), 1 - GroupStatistics.probabilityClip)
                logLoss[r] -= y == 1 ? log(clipped) : log(1 - clipped)
                let residual = p - Double(y)
                brier[r] += residual * residual
            }
        }
        var stats = GroupStatistics(
            key: key, target: target, count: n, positives: positives, wrong: wrong,
            logLossSum: logLoss, brierSum: brier, discordance: discordance, calibration: [], auc: [])
        if n > 0 {
            stats.auc = [RankedScores(rows: rows).stratum(target: target)]
            stats.calibration = [CalibrationStratum.extract(rows: rows, target: target, bins: settings.eceBins)]
        }
        return stats
    }
}
