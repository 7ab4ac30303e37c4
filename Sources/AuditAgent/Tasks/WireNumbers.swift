import AuditStats
import AuditWire
import Foundation

/// Counts the numbers a result puts on the wire, for the approver's preview: in all (every number
/// in the canonical JSON, exactly what would leave) and by kind (from the statistics' shapes).
enum WireNumbers {
    /// Every number in the result's canonical JSON encoding.
    static func count(_ result: TaskResult) -> Int? {
        guard let data = try? PayloadCodec.encodeJSON(result),
              let object = try? JSONSerialization.jsonObject(with: data) else { return nil }
        return numbers(in: object)
    }

    private static func numbers(in object: Any) -> Int {
        switch object {
        case let array as [Any]: array.reduce(0) { $0 + numbers(in: $1) }
        case let dictionary as [String: Any]: dictionary.values.reduce(0) { $0 + numbers(in: $1) }
        case is NSNumber, is Int, is Double, is Int64, is UInt64: 1
        default: 0
        }
    }

    /// Numbers of one technique's statistics by kind.
    struct Parts: Equatable, CustomStringConvertible {
        /// Group identity and size: target, rows, positives, error_rows.
        var counts = 0
        /// wrong and McNemar tables.
        var error = 0
        /// AUC strata.
        var auc = 0
        /// Calibration strata: rows, merged edges, bin moments, joint cells and their sums.
        var ece = 0
        /// Σ log-loss and Σ Brier.
        var scores = 0

        var total: Int { counts + error + auc + ece + scores }

        mutating func add(_ other: Parts) {
            counts += other.counts
            error += other.error
            auc += other.auc
            ece += other.ece
            scores += other.scores
        }

        var description: String {
            "counts \(counts), error \(error), auc \(auc), ece \(ece), log-loss and Brier \(scores)"
        }
    }

    /// The numbers of every group and of the population, by kind.
    static func parts(_ statistics: SiteStatistics) -> Parts {
        var parts = Parts()
        for group in statistics.groups.compactMap({ $0 }) + [statistics.population] {
            parts.counts += 3 + (group.errorRows?.count ?? 0)
            parts.error += group.wrong.count + 2 * group.discordance.count
            parts.scores += group.logLossSum.count + group.brierSum.count
            for stratum in group.auc {
                parts.auc += 2 + stratum.placementSums.count + 4 * stratum.differences.count
            }
            for stratum in group.calibration {
                parts.ece += 1 + (stratum.edges?.reduce(0) { $0 + $1.count } ?? 0)
                parts.ece += stratum.bins.reduce(0) { $0 + 3 * $1.binCount }
                parts.ece += stratum.cross.reduce(0) { $0 + 2 * $1.cells.count }
            }
        }
        return parts
    }

    /// The most numbers one technique can send for `groups` groups with rows, before any merging or
    /// dropping: what a count-based preview can say without the models' predictions.
    static func bound(groups: Int, keys: Int, bins: Int) -> Int {
        func group(models: Int) -> Int {
            let counts = 4, error = 3 * models, scores = 2 * models, auc = 2 + 5 * models
            let ece = 1 + models * bins + 3 * models * bins + 2 * (models - 1) * bins * bins
            return counts + error + scores + auc + ece
        }
        return groups * group(models: keys + 1) + group(models: 2)
    }
}
