/// A problem with an input data file: names the file, line and column, never a data value.
///
/// Privacy rule: no patient-level value may appear in a message. Messages describe what was
/// expected and what kind of thing was found ("a non-numeric value"), plus where.
public struct DataError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The kind of problem, stable so callers and tests can branch on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Hashable, Sendable {
            case fileUnreadable, emptyFile, noDataRows, raggedRow, unterminatedQuote, invalidUTF8,
                 duplicateColumn, emptyColumnName, notNumeric, nonFinite, unknownColumn,
                 invalidData, invalidPredictions
        }

        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// The file could not be opened or read.
        public static let fileUnreadable = Code(.fileUnreadable)
        /// The file has no content at all (not even a header row).
        public static let emptyFile = Code(.emptyFile)
        /// The file has a header row but no data rows.
        public static let noDataRows = Code(.noDataRows)
        /// A row has a different number of fields than the header.
        public static let raggedRow = Code(.raggedRow)
        /// A quoted field is never closed before the end of the file.
        public static let unterminatedQuote = Code(.unterminatedQuote)
        /// The file is not valid UTF-8 text.
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// Two header fields have the same name.
        public static let duplicateColumn = Code(.duplicateColumn)
        /// A header field is empty (or only spaces).
        public static let emptyColumnName = Code(.emptyColumnName)
        /// A column required to be numeric holds a value that is not a number.
        public static let notNumeric = Code(.notNumeric)
        /// A numeric column holds an infinite number.
        public static let nonFinite = Code(.nonFinite)
        /// A column named by the caller (e.g. in `kinds`) is not in the header.
        public static let unknownColumn = Code(.unknownColumn)
        /// The data does not fit the audit spec (outcome not binary, a group value missing, …).
        public static let invalidData = Code(.invalidData)
        /// A predictions file breaks the predictions format (labels, probabilities, keys, ids).
        public static let invalidPredictions = Code(.invalidPredictions)

        /// The code's name, e.g. `raggedRow`.
        public var description: String { kind.rawValue }
    }

    /// What went wrong.
    public let code: Code
    /// The data file, as the caller named it.
    public let file: String
    /// The 1-based physical line of the file (the header is line 1), when the problem has one.
    public let line: Int?
    /// The 1-based data row of a table built from a stream of rows (a database query's result),
    /// when the problem has one; such sources have no lines.
    public let row: Int?
    /// The column name, when the problem concerns one column.
    public let column: String?
    /// Plain words saying what was expected; never contains a data value.
    public let message: String

    /// Creates an error; `message` must not contain any data value.
    public init(code: Code, file: String, line: Int? = nil, column: String? = nil, message: String) {
        self.init(code: code, file: file, line: line, row: nil, column: column, message: message)
    }

    /// Creates an error about a data row of a streamed source; `message` must not contain any data value.
    public init(code: Code, file: String, row: Int?, column: String? = nil, message: String) {
        self.init(code: code, file: file, line: nil, row: row, column: column, message: message)
    }

    private init(code: Code, file: String, line: Int?, row: Int?, column: String?, message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.row = row
        self.column = column
        self.message = message
    }

    /// `file:line: column 'name': message` (or `source: row N: …` for a streamed source),
    /// omitting the parts that do not apply.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let row { text += "row \(row): " }
        if let column { text += "column '\(column)': " }
        return text + message
    }

    /// The same error with its line number shifted (used when a chunk was parsed with relative lines).
    func shiftingLine(by offset: Int) -> DataError {
        DataError(code: code, file: file, line: line.map { $0 + offset }, row: row, column: column, message: message)
    }

    /// A quoted field that starts on `line` and is never closed.
    @inline(never)
    static func unterminatedQuote(file: String, line: Int) -> DataError {
        DataError(code: .unterminatedQuote, file: file, line: line,
                  message: "a quoted field starting on this line is never closed")
    }

    /// A record starting on `line` with the wrong number of fields.
    @inline(never)
    static func raggedRow(file: String, line: Int, expected: Int, found: Int) -> DataError {
        DataError(code: .raggedRow, file: file, line: line, message: "expected \(expected) fields, found \(found)")
    }
}
