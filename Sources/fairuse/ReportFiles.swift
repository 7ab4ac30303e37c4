import ArgumentParser
import AuditCore
import AuditModels
import AuditReport
import AuditTable
import Foundation

/// Where to write the renderings of a report besides the terminal: HTML, Markdown, CSV tables.
struct ReportFileOptions: ParsableArguments {
    @Option(help: "Write the self-contained HTML report here.") var html: String?
    @Option(help: "Write the Markdown report here.") var markdown: String?
    @Option(help: "Write the tables as CSV files into this directory.") var csv: String?

    /// Writes every requested file atomically and returns the lines that name them.
    func write(_ document: ReportDocument, alpha: Double, correction: Correction, defaultHTML: String? = nil) throws -> [String] {
        try ReportFiles.write(document, alpha: alpha, correction: correction,
                              html: html ?? defaultHTML, markdown: markdown, csv: csv)
    }
}

/// Writes a report's renderings; each file is replaced atomically (temp file, then rename).
enum ReportFiles {
    static func write(_ document: ReportDocument, alpha: Double, correction: Correction,
                      html: String?, markdown: String?, csv: String?) throws -> [String] {
        var written: [String] = []
        if let html {
            try AtomicFile.write(Data(HTMLReport.render(document, alpha: alpha, correction: correction).utf8), to: html)
            written.append("HTML report:     \(html)")
        }
        if let markdown {
            try AtomicFile.write(Data(MarkdownReport.render(document, alpha: alpha, correction: correction).utf8), to: markdown)
            written.append("Markdown report: \(markdown)")
        }
        if let csv {
            try FileManager.default.createDirectory(atPath: csv, withIntermediateDirectories: true)
            let files = CSVExport.files(document, correction: correction)
            for file in files { try AtomicFile.write(Data(file.contents.utf8), to: csv + "/" + file.name) }
            written.append("CSV tables:      \(csv)/{\(files.map(\.name).joined(separator: ","))}")
        }
        return written
    }

    /// Reads a saved JSON report, naming the file on failure.
    static func read(_ path: String) throws -> ReportDocument {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CommandError("\(path): cannot read the file")
        }
        do { return try ReportDocument.decode(data) } catch {
            throw CommandError("\(path): not a fairuse-report/1 JSON document (\(Self.describe(error)))")
        }
    }

    /// A decoding error as "key path: problem", without echoing values.
    static func describe(_ error: Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?: return "missing key \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?, .dataCorrupted(let context)?:
            return "bad value at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default: return "invalid JSON"
        }
    }
}

/// `fairuse report FILE.json`: renders a saved report again, in any format.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Render a saved JSON report as a table, JSON, Markdown, CSV or HTML.")
    @Argument(help: "A report written by `fairuse local`, `fairuse demo` or `fairuse audit report --format json`.")
    var file: String
    @OptionGroup var format: FormatOption
    @Flag(help: "With --format table: print only the summary and findings.") var brief = false
    @OptionGroup var files: ReportFileOptions

    func run() throws {
        try OutputPaths.check(files: [files.html, files.markdown], folders: [files.csv])
        let document = try ReportFiles.read(file)
        let alpha = document.alpha, correction = document.correction
        print(try ReportOutput.render(document, format: format.format, brief: brief), terminator: "")
        for line in try files.write(document, alpha: alpha, correction: correction) { print(line) }
    }
}

/// `fairuse compare A.json B.json …`: which violations appear or disappear across saved reports
/// (or across the techniques of one report).
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare", abstract: "Line up saved reports (or the techniques of one) and show which violations change.",
        discussion: "Each column is one technique of one report, labelled by its audit (the spec name, and the audit id of a federated report), technique and file name. The first report is the baseline.")
    @Argument(help: "JSON reports written by `fairuse local`, `fairuse demo` or `fairuse audit report --format json`.")
    var files: [String]
    @OptionGroup var format: FormatOption
    @Option(help: "Also write the comparison as an HTML page (Table 1 across all reports, significant tests, changes).") var html: String?

    func run() throws {
        try OutputPaths.check(files: [html])
        let documents = try files.map { (file: $0, document: try ReportFiles.read($0)) }
        let reports = AuditComparison.labels(documents)
        print(try CompareOutput.render(reports, format: format.format), terminator: "")
        if let html {
            try AtomicFile.write(Data(ComparisonHTML.render(reports).utf8), to: html)
            print("HTML comparison: \(html)")
        }
    }
}
