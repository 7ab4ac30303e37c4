import AuditSpec
import AuditStats
import AuditTable
import Foundation

/// Predictions of a published model (`model.fixed`) on every row of a dataset: no training, no
/// split — the external validation of one model, the same at every site. Coefficients apply to
/// raw feature values (`column`, or `column=level` indicators for categorical columns).
enum FixedModelPredictions {
    /// p0 and p(·, g′) for every row and group key, in data order.
    static func predictions(_ dataset: AuditDataset, model: FixedModel, keys: [String]) throws -> Predictions {
        let n = dataset.count
        let impute = Dictionary(model.impute.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        func scores(_ linear: FixedModel.Linear, key: String) throws -> [Double] {
            var out = [Double](repeating: linear.intercept, count: n)
            for term in linear.coefficients {
                if let numeric = dataset.numeric.first(where: { $0.name == term.name }) {
                    let values = numeric.values
                    for i in 0..<n {
                        var x = values[i]
                        if x.isNaN {
                            guard let value = impute[term.name] else {
                                throw DataError(code: .invalidData, file: dataset.source, line: nil, column: term.name,
                                                message: "data row \(i + 1): missing value, and model.fixed.impute gives none for this feature")
                            }
                            x = value
                        }
                        out[i] += term.value * x
                    }
                } else if let eq = term.name.firstIndex(of: "="),
                          let categorical = dataset.categorical.first(where: { $0.name == String(term.name[..<eq]) }) {
                    let level = String(term.name[term.name.index(after: eq)...])
                    guard let code = categorical.levels.firstIndex(of: level) else { continue }  // a level absent here adds nothing
                    for i in 0..<n where categorical.codes[i] == Int32(code) { out[i] += term.value }
                } else {
                    throw DataError(code: .unknownColumn, file: dataset.source, line: nil, column: term.name,
                                    message: "model.fixed.\(key) names a feature that is not a column (or column=level) of the data")
                }
            }
            return out
        }
        let generic = try scores(model.generic, key: "generic").map(LogisticRegression.Kernels.sigmoid)
        let base = try scores(model.personalized, key: "personalized")
        let offsets = Dictionary(model.groupOffsets.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        let groupOffset = keys.map { key -> Double in
            switch model.technique {
            case .intersectional: return offsets[key] ?? 0
            default: return key.split(separator: ";").reduce(0) { $0 + (offsets[String($1)] ?? 0) }
            }
        }
        let keyIndex = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, Int32($0)) })
        var personalized = [Double](repeating: 0, count: n * keys.count)
        for i in 0..<n {
            for (j, offset) in groupOffset.enumerated() {
                personalized[i * keys.count + j] = LogisticRegression.Kernels.sigmoid(base[i] + offset)
            }
        }
        return Predictions(keys: keys, sites: Array(repeating: "local", count: n),
                           groups: dataset.rowKeys.map { keyIndex[$0]! }, labels: dataset.labels,
                           generic: generic, personalized: personalized)
    }
}
