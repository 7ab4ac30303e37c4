import AsyncHTTPClient
import Foundation

/// The demo's look at its coordinator's `/metrics` once the audit is done: a few series, read
/// back from the exposition text, so the run shows the endpoint answers and what it counts.
enum DemoMetrics {
    /// The lines of `/metrics` that a person reading the demo cares about.
    static let shown = ["fairuse_audits{", "fairuse_tasks{", "fairuse_http_requests_total{", "fairuse_combine_duration_seconds_count"]

    static func summary(_ base: String) async throws -> String {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: base + "/metrics"), timeout: .seconds(10))
        guard response.status.code == 200 else {
            throw CommandError("\(base)/metrics answered \(response.status.code); see the coordinator's log")
        }
        let text = String(decoding: try await response.body.collect(upTo: 4 << 20).readableBytesView, as: UTF8.self)
        let lines = text.split(separator: "\n").filter { line in
            shown.contains { line.hasPrefix($0) } && line.split(separator: " ").last.flatMap { Double($0) } != 0
                && !line.contains("route=\"/v1/agent/tasks\"")
        }.sorted()
        return "Metrics (\(base)/metrics, \(text.split(separator: "\n").count) lines; non-zero audit, task, request and combine series):\n"
            + lines.map { "  " + $0 }.joined(separator: "\n")
    }
}
