import ArgumentParser
import AuditAgent
import AuditCore
import AuditReport
import AuditSpec
import AuditWire
import Foundation

/// `fairuse audit launch|list|status|report|cancel`: the operator's view of audits.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Launch and follow federated audits.",
        subcommands: [Launch.self, List.self, Status.self, Report.self, Compare.self, Cancel.self])

    struct Launch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Launch an audit of SPEC at the given sites.")
        @Argument(help: "Audit spec (YAML).") var spec: String
        @Option(help: "Comma-separated site ids.") var sites: String
        @Option(help: "Smallest number of sites for a partial result (default: all).") var minSites: Int?
        @Option(help: "Comma-separated sites that must submit.") var required: String?
        @Option(help: "Deadline from now, e.g. 90s, 30m, 2h.") var deadline: String?
        @Option(help: "Root seed of the bootstrap (replaces the spec's tests.seed; default: drawn by the coordinator). The same seed, spec and data reproduce the report.")
        var seed: UInt64?
        @OptionGroup var connection: OperatorConnection

        func run() async throws {
            do {
                let text = try String(contentsOfFile: spec, encoding: .utf8)
                _ = try AuditSpec.parse(yaml: text, source: spec)
                let request = LaunchAuditRequest(
                    specYAML: text, sites: try sites.split(separator: ",").map { try SiteID(validating: String($0)) },
                    minSites: minSites, requiredSites: try required?.split(separator: ",").map { try SiteID(validating: String($0)) },
                    deadline: try deadline.map { Date().addingTimeInterval(try Duration.seconds(parsing: $0)) },
                    rootSeed: seed)
                let summary = try await connection.with { try await $0.launch(request) }
                print(summary.id)
                if let rootSeed = summary.rootSeed {
                    FileHandle.standardError.write(Data("root seed \(rootSeed)\(seed == nil ? " (drawn by the coordinator)" : ""); relaunch with --seed \(rootSeed) to reproduce\n".utf8))
                }
            } catch { throw fail(error) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List audits.")
        @OptionGroup var connection: OperatorConnection
        func run() async throws {
            do {
                for a in try await connection.with({ try await $0.audits() }) {
                    print("\(a.id)\t\(a.state)\t\(a.name)\t\(a.sites.filter { $0.state.rawValue == "submitted" }.count)/\(a.sites.count) sites")
                }
            } catch { throw fail(error) }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an audit's state and each site's task; --watch follows it live.")
        @Argument(help: "The audit id (aud_ and 20 base32 characters, from `fairuse audit launch` or `fairuse audit list`).") var id: AuditID
        @Flag(help: "Keep showing progress until the audit ends.") var watch = false
        @OptionGroup var connection: OperatorConnection
        func run() async throws {
            do {
                try await connection.with { client in
                    let live = watch && isatty(STDOUT_FILENO) == 1
                    var last = "", lines = 0
                    while true {
                        let a = try await client.audit(id)
                        let contacts = Dictionary(try await client.sites().map { ($0.site.rawValue, $0.lastContactAt) },
                                                  uniquingKeysWith: { first, _ in first })
                        let text = AuditStatusText.render(a, lastContact: contacts, now: Date())
                        if live {
                            // Redraw in place: ages tick every second.
                            if lines > 0 { print("\u{1B}[\(lines)F\u{1B}[J", terminator: "") }
                            print(text)
                            lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
                        } else if AuditStatusText.stable(text) != AuditStatusText.stable(last) {
                            print(text)
                        }
                        last = text
                        if !watch || ["complete", "partial", "failed", "cancelled"].contains(a.state.rawValue) { break }
                        try await Task.sleep(for: .seconds(1))
                    }
                }
            } catch { throw fail(error) }
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the federated report, and write it as HTML, Markdown or CSV.")
        @Argument(help: "The audit id (aud_ and 20 base32 characters, from `fairuse audit launch` or `fairuse audit list`).") var id: AuditID
        @OptionGroup var format: FormatOption
        @OptionGroup var files: ReportFileOptions
        @OptionGroup var connection: OperatorConnection
        func run() async throws {
            do {
                try OutputPaths.check(files: [files.html, files.markdown], folders: [files.csv])
                let json = try await connection.with { try await $0.report(id, format: "json") }
                let document = try ReportDocument.decode(Data(json.utf8))
                let alpha = document.alpha, correction = document.correction
                if format.format == .json {
                    print(json)   // the coordinator's bytes, as before
                } else {
                    print(try ReportOutput.render(document, format: format.format), terminator: "")
                }
                for line in try files.write(document, alpha: alpha, correction: correction) {
                    FileHandle.standardError.write(Data((line + "\n").utf8))
                }
            } catch { throw fail(error) }
        }
    }

    struct Compare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Line up audits and show which violations appear or disappear.")
        @Argument(help: "Audit ids; the first is the baseline.") var ids: [AuditID]
        @OptionGroup var format: FormatOption
        @OptionGroup var connection: OperatorConnection
        func run() async throws {
            do {
                let reports = try await connection.with { client in
                    var out: [(label: String, document: ReportDocument)] = []
                    for id in ids {
                        let document = try ReportDocument.decode(Data(try await client.report(id, format: "json").utf8))
                        out.append((label: AuditComparison.label(document, file: nil), document: document))
                    }
                    return out
                }
                print(try CompareOutput.render(reports, format: format.format), terminator: "")
            } catch { throw fail(error) }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel an audit.")
        @Argument(help: "The audit id (aud_ and 20 base32 characters).") var id: AuditID
        @OptionGroup var connection: OperatorConnection
        func run() async throws {
            do { print(AuditStatusText.render(try await connection.with { try await $0.cancel(id) })) } catch { throw fail(error) }
        }
    }
}

/// One audit's status as text: a progress bar over its sites, then each site's task state, when
/// it last changed and when the site's agent last called in.
enum AuditStatusText {
    static func render(_ a: AuditSummary, lastContact: [String: Date?] = [:], now: Date = Date()) -> String {
        let done = a.sites.filter { ["submitted", "refused", "failed", "expired"].contains($0.state.rawValue) }.count
        let width = 24, filled = a.sites.isEmpty ? 0 : done * width / a.sites.count
        var lines = ["audit \(a.id) \(a.name): \(a.state) · \(age(a.createdAt, now: now)) since launch"
                        + (a.rootSeed.map { " · seed \($0)" } ?? ""),
                     "  [" + String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
                        + "] \(done)/\(a.sites.count) sites answered"]
        for s in a.sites {
            var line = "  \(s.site)\t\(s.state) (\(age(s.updatedAt, now: now)) ago)"
            if let progress = s.progress, ["delivered", "accepted"].contains(s.state.rawValue) { line += "\t\(progress)" }
            if let contact = lastContact[s.site.rawValue] ?? nil { line += "\tlast contact \(age(contact, now: now)) ago" }
            if let detail = s.detail { line += "\t\(detail)" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// The text without its ticking ages, to print a non-live watch only when something changed.
    static func stable(_ text: String) -> String {
        text.replacingOccurrences(of: #"[0-9]+ (s|min|h|d)( ago| since)"#, with: "", options: .regularExpression)
    }

    static func age(_ date: Date, now: Date) -> String {
        NumberFormat.elapsed(seconds: Int(now.timeIntervalSince(date)))
    }
}

extension Duration {
    /// "90s", "30m", "2h", "1d" in seconds.
    static func seconds(parsing text: String) throws -> TimeInterval {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        guard let unit = text.last, let factor = units[unit], let value = Double(text.dropLast()), value > 0 else {
            throw ValidationError("expected a duration like 90s, 30m, 2h or 1d; found '\(text)'")
        }
        return value * factor
    }
}
