import ArgumentParser
import AuditCore
import AuditWire
import Foundation

extension CoordinatorCommand {
    /// `fairuse coordinator events`: the coordinator's event log through the operator API.
    struct Events: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the coordinator's event log: audit and task transitions, site registrations and revocations.",
            discussion: """
                Reads GET /v1/events with the operator certificate, like `coordinator site list`, so it works from any \
                operator machine and never opens the database file. Newest --limit events, printed oldest first.
                """)
        @Option(help: "Only this audit's events.") var audit: String?
        @Option(help: "Only this site's events (registration, revocation, its tasks).") var site: String?
        @Option(help: "Only events at or after this time: RFC 3339 (2026-12-04T18:00:00Z) or an age such as 30m, 2h, 7d.")
        var since: String?
        @Option(help: "At most this many events (1–10000).") var limit = 100
        @Flag(help: "Print the events as JSON (the API's EventList) instead of a table.") var json = false
        @OptionGroup var connection: OperatorConnection

        func validate() throws {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be 1 … 10000") }
            if let since, Self.time(since, now: Date()) == nil {
                throw ValidationError("--since '\(since)': expected an RFC 3339 time (2026-12-04T18:00:00Z) or an age such as 30m, 2h, 7d")
            }
        }

        /// An RFC 3339 time, or `now` minus an age in s, m, h or d.
        static func time(_ text: String, now: Date) -> Date? {
            if let date = WireJSON.parseDate(text) { return date }
            guard let unit = text.last, let amount = Double(text.dropLast()), amount >= 0 else { return nil }
            let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
            return units[unit].map { now.addingTimeInterval(-amount * $0) }
        }

        func run() async throws {
            do {
                let auditID = try audit.map { try AuditID(validating: $0) }
                let siteID = try site.map { try SiteID(validating: $0) }
                let events = try await connection.with {
                    try await $0.events(audit: auditID, site: siteID, since: since.flatMap { Self.time($0, now: Date()) }, limit: limit)
                }
                if json {
                    print(String(decoding: try PayloadCodec.encodeJSON(EventList(events: events)), as: UTF8.self))
                } else {
                    print(Self.table(events), terminator: "")
                }
            } catch { throw fail(error) }
        }

        /// Aligned columns: time, kind, audit, task, site, detail.
        static func table(_ events: [EventEntry]) -> String {
            let header = ["TIME", "EVENT", "AUDIT", "TASK", "SITE", "DETAIL"]
            let rows = events.map { e in
                [WireJSON.formatDate(e.at), e.kind, e.audit?.rawValue ?? "-", e.task?.rawValue ?? "-", e.site?.rawValue ?? "-", e.detail]
            }
            guard !rows.isEmpty else { return "no events\n" }
            let widths = (0..<5).map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
            return ([header] + rows).map { row in
                (0..<5).map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ") + "  " + row[5]
            }.joined(separator: "\n") + "\n"
        }
    }
}
