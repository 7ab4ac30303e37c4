import Foundation

/// One timed request of a simulated agent.
struct Sample: Sendable {
    /// The endpoint's name in the table (`hello`, `tasks`, `progress`, `result`).
    var endpoint: String
    /// Milliseconds the agent waited for the answer (for a long poll, from when a task existed).
    var milliseconds: Double
    /// The error message of a failed request (a transport failure or an unexpected status), nil when it succeeded.
    var error: String?
}

/// What `fairuse benchmark load` measured: per endpoint and over every agent request, the request
/// count, errors and latency percentiles; the audits' final states; the coordinator's memory.
public struct LoadFigures: Sendable, Codable, Equatable {
    /// One endpoint's figures.
    public struct Endpoint: Sendable, Codable, Equatable {
        /// The endpoint (`hello`, `tasks`, `progress`, `result`).
        public var endpoint: String
        /// Requests sent, and how many failed.
        public var requests: Int, errors: Int
        /// Latency percentiles (nearest rank) and maximum over the requests that succeeded, ms.
        public var p50Milliseconds: Double, p99Milliseconds: Double, maxMilliseconds: Double

        enum CodingKeys: String, CodingKey {
            case endpoint, requests, errors
            case p50Milliseconds = "p50_ms", p99Milliseconds = "p99_ms", maxMilliseconds = "max_ms"
        }
    }

    /// Agents, tasks each, and the store (`sqlite` or `postgres`).
    public var agents: Int, tasksPerAgent: Int, database: String
    /// The load profile: mean pause before each report and the submit, and the agents' start spread, ms.
    public var thinkMilliseconds: Int = 0, rampMilliseconds: Int = 0
    /// Every agent request (the operator's are not counted), and the failed ones.
    public var requests: Int, errors: Int
    /// Latency over every successful agent request, ms.
    public var p50Milliseconds: Double, p99Milliseconds: Double, maxMilliseconds: Double
    /// Per endpoint, in protocol order.
    public var endpoints: [Endpoint]
    /// Long polls that came back empty (the wait ran out before a task existed): counted, not timed, not errors.
    public var emptyPolls: Int
    /// Agents whose last ledger head (every request carries one, as a real agent's does) is what the
    /// coordinator recorded for their site at the end; every agent's, when nothing was lost.
    public var ledgerHeadsRecorded = 0
    /// The final state of each audit launched, and the worst of them (`complete` when all completed).
    public var auditStates: [String], auditState: String
    /// Seconds from the first launch until every audit was combined (includes the coordinator's combines).
    public var auditSeconds: Double
    /// The operator's launch requests, ms each.
    public var launchMilliseconds: [Double]
    /// The coordinator's resident memory after the run (VmRSS) and its peak (VmHWM), bytes.
    public var rssBytes: Int, rssPeakBytes: Int
    /// Bytes of one result payload (uncompressed JSON).
    public var resultBytes: Int
    /// Up to five distinct error messages, with their counts.
    public var errorMessages: [String]
    /// The coordinator's own request times (its `/metrics` histogram); nil when it could not be read.
    public var serverTimes: ServerTimes? = nil

    enum CodingKeys: String, CodingKey {
        case agents, tasksPerAgent = "tasks_per_agent", database, requests, errors
        case thinkMilliseconds = "think_ms", rampMilliseconds = "ramp_ms"
        case p50Milliseconds = "p50_ms", p99Milliseconds = "p99_ms", maxMilliseconds = "max_ms"
        case endpoints, emptyPolls = "empty_polls", ledgerHeadsRecorded = "ledger_heads_recorded", auditStates = "audit_states", auditState = "audit_state"
        case auditSeconds = "audit_seconds", launchMilliseconds = "launch_ms"
        case rssBytes = "rss_bytes", rssPeakBytes = "rss_peak_bytes", resultBytes = "result_bytes"
        case errorMessages = "error_messages", serverTimes = "coordinator_times"
    }

    /// The nearest-rank percentile `p` (0 < p ≤ 1) of `sorted` (ascending); 0 when empty.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// Figures of `samples` for one endpoint (or all).
    static func summary(_ name: String, _ samples: [Sample]) -> Endpoint {
        let times = samples.filter { $0.error == nil }.map(\.milliseconds).sorted()
        return Endpoint(endpoint: name, requests: samples.count, errors: samples.count - times.count,
                        p50Milliseconds: percentile(times, 0.5), p99Milliseconds: percentile(times, 0.99),
                        maxMilliseconds: times.last ?? 0)
    }

    /// The figures' table for people.
    public func table() -> String {
        func ms(_ value: Double) -> String { String(format: "%.1f", value) }
        var rows = [["endpoint", "requests", "errors", "p50 ms", "p99 ms", "max ms"]]
        for e in endpoints {
            rows.append([e.endpoint, "\(e.requests)", "\(e.errors)", ms(e.p50Milliseconds), ms(e.p99Milliseconds), ms(e.maxMilliseconds)])
        }
        rows.append(["all", "\(requests)", "\(errors)", ms(p50Milliseconds), ms(p99Milliseconds), ms(maxMilliseconds)])
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        var text = ""
        for (i, row) in rows.enumerated() {
            text += row.enumerated().map { c, cell in
                c == 0 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                       : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  ") + "\n"
            if i == 0 || i == rows.count - 2 { text += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
        }
        let mib = { (bytes: Int) in String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
        text += "agents \(agents) × \(tasksPerAgent) task(s), think \(thinkMilliseconds) ms, ramp \(rampMilliseconds) ms, "
            + "store \(database); empty long polls \(emptyPolls); ledger heads recorded \(ledgerHeadsRecorded) of \(agents)\n"
        text += "audits: \(auditStates.joined(separator: ", ")) in \(String(format: "%.2f", auditSeconds)) s from the first launch; "
            + "launch " + launchMilliseconds.map(ms).joined(separator: ", ") + " ms\n"
        text += "coordinator memory: VmRSS \(mib(rssBytes)), peak VmHWM \(mib(rssPeakBytes)); one result \(resultBytes / 1024) KiB of JSON\n"
        if let serverTimes {
            let bound = { (value: Double?) in value.map { "≤ " + String(format: "%g", $0) } ?? "> 60000" }
            text += "coordinator's own time to the response head (its histogram; bounds are bucket edges, ms):\n"
            for e in serverTimes.endpoints {
                text += "  \(e.endpoint): \(e.requests) requests, p50 \(bound(e.p50AtMostMilliseconds)), p99 \(bound(e.p99AtMostMilliseconds)), "
                    + String(format: "%.1f %% within 100 ms\n", e.within100Milliseconds * 100)
            }
        }
        for message in errorMessages { text += "error: \(message)\n" }
        return text
    }
}
