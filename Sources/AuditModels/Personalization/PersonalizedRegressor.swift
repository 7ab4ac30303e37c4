import AuditCore
import AuditSpec

/// A personalized regressor h(x, g') fitted with one of the paper's techniques (ICML 2023 §4.1),
/// for a continuous outcome: `onehot` (an indicator per attribute level appended to the design),
/// `intersectional` (an indicator per intersectional group) or `decoupled` (one regressor per
/// group, trained on that group only; groups with fewer than `decoupled.min_rows` training rows
/// use h0). Works with any ``FittedRegressor`` class.
public struct PersonalizedRegressor: Sendable {
    /// The technique.
    public let technique: Technique
    /// Group keys G, sorted.
    public let keys: [String]
    /// Names of the appended indicator columns (onehot and intersectional).
    public let indicatorColumns: [String]
    /// Per key: the indicator columns set when a row reports that group.
    let activeIndicators: [[Int]]
    /// The single regressor of onehot / intersectional (design columns + indicators).
    public let encodedModel: FittedRegressor?
    /// Per key: the decoupled regressor (h0 for fallbacks).
    public let decoupledModels: [FittedRegressor]
    /// Decoupled groups that fell back to h0.
    public let fallbacks: [PersonalizedModel.Fallback]

    /// Fits the technique on training rows: `design` holds their generic design columns,
    /// `keyIndex` each row's index into `keys`.
    public static func fit(technique: Technique, keys: [String], attributes: [String], design: DesignMatrix,
                           targets: [Double], keyIndex: [Int], generic: FittedRegressor, model: ModelSpec,
                           minimumDecoupledRows: Int) throws(ModelError) -> PersonalizedRegressor {
        switch technique {
        case .onehot, .intersectional:
            let (columns, active) = PersonalizedModel.indicators(technique: technique, keys: keys, attributes: attributes)
            let extra = indicatorMatrix(rows: keyIndex, active: active, width: columns.count)
            let fitted = try Regressor.fit(model, design: design, appending: extra, targets: targets)
            return PersonalizedRegressor(technique: technique, keys: keys, indicatorColumns: columns, activeIndicators: active,
                                         encodedModel: fitted, decoupledModels: [], fallbacks: [])
        case .decoupled:
            var models: [FittedRegressor] = [], fallbacks: [PersonalizedModel.Fallback] = []
            for g in keys.indices {
                let rows = keyIndex.indices.filter { keyIndex[$0] == g }
                if rows.count < minimumDecoupledRows {
                    fallbacks.append(.init(key: keys[g], reason: "\(rows.count) training rows, fewer than decoupled.min_rows = \(minimumDecoupledRows)"))
                    models.append(generic)
                } else {
                    models.append(try Regressor.fit(model, design: design.rows(rows), targets: rows.map { targets[$0] }))
                }
            }
            return PersonalizedRegressor(technique: technique, keys: keys, indicatorColumns: [], activeIndicators: [],
                                         encodedModel: nil, decoupledModels: models, fallbacks: fallbacks)
        }
    }

    /// The 0/1 indicator columns of rows whose groups are `rows` (indices into the keys).
    static func indicatorMatrix(rows: [Int], active: [[Int]], width: Int) -> DesignMatrix {
        var values = [Double](repeating: 0, count: rows.count * width)
        for (i, g) in rows.enumerated() { for c in active[g] { values[i * width + c] = 1 } }
        return DesignMatrix(rowCount: rows.count, columnCount: width, values: values)
    }

    /// ŷ of every row under every reported group: row-major n × m.
    public func predictions(_ design: DesignMatrix) -> [Double] {
        let n = design.rowCount, m = keys.count
        var out = [Double](repeating: 0, count: n * m)
        for g in 0..<m {
            let y: [Double]
            if let model = encodedModel {
                let extra = Self.indicatorMatrix(rows: [Int](repeating: g, count: n), active: activeIndicators,
                                                 width: indicatorColumns.count)
                y = model.predict(design, appending: extra)
            } else {
                y = decoupledModels[g].predict(design)
            }
            for i in 0..<n { out[i * m + g] = y[i] }
        }
        return out
    }
}
