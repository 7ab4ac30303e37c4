/// One cell of a row streamed into a ``DataTableBuilder`` (a database query's result): a field
/// typed exactly as the CSV engine types the same field of a file.
///
/// Each cell has one canonical spelling, ``field``: the text a CSV file holding the same row
/// would have in that field. The builder types a cell as the CSV reader types its spelling, so a
/// table streamed from a database and a CSV file with the same spellings are the same table, bit
/// for bit: numbers, missing values, levels and level order alike.
public enum TableCell: Sendable, Equatable {
    /// SQL NULL: an empty CSV field (missing in a numeric and a categorical column).
    case missing
    /// Text, typed like a CSV field: a number, a missing spelling (`NA`, `NULL`, …) or a level.
    case text(String)
    /// An integer; spelled in decimal (`-42`).
    case integer(Int64)
    /// A binary floating-point number; spelled as its shortest round-trip decimal (Swift's
    /// `description`: `0.1`, `1e-05`), any NaN as `nan` (missing) and infinities as `inf`/`-inf`
    /// (a non-finite number, refused in a numeric column like `inf` in a file).
    case real(Double)

    /// The cell's canonical CSV field text, unquoted (`""` for ``missing``).
    public var field: String {
        switch self {
        case .missing: ""
        case .text(let text): text
        case .integer(let value): String(value)
        case .real(let value): Self.spelling(value)
        }
    }

    /// The canonical spelling of a double (see ``real(_:)``).
    static func spelling(_ value: Double) -> String {
        value.isNaN ? "nan" : value.description
    }
}
