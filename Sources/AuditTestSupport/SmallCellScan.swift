import AuditWire
import Foundation

/// Scans a sent ``TaskResult`` for cells below a site's min_cell, for tests: every integer-valued
/// cell of its JSON — group and population rows and positives, their negatives, AUC strata,
/// calibration bins, misclassified rows and their complements, McNemar cells and the both-wrong /
/// both-right cells derived from them, row counts. Indices (`target`, `cells`, `edges`, `round`)
/// are not cells. Computed from the encoded JSON, not from the agent's own cell lists.
public enum SmallCellScan {
    /// Keys whose integers count patients.
    static let cellKeys: Set<String> = ["count", "counts", "positives", "negatives", "wrong", "n10", "n01", "total", "train", "test"]

    /// Where each cell of 1 … minCell − 1 is (a JSON path and what it is); empty when none.
    public static func violations(in result: TaskResult, minCell: Int) throws -> [String] {
        let json = try JSONSerialization.jsonObject(with: try PayloadCodec.encodeJSON(result))
        func small(_ n: Int) -> Bool { n > 0 && n < minCell }
        var found: [String] = []
        func walk(_ value: Any, key: String, path: String) {
            if let object = value as? [String: Any] {
                if let count = object["count"] as? Int, let wrong = object["wrong"] as? [Int],
                   let tables = object["discordance"] as? [[String: Int]] {
                    for (r, table) in tables.enumerated() where r < wrong.count {
                        let n10 = table["n10"] ?? 0, n01 = table["n01"] ?? 0
                        for (name, derived) in [("n − wrong", count - wrong[r]), ("both wrong", wrong[r] - n10),
                                                ("both right", count - wrong[r] - n01)] where small(derived) {
                            found.append("\(path): \(name) of model \(r)")
                        }
                    }
                    if let positives = object["positives"] as? Int, small(count - positives) { found.append("\(path): negatives") }
                }
                for (k, v) in object { walk(v, key: k, path: path + "." + k) }
            } else if let array = value as? [Any] {
                for (i, v) in array.enumerated() { walk(v, key: key, path: "\(path)[\(i)]") }
            } else if let number = value as? Int, cellKeys.contains(key), small(number) {
                found.append(path)
            }
        }
        walk(json, key: "", path: "result")
        return found
    }
}
