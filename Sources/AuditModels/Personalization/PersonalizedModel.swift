import AuditCore
import AuditSpec
import Foundation

/// A personalized model h(x, g') fitted with one of the paper's techniques (ICML 2023 §4.1):
/// `onehot` (a dummy per attribute level), `intersectional` (a dummy per intersectional group)
/// or `decoupled` (one model per intersectional group, trained on that group only).
public struct PersonalizedModel: Sendable {
    /// A decoupled group that uses the generic model, and why.
    public struct Fallback: Sendable, Codable, Equatable {
        /// Group key.
        public var key: String
        /// Plain-language reason (counts only).
        public var reason: String
    }

    /// The technique.
    public let technique: Technique
    /// Group keys G, sorted.
    public let keys: [String]
    /// Names of the appended indicator columns (onehot and intersectional).
    public let indicatorColumns: [String]
    /// Per key: the indicator columns set when a row reports that group.
    let activeIndicators: [[Int]]
    /// The single model of onehot / intersectional (design columns + indicators), of any class.
    public let encoded: Classifier?
    /// Per key: the decoupled model (the generic model for fallbacks), of any class.
    public let decoupled: [Classifier]
    /// Decoupled groups that fell back to the generic model.
    public let fallbacks: [Fallback]

    /// The logistic model of onehot / intersectional (nil for other classes and for decoupled).
    public var encodedModel: LogisticModel? { encoded?.logistic }
    /// Per key, the logistic decoupled models (empty for other classes and for the encodings).
    public var decoupledModels: [LogisticModel] { decoupled.compactMap(\.logistic) }

    /// A model from logistic parts.
    public init(technique: Technique, keys: [String], indicatorColumns: [String], activeIndicators: [[Int]],
                encodedModel: LogisticModel?, decoupledModels: [LogisticModel], fallbacks: [Fallback]) {
        self.init(technique: technique, keys: keys, indicatorColumns: indicatorColumns, activeIndicators: activeIndicators,
                  encoded: encodedModel.map(Classifier.logistic), decoupled: decoupledModels.map(Classifier.logistic),
                  fallbacks: fallbacks)
    }

    /// A model from parts of any class.
    public init(technique: Technique, keys: [String], indicatorColumns: [String], activeIndicators: [[Int]],
                encoded: Classifier?, decoupled: [Classifier], fallbacks: [Fallback]) {
        self.technique = technique
        self.keys = keys
        self.indicatorColumns = indicatorColumns
        self.activeIndicators = activeIndicators
        self.encoded = encoded
        self.decoupled = decoupled
        self.fallbacks = fallbacks
    }

    /// Fits the technique with a model of the trainer's class: `generic` is h0 (the decoupled
    /// fallback). Logistic regression takes the path of
    /// ``fit(technique:keys:attributes:design:labels:keyIndex:weights:generic:configuration:minimumDecoupledRows:)``
    /// (centred indicators, warm starts); other classes are fitted on the design with 0/1
    /// indicator columns appended (onehot, intersectional), or per group (decoupled).
    public static func fit(technique: Technique, keys: [String], attributes: [String],
                           design: DesignMatrix, labels: [UInt8], keyIndex: [Int], weights: [Double]?,
                           generic: Classifier, trainer: ClassifierTrainer,
                           minimumDecoupledRows: Int) throws -> PersonalizedModel {
        if case .logistic(let h0) = generic, trainer.model.modelClass == .logisticRegression {
            return try fit(technique: technique, keys: keys, attributes: attributes, design: design, labels: labels,
                           keyIndex: keyIndex, weights: weights, generic: h0, configuration: trainer.logisticConfiguration,
                           minimumDecoupledRows: minimumDecoupledRows)
        }
        switch technique {
        case .onehot, .intersectional:
            let (columns, active) = indicators(technique: technique, keys: keys, attributes: attributes)
            let model = try trainer.fit(design.appendingColumns(indicatorMatrix(keyIndex, active: active, columns: columns.count)),
                                        labels: labels, weights: weights, role: technique.rawValue)
            return PersonalizedModel(technique: technique, keys: keys, indicatorColumns: columns, activeIndicators: active,
                                     encoded: model, decoupled: [], fallbacks: [])
        case .decoupled:
            let (models, fallbacks) = try decoupled(keys: keys, keyIndex: keyIndex, labels: labels,
                                                    minimumRows: minimumDecoupledRows, generic: generic) { g, rows, groupLabels in
                try trainer.fit(design.rows(rows), labels: groupLabels, weights: weights.map { w in rows.map { w[$0] } },
                                role: "decoupled:" + keys[g])
            }
            return PersonalizedModel(technique: technique, keys: keys, indicatorColumns: [], activeIndicators: [],
                                     encoded: nil, decoupled: models, fallbacks: fallbacks)
        }
    }

    /// Why a decoupled group uses the generic model (too few rows, or one class), or nil.
    static func fallbackReason(rows: Int, labels: [UInt8], minimumRows: Int) -> String? {
        let positives = labels.reduce(0) { $0 + Int($1) }
        if rows < minimumRows { return "\(rows) training rows, fewer than decoupled.min_rows = \(minimumRows)" }
        if positives == 0 || positives == rows { return "its \(rows) training rows have one class" }
        return nil
    }

    /// 0/1 indicator columns: row i has the indicators of group `keyIndex[i]` set.
    public static func indicatorMatrix(_ keyIndex: [Int], active: [[Int]], columns: Int) -> DesignMatrix {
        var values = [Double](repeating: 0, count: keyIndex.count * columns)
        for (i, g) in keyIndex.enumerated() { for c in active[g] { values[i * columns + c] = 1 } }
        return DesignMatrix(rowCount: keyIndex.count, columnCount: columns, values: values)
    }

    /// Fits the technique on training rows: `design` holds their generic design columns,
    /// `keyIndex` each row's index into `keys`, `attributeLevels` each key's level per attribute.
    public static func fit(technique: Technique, keys: [String], attributes: [String],
                           design: DesignMatrix, labels: [UInt8], keyIndex: [Int], weights: [Double]?,
                           generic: LogisticModel, configuration: LogisticRegressionConfiguration,
                           minimumDecoupledRows: Int) throws -> PersonalizedModel {
        switch technique {
        case .onehot, .intersectional:
            let (columns, active) = indicators(technique: technique, keys: keys, attributes: attributes)
            // The indicators are fitted centred on their training means: the same problem (the
            // penalty is on their coefficients, which centring leaves alone; only the intercept
            // shifts, by Σ mean·coefficient, and is shifted back), but without the near-collinearity
            // of dummies that sum to the intercept column, which slows L-BFGS several-fold.
            var means = [Double](repeating: 0, count: columns.count)
            for g in keyIndex { for c in active[g] { means[c] += 1 } }
            for c in means.indices { means[c] /= Double(max(1, keyIndex.count)) }
            var extra = [Double](repeating: 0, count: design.rowCount * columns.count)
            for (i, g) in keyIndex.enumerated() {
                for c in 0..<columns.count { extra[i * columns.count + c] = -means[c] }
                for c in active[g] { extra[i * columns.count + c] += 1 }
            }
            // Fitted on the design with the indicators appended, without copying the design.
            var model = try LogisticRegression.fit(
                design, appending: DesignMatrix(rowCount: design.rowCount, columnCount: columns.count, values: extra),
                labels: labels, weights: weights, configuration: configuration, start: generic)
            let d = design.columnCount
            for c in means.indices { model.intercept -= means[c] * model.coefficients[d + c] }
            return PersonalizedModel(technique: technique, keys: keys, indicatorColumns: columns,
                                     activeIndicators: active, encodedModel: model, decoupledModels: [], fallbacks: [])
        case .decoupled:
            let (models, fallbacks) = try decoupled(keys: keys, keyIndex: keyIndex, labels: labels,
                                                    minimumRows: minimumDecoupledRows, generic: generic) { _, rows, groupLabels in
                try LogisticRegression.fit(design.rows(rows), labels: groupLabels, weights: weights.map { w in rows.map { w[$0] } },
                                           configuration: configuration, start: generic)
            }
            return PersonalizedModel(technique: technique, keys: keys, indicatorColumns: [], activeIndicators: [],
                                     encodedModel: nil, decoupledModels: models, fallbacks: fallbacks)
        }
    }

    /// One model per group, fitted by `fit(group, rows, labels)`; groups too small or with one class
    /// get the generic model, with the reason.
    static func decoupled<Model>(keys: [String], keyIndex: [Int], labels: [UInt8], minimumRows: Int, generic: Model,
                                 fit: (Int, [Int], [UInt8]) throws -> Model) throws -> (models: [Model], fallbacks: [Fallback]) {
        var models: [Model] = [], fallbacks: [Fallback] = []
        for g in keys.indices {
            let rows = keyIndex.indices.filter { keyIndex[$0] == g }
            let groupLabels = rows.map { labels[$0] }
            if let reason = fallbackReason(rows: rows.count, labels: groupLabels, minimumRows: minimumRows) {
                fallbacks.append(Fallback(key: keys[g], reason: reason))
                models.append(generic)
            } else {
                models.append(try fit(g, rows, groupLabels))
            }
        }
        return (models, fallbacks)
    }

    /// Indicator column names and, per key, the active columns.
    public static func indicators(technique: Technique, keys: [String], attributes: [String]) -> ([String], [[Int]]) {
        if technique == .intersectional {
            return (keys.map { "group=\($0)" }, keys.indices.map { [$0] })
        }
        let parsed = keys.map { key in key.split(separator: ";").map { String($0.split(separator: "=", maxSplits: 1).last ?? "") } }
        var columns: [String] = [], offsets: [[String: Int]] = []
        for (a, attribute) in attributes.enumerated() {
            let levels = Set(parsed.map { $0[a] }).sorted()
            var index: [String: Int] = [:]
            for level in levels { index[level] = columns.count; columns.append("\(attribute)=\(level)") }
            offsets.append(index)
        }
        let active = parsed.map { values in values.enumerated().map { offsets[$0.offset][$0.element]! } }
        return (columns, active)
    }

    /// P(y = 1) of every row under every reported group: row-major n × m.
    public func probabilities(_ design: DesignMatrix) -> [Double] {
        let n = design.rowCount, m = keys.count
        var out = [Double](repeating: 0, count: n * m)
        if case .logistic(let model) = encoded {
            let d = design.columnCount
            let base = LogisticModel(intercept: model.intercept, coefficients: Array(model.coefficients[0..<d]),
                                     iterations: 0, converged: true, maxAbsGradient: 0, solver: model.solver)
            let scores = base.scores(design)
            let offsets = activeIndicators.map { active in active.reduce(0.0) { $0 + model.coefficients[d + $1] } }
            for i in 0..<n {
                for g in 0..<m { out[i * m + g] = LogisticRegression.Kernels.sigmoid(scores[i] + offsets[g]) }
            }
        } else if let model = encoded {
            // Every row as if it reported group g: the indicators of g appended to every row.
            for g in 0..<m {
                let p = model.probabilities(design.appendingColumns(
                    Self.indicatorMatrix([Int](repeating: g, count: n), active: activeIndicators, columns: indicatorColumns.count)))
                for i in 0..<n { out[i * m + g] = p[i] }
            }
        } else {
            for (g, model) in decoupled.enumerated() {
                let p = model.probabilities(design)
                for i in 0..<n { out[i * m + g] = p[i] }
            }
        }
        return out
    }
}
