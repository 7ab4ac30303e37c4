import ArgumentParser
import AuditReport
import Foundation

/// What `report`, `compare`, `audit report` and `audit compare` print on standard output.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, md, csv, html
    /// Print nothing (only the files asked for with --html, --markdown, --csv). Accepted for
    /// `audit report --format none`, which predates the shared option; not listed in the help.
    case silent = "none"

    static var allValueStrings: [String] { ["table", "json", "md", "csv", "html"] }
}

/// The `--format` option shared by the commands that render reports.
struct FormatOption: ParsableArguments {
    @Option(help: "What to print on standard output (md: Markdown; csv: the per-group table, where --csv DIR writes every table).")
    var format: ReportFormat = .table
}

/// One report in any format.
enum ReportOutput {
    /// The text of `document` in `format`. CSV is the per-group table (`groups.csv`); --csv DIR
    /// writes every table. JSON is the canonical report document.
    static func render(_ document: ReportDocument, format: ReportFormat, brief: Bool = false) throws -> String {
        let alpha = document.alpha, correction = document.correction
        switch format {
        case .table: return TerminalReport.render(document, alpha: alpha, correction: correction, brief: brief)
        case .json: return String(decoding: try document.jsonData(), as: UTF8.self) + "\n"
        case .md: return MarkdownReport.render(document, alpha: alpha, correction: correction)
        case .html: return HTMLReport.render(document, alpha: alpha, correction: correction)
        case .csv:
            let files = CSVExport.files(document, correction: correction, alpha: alpha)
            return files.first { $0.name == "groups.csv" }?.contents ?? ""
        case .silent: return ""
        }
    }
}

/// Shared by `fairuse compare` and `fairuse audit compare`.
enum CompareOutput {
    static func render(_ reports: [(label: String, document: ReportDocument)], format: ReportFormat) throws -> String {
        let comparison = AuditComparison(reports)
        switch format {
        case .table: return comparison.text()
        case .md: return comparison.markdown()
        case .csv: return comparison.csv()
        case .html: return ComparisonHTML.render(reports)
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            return String(decoding: try encoder.encode(comparison), as: UTF8.self) + "\n"
        case .silent: return ""
        }
    }
}
