import AuditCore
import AuditStats

/// Several audits (or several techniques of one audit) lined up: one-hot vs intersectional vs
/// decoupled, two model classes, two time points. Each column is one personalized model of one
/// report; each row is one test (metric × group × comparator) that is significant in at least one
/// column; the changes say which violations appear or disappear relative to the first column.
public struct AuditComparison: Sendable, Codable, Equatable {
    /// One personalized model of one report.
    public struct Column: Sendable, Codable, Equatable {
        /// "label · technique", or the technique alone when a single report is compared.
        public var name: String
        /// Test rows.
        public var testRows: Int
        /// Significant violations (rationality + envy-freeness, all metrics).
        public var violations: Int
        /// Significant gains.
        public var gains: Int
        /// The correction behind the flags (the report's `tests.correction`, default holm).
        public var correction: Correction? = nil
        /// The level α of the flags (the report's `tests.alpha`, default 0.10).
        public var alpha: Double? = nil
    }

    /// One test across the columns.
    public struct Row: Sendable, Codable, Equatable {
        /// The metric.
        public var metric: String
        /// The group.
        public var group: String
        /// "h0" for rationality, else the reported group.
        public var comparator: String
        /// Per column: the flag (violation, gain, none, na) or nil when the column lacks the test.
        public var flags: [String?]
        /// Per column: the gain.
        public var gains: [Double?]
        /// Per column: the one-sided violation p-value adjusted by the column's correction.
        public var pViolationAdjusted: [Double?] = []
        /// Per column: the one-sided gain p-value adjusted by the column's correction.
        public var pGainAdjusted: [Double?] = []
        /// Per column: the comparison's D2 caution or NA reason, if any.
        public var cautions: [String?] = []
    }

    /// A violation that appears or disappears relative to the first column.
    public struct Change: Sendable, Codable, Equatable {
        /// "appears" or "disappears".
        public var kind: String
        /// The column where it does.
        public var column: String
        /// The test.
        public var metric: String, group: String, comparator: String
    }

    /// The columns, in input order.
    public var columns: [Column]
    /// Tests significant somewhere, ordered by metric, group, comparator.
    public var rows: [Row]
    /// Violations gained or lost against the first column.
    public var changes: [Change]

    /// Lines up the technique sections of `reports` (label, document).
    public init(_ reports: [(label: String, document: ReportDocument)]) {
        var sections: [(String, ReportDocument.TechniqueSection, Int)] = []
        var settings: [(correction: Correction, alpha: Double)] = []
        for (label, document) in reports {
            for section in document.results {
                sections.append((reports.count == 1 ? section.name : "\(label) · \(section.name)", section, document.data.testRows))
                settings.append((document.correction, document.alpha))
            }
        }
        struct Key: Hashable, Comparable {
            var metric: String, group: String, comparator: String
            static func < (a: Key, b: Key) -> Bool {
                (a.metric, a.group, a.comparator == "h0" ? "" : a.comparator) < (b.metric, b.group, b.comparator == "h0" ? "" : b.comparator)
            }
        }
        var cells: [[Key: Comparison]] = []
        for (_, section, _) in sections {
            var map: [Key: Comparison] = [:]
            for metric in section.evaluation.metrics {
                for g in metric.groups {
                    if let r = g.rationality { map[Key(metric: metric.metric.rawValue, group: g.key, comparator: "h0")] = r }
                    for e in g.envy { map[Key(metric: metric.metric.rawValue, group: g.key, comparator: e.reportedAs ?? "")] = e }
                }
            }
            cells.append(map)
        }
        columns = zip(zip(sections, cells), settings).map { pair, setting in
            let (s, map) = pair
            return Column(name: s.0, testRows: s.2, violations: map.values.filter { $0.primary.flag == .violation }.count,
                          gains: map.values.filter { $0.primary.flag == .gain }.count, correction: setting.correction, alpha: setting.alpha)
        }
        let methods = settings.map { $0.correction }
        let significant = Set(cells.flatMap { map in map.filter { $0.value.primary.flag == .violation || $0.value.primary.flag == .gain }.keys })
        rows = significant.sorted().map { key in
            Row(metric: key.metric, group: key.group, comparator: key.comparator,
                flags: cells.map { $0[key]?.primary.flag.rawValue }, gains: cells.map { $0[key]?.gain },
                pViolationAdjusted: zip(cells, methods).map { $0[key]?.primary.violation.adjusted($1) },
                pGainAdjusted: zip(cells, methods).map { $0[key]?.primary.gain.adjusted($1) },
                cautions: cells.map { map in map[key].map(Cautions.texts).flatMap { $0.isEmpty ? nil : $0.joined(separator: "; ") } })
        }
        var changes: [Change] = []
        if let base = cells.first {
            for (index, map) in cells.enumerated().dropFirst() {
                for key in Set(base.keys).union(map.keys).sorted() {
                    let before = base[key]?.primary.flag == .violation, after = map[key]?.primary.flag == .violation
                    guard before != after else { continue }
                    changes.append(Change(kind: after ? "appears" : "disappears", column: columns[index].name,
                                          metric: key.metric, group: key.group, comparator: key.comparator))
                }
            }
        }
        self.changes = changes
    }

    /// A terminal rendering: the columns' totals, the significant tests, and the changes.
    public func text() -> String {
        var totals = TextTable(header: ["model", "test rows", "violations", "gains"])
        for c in columns { totals.append([c.name, String(c.testRows), String(c.violations), String(c.gains)]) }
        var out = "Compared models (significant primary tests: \(settingsText()))\n" + totals.render(indent: "  ")
        var table = TextTable(header: ["metric", "group", "vs"] + columns.map(\.name),
                              alignments: [.left, .left, .left] + columns.map { _ in .right })
        for row in rows {
            table.append([row.metric, row.group, row.comparator] + row.flags.indices.map { row.cellText($0) })
        }
        out += "\nTests significant in at least one model (V violation, G gain, · neither; \(settingsText()); gain > 0 = personalization helps; ! caution)\n"
        out += rows.isEmpty ? "  none\n" : table.render(indent: "  ") + cautionLines().map { "  \($0)\n" }.joined()
        if columns.count > 1 {
            out += "\nAgainst \(columns[0].name):\n"
            out += changes.isEmpty ? "  no violation appears or disappears\n"
                : changes.map { "  \($0.kind == "appears" ? "+" : "−") \($0.column): violation \($0.kind) — \($0.metric), \($0.group) vs \($0.comparator)\n" }.joined()
        }
        return out
    }

    /// The same as Markdown.
    public func markdown() -> String {
        var out = "# Comparison\n\n" + MarkdownReport.table(["model", "test rows", "violations", "gains"],
                                                            columns.map { [$0.name, String($0.testRows), String($0.violations), String($0.gains)] })
        out += "\n## Significant tests\n\nFlags: \(settingsText()); V violation, G gain, ! caution (listed below the table).\n\n"
        out += MarkdownReport.table(["metric", "group", "vs"] + columns.map(\.name),
                                    rows.map { row in [row.metric, row.group, row.comparator] + row.flags.indices.map { row.cellText($0) } })
        out += cautionLines().map { "\n- \($0)" }.joined() + (cautionLines().isEmpty ? "" : "\n")
        if columns.count > 1 {
            out += "\n## Changes against \(columns[0].name)\n\n"
            out += changes.isEmpty ? "No violation appears or disappears.\n"
                : changes.map { "- \($0.column): violation \($0.kind) — \($0.metric), \($0.group) vs \($0.comparator)\n" }.joined()
        }
        return out
    }

    /// The rows as CSV (one line per test and column).
    public func csv() -> String {
        var lines: [[String]] = []
        for row in rows {
            for (index, column) in columns.enumerated() {
                lines.append([row.metric, row.group, row.comparator, column.name, row.flags[index] ?? "",
                              row.gains[index].map { "\($0)" } ?? "", CSVExport.num(row.pViolationAdjusted[safe: index] ?? nil),
                              CSVExport.num(row.pGainAdjusted[safe: index] ?? nil), column.correction?.rawValue ?? "",
                              (row.cautions[safe: index] ?? nil) ?? ""])
            }
        }
        return CSVExport.render(["metric", "group", "comparator", "model", "flag", "gain", "p_violation_adjusted",
                                 "p_gain_adjusted", "correction", "caution"], lines)
    }

    /// How the flags were decided: "Holm correction at α = 0.10", or per column when they differ.
    func settingsText() -> String {
        func one(_ c: Column) -> String {
            "\((c.correction ?? .holm).displayName)-adjusted one-sided p ≤ α = \(NumberFormat.format(c.alpha ?? 0.1, decimals: 2))"
        }
        let distinct = Set(columns.map(one))
        if distinct.count <= 1 { return distinct.first ?? one(Column(name: "", testRows: 0, violations: 0, gains: 0)) }
        return columns.map { "\($0.name): \(one($0))" }.joined(separator: "; ")
    }

    /// "! a · onehot, error, sex=f vs h0: few discordant rows …", one line per cautioned cell.
    func cautionLines() -> [String] {
        rows.flatMap { row in
            row.cautions.enumerated().compactMap { index, caution in
                caution.map { "! \(columns[index].name), \(row.metric), \(row.group) vs \(row.comparator): \($0)" }
            }
        }
    }

    static func cell(_ flag: String?, _ gain: Double?) -> String {
        guard let flag else { return "—" }
        let mark = flag == "violation" ? "V" : (flag == "gain" ? "G" : (flag == "na" ? "n/a" : "·"))
        return "\(mark) \(NumberFormat.signed(gain, 4))"
    }
}

extension AuditComparison.Row {
    /// The terminal / Markdown cell of column `index`: flag and gain, "!" when cautioned.
    func cellText(_ index: Int) -> String {
        AuditComparison.cell(flags[index], gains[index]) + ((cautions[safe: index] ?? nil) == nil ? "" : " !")
    }
}

fileprivate extension Array {
    /// The element at `index`, or nil outside the array (rows built by older code lack the new columns).
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
