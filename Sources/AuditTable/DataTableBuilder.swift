/// Builds a ``DataTable`` from a stream of rows, one row at a time, with exactly the typing of the
/// CSV engine: a column is numeric unless one of its fields is not a number (then every field is a
/// level, levels sorted by code point), missing spellings (`""`, `NA`, `N/A`, `NaN`, `nan`,
/// `NULL`) are NaN or code −1, numbers are correctly rounded from their decimal text, and
/// `kinds` forces a column numeric or categorical. A table streamed from a database and the CSV
/// file with the same field spellings (``TableCell/field``) are equal, so an audit gives the same
/// statistics whichever way the site's data arrives.
///
/// Rows are typed as they arrive and not kept: a numeric column keeps its doubles, a categorical
/// column its codes and levels. While a column may still turn categorical it also keeps the
/// spellings it will need then (none for integers and doubles, which are spelled again from their
/// value; the text of text cells). Nothing is written to disk.
///
/// Errors are ``DataError``s naming the source, the data row (1-based) and the column, never a
/// value. As in the CSV reader, a field error is reported at the end, the earliest by row then
/// column among the columns' final kinds.
public struct DataTableBuilder: Sendable {
    /// Names the data in messages (e.g. `data.query`), never a password.
    public let source: String
    /// The column names, trimmed of spaces and tabs like a CSV header.
    public let columnNames: [String]
    private var columns: [BuiltColumn]
    /// Rows appended so far.
    public private(set) var rowCount = 0

    /// Starts a table with these column names; `kinds` forces columns numeric or categorical.
    /// Throws when a name is empty or repeated, or `kinds` names a column that is not there.
    public init(source: String, columns names: [String], kinds: [String: ColumnKind] = [:]) throws(DataError) {
        self.source = source
        var trimmed: [String] = []
        var seen: Set<String> = []
        for (index, raw) in names.enumerated() {
            var name = Substring(raw)
            while let c = name.first, c == " " || c == "\t" { name.removeFirst() }
            while let c = name.last, c == " " || c == "\t" { name.removeLast() }
            if name.isEmpty {
                throw DataError(code: .emptyColumnName, file: source, row: nil,
                                message: "result column \(index + 1) has no name; name every column (e.g. SELECT x AS name)")
            }
            guard seen.insert(String(name)).inserted else {
                throw DataError(code: .duplicateColumn, file: source, row: nil, column: String(name),
                                message: "the result names this column more than once; names must be unique")
            }
            trimmed.append(String(name))
        }
        for key in kinds.keys.sorted() where !seen.contains(key) {
            throw DataError(code: .unknownColumn, file: source, row: nil, column: key,
                            message: "a column type was given for a column that is not in the result")
        }
        columnNames = trimmed
        columns = trimmed.map { BuiltColumn(kind: kinds[$0]) }
    }

    /// Adds one row; `cells` holds one cell per column, in column order.
    public mutating func append(_ cells: [TableCell]) throws(DataError) {
        guard cells.count == columns.count else {
            throw DataError(code: .raggedRow, file: source, row: rowCount + 1,
                            message: "expected \(columns.count) fields, found \(cells.count)")
        }
        for (c, cell) in cells.enumerated() { columns[c].append(cell, row: rowCount) }
        rowCount += 1
    }

    /// The table, or the first field error (earliest row, then column) among the final kinds.
    public func finish() throws(DataError) -> DataTable {
        if rowCount == 0 {
            throw DataError(code: .noDataRows, file: source, row: nil,
                            message: "no data rows; expected the query to return at least one row")
        }
        var first: (row: Int, column: Int, code: DataError.Code)?
        for (c, column) in columns.enumerated() {
            guard let error = column.error else { continue }
            if first == nil || (error.row, c) < (first!.row, first!.column) { first = (error.row, c, error.code) }
        }
        if let first {
            let message = first.code == .nonFinite
                ? "expected a finite number, found a non-finite number"
                : "expected a number (the column is declared numeric), found a non-numeric value"
            throw DataError(code: first.code, file: source, row: first.row + 1, column: columnNames[first.column],
                            message: message)
        }
        let built = zip(columnNames, columns).map { name, column in DataColumn(name: name, values: column.values()) }
        return DataTable(source: source, columns: built)
    }
}

/// One column while rows arrive: numbers (with what it needs to turn categorical) or levels.
private struct BuiltColumn: Sendable {
    /// How a candidate column will spell a row's field if it turns categorical.
    enum Spelling: UInt8 {
        /// A missing spelling: code −1.
        case missing
        /// An integer: `String(Int64(number))` (only for |value| ≤ 2^53, where the double is exact).
        case integer
        /// A double: ``TableCell/spelling(_:)`` of the number.
        case real
        /// Text kept in `stored`, in row order.
        case stored
    }

    enum State { case candidate, forcedNumeric, text }

    var state: State
    var numbers: [Double] = []
    var spellings: [Spelling] = []
    var stored: [String] = []
    var part = CSVTextPart(firstRow: 0)
    /// The first field error of a numeric kind (0-based row); ignored if the column ends categorical.
    var error: (row: Int, code: DataError.Code)?

    init(kind: ColumnKind?) {
        state = switch kind {
        case .numeric?: .forcedNumeric
        case .categorical?: .text
        case nil: .candidate
        }
    }

    mutating func append(_ cell: TableCell, row: Int) {
        if state == .text {
            appendText(cell.field)
            return
        }
        switch cell {
        case .missing:
            add(.nan, .missing)
        case .integer(let value):
            let exact = value.magnitude <= 1 << 53
            add(Double(value), exact ? .integer : .stored, text: exact ? nil : String(value))
        case .real(let value):
            if value.isInfinite {
                note(row, .nonFinite)
                add(.nan, .stored, text: TableCell.spelling(value))
            } else {
                add(value, .real)
            }
        case .text(var text):
            let typed = text.withUTF8 { field -> CSVNumber? in
                CSVTokenizer.isMissingToken(field) ? nil : DecimalParser.parse(field)
            }
            switch typed {
            case nil: add(.nan, .missing)
            case .number(let x)?: add(x, .stored, text: text)
            case .missing?: add(.nan, .stored, text: text)
            case .nonFinite?:
                note(row, .nonFinite)
                add(.nan, .stored, text: text)
            case .invalid?:
                if state == .candidate {
                    turnText()
                    appendText(text)
                } else {
                    note(row, .notNumeric)
                    add(.nan, .stored, text: text)
                }
            }
        }
    }

    private mutating func add(_ number: Double, _ spelling: Spelling, text: String? = nil) {
        numbers.append(number)
        guard state == .candidate else { return }
        spellings.append(spelling)
        if let text { stored.append(text) }
    }

    private mutating func note(_ row: Int, _ code: DataError.Code) {
        if error == nil { error = (row, code) }
    }

    private mutating func appendText(_ text: String) {
        var text = text
        _ = text.withUTF8 { part.append($0) }
    }

    /// The candidate column holds a non-number: its earlier rows become levels, spelled as a CSV
    /// file would spell them, and a numeric error noted so far no longer applies.
    private mutating func turnText() {
        var next = 0
        for (row, spelling) in spellings.enumerated() {
            switch spelling {
            case .missing: appendText("")
            case .integer: appendText(String(Int64(numbers[row])))
            case .real: appendText(TableCell.spelling(numbers[row]))
            case .stored:
                appendText(stored[next])
                next += 1
            }
        }
        state = .text
        error = nil
        numbers = []
        spellings = []
        stored = []
    }

    /// The column's values; levels sorted by code point, as the CSV reader sorts them.
    func values() -> ColumnValues {
        if state == .text {
            let (levels, codes) = part.sorted()
            return .categorical(levels: levels, codes: codes)
        }
        return .numeric(numbers)
    }
}
