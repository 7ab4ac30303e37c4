import ArgumentParser
import AuditAgent
import AuditSpec
import AuditWire
import Foundation

/// `fairuse audit launch|list|status|report|cancel`: the operator's view of audits.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Launch and follow federated audits.",
        subcommands: [Launch.self, List.self, Status.self, Report.self, Cancel.self])

    struct Launch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Launch an audit of SPEC at the given sites.")
        @Argument(help: "Audit spec (YAML).") var spec: String
        @Option(help: "Comma-separated site ids.") var sites: String
        @Option(help: "Smallest number of sites for a partial result (default: all).") var minSites: Int?
        @Option(help: "Comma-separated sites that must submit.") var required: String?
        @Option(help: "Deadline from now, e.g. 90s, 30m, 2h.") var deadline: String?
        @OptionGroup var connection: OperatorConnection

        func run() async throws {
            do {
                let text = try String(contentsOfFile: spec, encoding: .utf8)
                _ = try AuditSpec.parse(yaml: text, source: spec)
                let request = LaunchAuditRequest(
                    specYAML: text, sites: try sites.split(separator: ",").map { try SiteID(validating: String($0)) },
                    minSites: minSites, requiredSites: try required?.split(separator: ",").map { try SiteID(validating: String($0)) },
                    deadline: try deadline.map { Date().addingTimeInterval(try Duration.seconds(parsing: $0)) })
                let summary = try await connection.with { try await $0.launch(request) }
                print(summary.id)
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
        static let configuration = CommandConfiguration(abstract: "Show an audit's state and each site's task.")
        @Argument var id: String
        @Flag(help: "Keep showing changes until the audit ends.") var watch = false
        @OptionGroup var connection: OperatorConnection
        func run() async throws {
            do {
                try await connection.with { client in
                    var last = ""
                    while true {
                        let a = try await client.audit(id)
                        let text = AuditStatusText.render(a)
                        if text != last { print(text); last = text }
                        if !watch || ["complete", "partial", "failed", "cancelled"].contains(a.state.rawValue) { break }
                        try await Task.sleep(for: .seconds(1))
                    }
                }
            } catch { throw fail(error) }
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the federated report.")
        @Argument var id: String
        @Option(help: "table | json | md") var format: String = "table"
        @OptionGroup var connection: OperatorConnection
        func run() async throws {
            do { print(try await connection.with { try await $0.report(id, format: format) }) } catch { throw fail(error) }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel an audit.")
        @Argument var id: String
        @OptionGroup var connection: OperatorConnection
        func run() async throws {
            do { print(AuditStatusText.render(try await connection.with { try await $0.cancel(id) })) } catch { throw fail(error) }
        }
    }
}

/// One audit's status as text lines.
enum AuditStatusText {
    static func render(_ a: AuditSummary) -> String {
        var lines = ["audit \(a.id) \(a.name): \(a.state)"]
        for s in a.sites {
            lines.append("  \(s.site)\t\(s.state)" + (s.detail.map { "\t\($0)" } ?? ""))
        }
        return lines.joined(separator: "\n")
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
