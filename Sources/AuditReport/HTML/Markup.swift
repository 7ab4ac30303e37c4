/// Small, deterministic building blocks for the HTML report and its inline SVG: escaping,
/// coordinates with fixed decimals, and numbers that carry the JSON value they show.
///
/// Every number the HTML displays from the report is written by ``Markup/number(_:_:)`` as
/// `<span data-v="<the JSON value>" data-f="<format>">shown text</span>` (or the same
/// attributes on an SVG `<text>`), so a test can check that each one matches the JSON.
enum Markup {
    /// How a number is shown; the raw value of `data-f`.
    enum Format: String {
        /// Fixed, 4 decimals ("0.1234").
        case fixed4 = "f4"
        /// Fixed, 3 decimals.
        case fixed3 = "f3"
        /// Fixed, 2 decimals.
        case fixed2 = "f2"
        /// Signed, 4 decimals ("+0.0123").
        case signed4 = "s4"
        /// Signed, 3 decimals.
        case signed3 = "s3"
        /// p-value ("0.020", "<0.001").
        case pValue = "p"
        /// Percentage, one decimal ("31.2%").
        case percent = "pct"
        /// Integer.
        case integer = "i"

        /// The text shown for `x`.
        func text(_ x: Double) -> String {
            switch self {
            case .fixed4: NumberFormat.fixed(x, 4)
            case .fixed3: NumberFormat.fixed(x, 3)
            case .fixed2: NumberFormat.fixed(x, 2)
            case .signed4: NumberFormat.signed(x, 4)
            case .signed3: NumberFormat.signed(x, 3)
            case .pValue: NumberFormat.pValue(x)
            case .percent: NumberFormat.percent(x)
            case .integer: x.isFinite ? String(Int(x)) : NumberFormat.fixed(x)
            }
        }
    }

    /// Escapes text for element content and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// The attributes that tie a shown number to its JSON value.
    static func valueAttributes(_ x: Double, _ format: Format) -> String {
        "data-v=\"\(x)\" data-f=\"\(format.rawValue)\""
    }

    /// A number computed from the JSON's values rather than copied from it (an interval at the
    /// report's level from an estimate and its variance), as an SVG `<tspan>` tagged with where it
    /// comes from: `data-from` follows `data-f`, so checks of JSON values skip it and checks of
    /// derived values find it.
    static func derived(_ x: Double, _ format: Format, from source: String) -> String {
        "<tspan \(valueAttributes(x, format)) data-from=\"\(escape(source))\">\(escape(format.text(x)))</tspan>"
    }

    /// A number as a span carrying its value, or "—" when undefined.
    static func number(_ x: Double?, _ format: Format) -> String {
        guard let x else { return "—" }
        return "<span \(valueAttributes(x, format))>\(escape(format.text(x)))</span>"
    }

    /// An integer count.
    static func count(_ n: Int?) -> String { number(n.map(Double.init), .integer) }

    /// A coordinate with one decimal (deterministic, locale-free).
    static func coordinate(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let text = NumberFormat.format(x, decimals: 1)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// An HTML table: header cells and body rows of already-escaped cell markup.
    /// Columns from `numericFrom` up to (not including) `textFrom` are right-aligned numbers.
    static func table(_ header: [String], _ rows: [[String]], caption: String? = nil, numericFrom: Int = 1, textFrom: Int = .max) -> String {
        var out = "<table>"
        if let caption { out += "<caption>\(escape(caption))</caption>" }
        out += "<thead><tr>" + header.map { "<th scope=\"col\">\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows {
            out += "<tr>" + row.enumerated().map { i, cell in
                i == 0 ? "<th scope=\"row\">\(cell)</th>" : (i >= numericFrom && i < textFrom ? "<td class=\"n\">\(cell)</td>" : "<td>\(cell)</td>")
            }.joined() + "</tr>"
        }
        return out + "</tbody></table>\n"
    }
}

/// A linear axis over a data range, with "nice" ticks (1, 2, 2.5 or 5 × 10^k).
struct LinearScale {
    let lower: Double, upper: Double
    let pixelStart: Double, pixelEnd: Double
    let ticks: [Double]

    /// A scale covering `values` (and 0 when `includeZero`), padded to whole ticks.
    init(values: [Double], includeZero: Bool = true, pixelStart: Double, pixelEnd: Double, targetTicks: Int = 5) {
        var lo = values.filter(\.isFinite).min() ?? 0, hi = values.filter(\.isFinite).max() ?? 0
        if includeZero { lo = min(lo, 0); hi = max(hi, 0) }
        if hi - lo < 1e-12 { lo -= 0.01; hi += 0.01 }
        let rough = (hi - lo) / Double(max(1, targetTicks))
        var magnitude = 1.0
        while magnitude > rough { magnitude /= 10 }
        while magnitude * 10 <= rough { magnitude *= 10 }
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        let first = (lo / step).rounded(.down), last = (hi / step).rounded(.up)
        lower = first * step
        upper = last * step
        ticks = stride(from: first, through: last, by: 1).map { $0 * step }
        self.pixelStart = pixelStart
        self.pixelEnd = pixelEnd
    }

    /// The pixel position of `x`.
    func callAsFunction(_ x: Double) -> Double {
        pixelStart + (x - lower) / (upper - lower) * (pixelEnd - pixelStart)
    }

    /// A tick label with as many decimals as the step needs.
    func label(_ x: Double) -> String {
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        var decimals = 0, s = step
        while decimals < 6 && abs(s - s.rounded()) > 1e-9 { s *= 10; decimals += 1 }
        return x == 0 ? "0" : NumberFormat.signed(x, decimals)
    }
}
