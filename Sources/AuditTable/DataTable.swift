/// Whether a column is read as numbers or as categories.
public enum ColumnKind: String, Sendable, Codable {
    /// Decimal numbers; missing values are NaN.
    case numeric
    /// Text levels; missing values have code -1.
    case categorical
}

/// One column of a table: numbers (NaN marks missing) or categories.
public enum ColumnValues: Sendable, Equatable {
    /// Numbers, one per row; `Double.nan` marks a missing value.
    case numeric([Double])
    /// Sorted distinct levels (code-point order, like Python) and one code per row; -1 = missing.
    case categorical(levels: [String], codes: [Int32])
    /// Numbers rounded to single precision (a column read with ``NumericPrecision/single(except:)``);
    /// `Float.nan` marks a missing value.
    case single([Float])

    /// The number of rows.
    public var count: Int {
        switch self {
        case .numeric(let values): values.count
        case .categorical(_, let codes): codes.count
        case .single(let values): values.count
        }
    }

    /// Equality that treats two missing values (NaN) as equal, so tables with gaps compare sanely.
    public static func == (lhs: ColumnValues, rhs: ColumnValues) -> Bool {
        switch (lhs, rhs) {
        case (.numeric(let a), .numeric(let b)):
            guard a.count == b.count else { return false }
            for i in a.indices where !(a[i] == b[i] || (a[i].isNaN && b[i].isNaN)) { return false }
            return true
        case (.single(let a), .single(let b)):
            guard a.count == b.count else { return false }
            for i in a.indices where !(a[i] == b[i] || (a[i].isNaN && b[i].isNaN)) { return false }
            return true
        case (.categorical(let la, let ca), .categorical(let lb, let cb)):
            return ca == cb && la.count == lb.count
                && zip(la, lb).allSatisfy { $0.utf8.elementsEqual($1.utf8) }
        default:
            return false
        }
    }
}

/// The precision a reader stores numeric columns in.
public enum NumericPrecision: Sendable, Equatable {
    /// Every number exactly as parsed, in double precision.
    case double
    /// Numeric columns rounded to single precision (half the memory), except the named columns
    /// (e.g. an outcome or a group attribute), which stay exact. Text columns are unaffected.
    case single(except: Set<String>)
}

/// A named column of a `DataTable`.
public struct DataColumn: Sendable, Equatable {
    /// The header name, trimmed of surrounding spaces.
    public let name: String
    /// The typed values.
    public let values: ColumnValues

    /// Creates a column (for tables built in code, e.g. subsets).
    public init(name: String, values: ColumnValues) {
        self.name = name
        self.values = values
    }

    /// Numeric or categorical, from the stored values.
    public var kind: ColumnKind {
        switch values {
        case .numeric, .single: .numeric
        case .categorical: .categorical
        }
    }

    /// How many rows are missing (NaN or code -1).
    public var missingCount: Int {
        switch values {
        case .numeric(let v): v.reduce(0) { $0 + ($1.isNaN ? 1 : 0) }
        case .single(let v): v.reduce(0) { $0 + ($1.isNaN ? 1 : 0) }
        case .categorical(_, let codes): codes.reduce(0) { $0 + ($1 < 0 ? 1 : 0) }
        }
    }
}

/// A typed table read from a CSV file.
public struct DataTable: Sendable {
    /// File path as given, used in messages.
    public let source: String
    /// The columns in header order.
    public let columns: [DataColumn]
    /// The number of data rows (the header is not counted).
    public let rowCount: Int
    private let indexByName: [String: Int]

    /// Creates a table from columns of equal length (for tables built in code, e.g. subsets).
    public init(source: String, columns: [DataColumn]) {
        let rows = columns.first?.values.count ?? 0
        precondition(columns.allSatisfy { $0.values.count == rows }, "DataTable columns differ in length")
        self.source = source
        self.columns = columns
        self.rowCount = rows
        var index: [String: Int] = [:]
        for (i, column) in columns.enumerated() where index[column.name] == nil { index[column.name] = i }
        self.indexByName = index
    }

    /// The column with this name, or nil.
    public func column(named name: String) -> DataColumn? {
        indexByName[name].map { columns[$0] }
    }

    /// The column names in header order.
    public var columnNames: [String] { columns.map(\.name) }

    /// Reads and types a CSV file.
    /// `numbers` chooses the precision numeric columns are stored in (exact doubles by default).
    public static func read(path: String, kinds: [String: ColumnKind] = [:],
                            numbers: NumericPrecision = .double) throws(DataError) -> DataTable {
        try CSVFileReader.withContents(path: path) { (bytes, releasable) throws(DataError) -> DataTable in
            var reader = CSVTableReader(source: path, kinds: kinds)
            reader.numbers = numbers
            reader.releasesPages = releasable
            return try reader.read(bytes)
        }
    }

    /// Same, from bytes already in memory (`source` is used in messages).
    public static func parse(bytes: [UInt8], source: String, kinds: [String: ColumnKind] = [:],
                             numbers: NumericPrecision = .double) throws(DataError) -> DataTable {
        let result: Result<DataTable, DataError> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(DataError) -> DataTable in
                var reader = CSVTableReader(source: source, kinds: kinds)
                reader.numbers = numbers
                return try reader.read(buffer)
            }
        }
        return try result.get()
    }
}
