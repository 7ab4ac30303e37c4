/// A plain-text table with aligned columns, for terminal output.
public struct TextTable: Sendable {
    /// Column alignment.
    public enum Alignment: Sendable { case left, right }

    /// Header cells.
    public var header: [String]
    /// Alignment per column.
    public var alignments: [Alignment]
    /// Body rows.
    public var rows: [[String]] = []

    /// Creates a table; columns default to right-aligned except the first.
    public init(header: [String], alignments: [Alignment]? = nil) {
        self.header = header
        self.alignments = alignments ?? header.indices.map { $0 == 0 ? .left : .right }
    }

    /// Appends a row (padded or truncated to the header's width).
    public mutating func append(_ row: [String]) {
        rows.append(Array((row + Array(repeating: "", count: max(0, header.count - row.count))).prefix(header.count)))
    }

    /// The table as lines of text, header underlined.
    public func render(indent: String = "") -> String {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { c, text -> String in
                let pad = String(repeating: " ", count: widths[c] - text.count)
                return alignments[c] == .left ? text + pad : pad + text
            }
            var text = indent + padded.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        var out = [line(header), indent + widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")]
        out += rows.map(line)
        return out.joined(separator: "\n") + "\n"
    }
}

/// Number formatting shared by the renderers.
public enum NumberFormat {
    /// Fixed decimals, or "—" when undefined.
    public static func fixed(_ x: Double?, _ decimals: Int = 4) -> String {
        guard let x, x.isFinite else { return x.map { $0 > 0 ? "∞" : ($0 < 0 ? "−∞" : "NaN") } ?? "—" }
        return format(x, decimals: decimals)
    }

    /// Signed fixed decimals ("+0.0123"), or "—".
    public static func signed(_ x: Double?, _ decimals: Int = 4) -> String {
        guard let x, x.isFinite else { return fixed(x, decimals) }
        return (x >= 0 ? "+" : "") + format(x, decimals: decimals)
    }

    /// A p-value: 3 significant decimals, "<0.001" below.
    public static func pValue(_ p: Double?) -> String {
        guard let p else { return "—" }
        return p < 0.001 ? "<0.001" : format(p, decimals: 3)
    }

    /// Percentage with one decimal ("31.2%").
    public static func percent(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "—" }
        return format(100 * x, decimals: 1) + "%"
    }

    /// A coarse elapsed time for status views: "12 s", "3 min", "2 h", "4 d" (negative → 0 s).
    public static func elapsed(seconds: Int) -> String {
        let seconds = max(0, seconds)
        switch seconds {
        case ..<60: return "\(seconds) s"
        case ..<3600: return "\(seconds / 60) min"
        case ..<86400: return "\(seconds / 3600) h"
        default: return "\(seconds / 86400) d"
        }
    }

    /// Deterministic fixed-point formatting without Foundation's locale machinery.
    static func format(_ x: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (abs(x) * scale).rounded(.toNearestOrAwayFromZero)
        let negative = x < 0 && rounded > 0
        var digits = String(UInt64(rounded))
        if decimals > 0 {
            if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
        }
        return (negative ? "-" : "") + digits
    }
}
