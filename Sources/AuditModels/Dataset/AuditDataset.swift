import AuditSpec
import AuditStats
import AuditTable
import Foundation

/// A data table read against an audit spec: labels, intersectional groups and typed features.
/// Built once per audit; everything downstream (split, preprocessing, models) reads from it.
public struct AuditDataset: Sendable {
    /// A numeric feature column (NaN = missing), stored as the table read it: in double precision,
    /// or in single precision for a large file (see ``singlePrecisionFileBytes``).
    public struct NumericFeature: Sendable {
        /// The stored numbers.
        public enum Numbers: Sendable {
            case double([Double])
            case single([Float])
        }

        public var name: String
        /// The numbers as stored.
        public var numbers: Numbers

        /// A column of doubles.
        public init(name: String, values: [Double]) {
            self.name = name
            self.numbers = .double(values)
        }

        /// A column in either precision.
        public init(name: String, numbers: Numbers) {
            self.name = name
            self.numbers = numbers
        }

        /// The numbers in double precision: the stored array, or a widened copy of a
        /// single-precision column (read it once, outside any loop over the rows).
        public var values: [Double] {
            switch numbers {
            case .double(let values): values
            case .single(let values): values.map(Double.init)
            }
        }

        /// The number of rows.
        public var count: Int {
            switch numbers {
            case .double(let values): values.count
            case .single(let values): values.count
            }
        }

        /// The column cut to the rows at `rows`, in its stored precision.
        public func keepingRows(_ rows: [Int]) -> NumericFeature {
            switch numbers {
            case .double(let values): NumericFeature(name: name, numbers: .double(rows.map { values[$0] }))
            case .single(let values): NumericFeature(name: name, numbers: .single(rows.map { values[$0] }))
            }
        }
    }

    /// Files of at least this many bytes are read with their numeric feature columns in single
    /// precision (each value rounded to the nearest float: 24 significant bits, relative 6e-8), so
    /// that a table of millions of rows is held in half the memory while its design is built (the
    /// design of such a table is in single precision too: `DesignMatrix.Precision.automatic`).
    /// 256 MiB is about 500,000 rows of 50 features, far above the bundled sites and every test
    /// file; the outcome and the group attributes are always read exactly.
    public static let singlePrecisionFileBytes = 256 << 20
    /// A categorical feature column (code −1 = missing).
    public struct CategoricalFeature: Sendable {
        public var name: String; public var levels: [String]; public var codes: [Int32]
    }

    /// The data file, for messages.
    public var source: String
    /// Labels: 1 where the outcome equals the spec's positive value. All 0 for a continuous
    /// outcome, so that the split stratifies by group alone.
    public var labels: [UInt8]
    /// The outcome values of a continuous outcome (`outcome.type: continuous`); empty for binary outcomes.
    public var outcomes: [Double] = []
    /// Group attribute display names, in spec order.
    public var attributes: [String]
    /// Per attribute: each row's level text.
    public var attributeValues: [[String]]
    /// Each row's intersectional key `attr1=value1;attr2=value2`.
    public var rowKeys: [String]
    /// Numeric features.
    public var numeric: [NumericFeature]
    /// Categorical features.
    public var categorical: [CategoricalFeature]

    /// Number of rows.
    public var count: Int { labels.count }

    /// Column kinds the spec implies, for reading the table.
    public static func columnKinds(for spec: AuditSpec) -> [String: ColumnKind] {
        var kinds: [String: ColumnKind] = [spec.outcome.column: spec.outcome.type == .continuous ? .numeric : .categorical]
        for attribute in spec.groups { kinds[attribute.column] = attribute.isNumeric ? .numeric : .categorical }
        for name in spec.features.categorical { kinds[name] = .categorical }
        for name in spec.features.numeric { kinds[name] = .numeric }
        return kinds
    }

    /// Reads the data file with the spec's column kinds and builds the dataset.
    /// The file is read once; only when the spec names a column the file lacks is it read again
    /// without that column's kind, so that `build` can say which spec key names it.
    public static func load(path: String, spec: AuditSpec) throws -> AuditDataset {
        let result = Result { () throws(DataError) in
            try DataTable.read(path: path, kinds: columnKinds(for: spec), numbers: numericPrecision(path: path, spec: spec))
        }
        switch result {
        case .success(let table):
            return try build(table: table, spec: spec)
        case .failure(let error):
            guard error.code == .unknownColumn else { throw error }
            let probe = try DataTable.read(path: path, kinds: [:])
            let kinds = columnKinds(for: spec).filter { probe.column(named: $0.key) != nil }
            return try build(table: try DataTable.read(path: path, kinds: kinds, numbers: numericPrecision(path: path, spec: spec)),
                             spec: spec)
        }
    }

    /// How a file's numeric columns are read: in single precision from ``singlePrecisionFileBytes``
    /// on, except the outcome and the group attributes, which are always read exactly.
    static func numericPrecision(path: String, spec: AuditSpec) -> NumericPrecision {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size >= singlePrecisionFileBytes else { return .double }
        return .single(except: Set([spec.outcome.column] + spec.groups.map(\.column)))
    }

    /// Checks the table against the spec and extracts labels, groups and features. Errors name
    /// the file, the column and the data row, never a value.
    public static func build(table: DataTable, spec: AuditSpec) throws -> AuditDataset {
        let file = table.source
        func fail(_ code: DataError.Code, _ column: String?, _ message: String) -> DataError {
            DataError(code: code, file: file, line: nil, column: column, message: message)
        }
        func column(_ name: String, role: String) throws -> DataColumn {
            guard let c = table.column(named: name) else {
                throw fail(.unknownColumn, name, "the spec's \(role) column is not in the file (columns: \(table.columnNames.joined(separator: ", ")))")
            }
            return c
        }
        let outcome = try column(spec.outcome.column, role: "outcome")
        // Outcome: a continuous outcome keeps its values and gets all-0 labels (the split then
        // stratifies by group alone); a binary outcome becomes 0/1 labels.
        var continuousOutcomes: [Double] = []
        let labels: [UInt8]
        if spec.outcome.type == .continuous {
            guard case .numeric(let values) = outcome.values else {
                throw fail(.invalidData, outcome.name, "expected a numeric continuous outcome")
            }
            if let row = values.firstIndex(where: { !$0.isFinite }) {
                throw fail(.invalidData, outcome.name, "data row \(row + 1): the continuous outcome is missing or not a finite number")
            }
            continuousOutcomes = values
            labels = [UInt8](repeating: 0, count: table.rowCount)
        } else {
            guard case .categorical(let outcomeLevels, let outcomeCodes) = outcome.values else {
                throw fail(.invalidData, outcome.name, "expected a categorical outcome")
            }
            if let row = outcomeCodes.firstIndex(of: -1) {
                throw fail(.invalidData, outcome.name, "data row \(row + 1): the outcome is missing")
            }
            guard outcomeLevels.count == 2, let positive = outcomeLevels.firstIndex(of: spec.outcome.positive) else {
                throw fail(.invalidData, outcome.name, "expected a binary outcome with positive value '\(spec.outcome.positive)' and one other value; found \(outcomeLevels.count) distinct value(s)\(outcomeLevels.contains(spec.outcome.positive) ? "" : ", none equal to the positive value")")
            }
            labels = outcomeCodes.map { $0 == Int32(positive) ? UInt8(1) : UInt8(0) }
        }
        // Group attributes: each row's level as a code into the attribute's levels, then each
        // row's key from its codes. Equal keys share one string (built once per combination), so
        // ten million rows cost ten million references, not ten million joined strings.
        var attributeLevels: [[String]] = [], attributeCodes: [[Int32]] = []
        for attribute in spec.groups {
            let c = try column(attribute.column, role: "group attribute")
            switch c.values {
            case .categorical(let levels, let codes):
                for l in levels where l.contains(where: { ";=,\n\r".contains($0) }) {
                    _ = l
                    throw fail(.invalidData, c.name, "group values must not contain ';', '=', ',' or a line break")
                }
                if let row = codes.firstIndex(where: { $0 < 0 }) {
                    throw fail(.invalidData, c.name, "data row \(row + 1): the group attribute is missing")
                }
                attributeLevels.append(levels)
                attributeCodes.append(codes)
            case .single:
                throw fail(.invalidData, c.name, "internal: a group attribute read in single precision")
            case .numeric(let numbers):
                guard attribute.isNumeric else {
                    throw fail(.invalidData, c.name, "internal: numeric column for a categorical attribute")
                }
                var levels: [String] = [], index: [String: Int32] = [:], codes: [Int32] = []
                codes.reserveCapacity(numbers.count)
                for (row, x) in numbers.enumerated() {
                    guard !x.isNaN else { throw fail(.invalidData, c.name, "data row \(row + 1): the group attribute is missing") }
                    let level = attribute.level(for: x)
                    if let code = index[level] {
                        codes.append(code)
                    } else {
                        index[level] = Int32(levels.count)
                        codes.append(Int32(levels.count))
                        levels.append(level)
                    }
                }
                attributeLevels.append(levels)
                attributeCodes.append(codes)
            }
        }
        let attributeValues = zip(attributeLevels, attributeCodes).map { levels, codes in codes.map { levels[Int($0)] } }
        let attributes = spec.groups.map(\.displayName)
        func key(_ combination: [Int32]) -> String {
            attributes.indices.map { "\(attributes[$0])=\(attributeLevels[$0][Int(combination[$0])])" }.joined(separator: ";")
        }
        var combination = [Int32](repeating: 0, count: attributes.count)
        let rowKeys: [String]
        var combinations = 1
        for levels in attributeLevels { combinations = min(combinations * max(1, levels.count), 1 << 21) }
        if combinations <= 1 << 20 {
            // Few combinations (the usual case): a flat table indexed by the mixed-radix code.
            var known = [String?](repeating: nil, count: combinations)
            rowKeys = (0..<table.rowCount).map { row -> String in
                var code = 0
                for a in attributes.indices {
                    combination[a] = attributeCodes[a][row]
                    code = code * attributeLevels[a].count + Int(combination[a])
                }
                if let made = known[code] { return made }
                let made = key(combination)
                known[code] = made
                return made
            }
        } else {
            var keyOfCombination: [[Int32]: String] = [:]
            rowKeys = (0..<table.rowCount).map { row -> String in
                for a in attributes.indices { combination[a] = attributeCodes[a][row] }
                if let made = keyOfCombination[combination] { return made }
                let made = key(combination)
                keyOfCombination[combination] = made
                return made
            }
        }
        // Features.
        let reserved = Set([spec.outcome.column] + spec.groups.map(\.column) + spec.features.exclude)
        let featureNames: [String]
        if let include = spec.features.include {
            for name in include where table.column(named: name) == nil {
                throw fail(.unknownColumn, name, "features.include names a column that is not in the file")
            }
            featureNames = include.filter { !reserved.contains($0) }
        } else {
            featureNames = table.columnNames.filter { !reserved.contains($0) }
        }
        for name in spec.features.exclude where table.column(named: name) == nil {
            throw fail(.unknownColumn, name, "features.exclude names a column that is not in the file")
        }
        // A column the spec types (features.numeric / features.categorical) must exist: dropping it
        // silently would audit a different model at this site than at the others.
        for (key, names) in [("features.numeric", spec.features.numeric), ("features.categorical", spec.features.categorical)] {
            for name in names where table.column(named: name) == nil {
                throw fail(.unknownColumn, name, "\(key) names a column that is not in the file")
            }
        }
        var numeric: [NumericFeature] = [], categorical: [CategoricalFeature] = []
        for name in featureNames {
            let c = try column(name, role: "feature")
            switch c.values {
            case .numeric(let values): numeric.append(NumericFeature(name: name, values: values))
            case .single(let values):
                // The parser refuses non-finite numbers, so an infinity here is a finite number
                // beyond the float range (±3.4e38) that rounding overflowed.
                if let row = values.firstIndex(where: { $0.isInfinite }) {
                    throw fail(.invalidData, name, "data row \(row + 1): the number is beyond ±3.4e38, the range of single precision, in which the numeric features of a file of \(singlePrecisionFileBytes >> 20) MiB or more are read; rescale the column")
                }
                numeric.append(NumericFeature(name: name, numbers: .single(values)))
            case .categorical(let levels, let codes): categorical.append(CategoricalFeature(name: name, levels: levels, codes: codes))
            }
        }
        return AuditDataset(source: file, labels: labels, outcomes: continuousOutcomes, attributes: attributes,
                            attributeValues: attributeValues, rowKeys: rowKeys, numeric: numeric, categorical: categorical)
    }
}
