import AsyncHTTPClient
import Foundation
import NIOCore

/// The coordinator's own account of the agents' requests: its `fairuse_http_request_duration_seconds`
/// histogram (time from the request's arrival to the response head), scraped from its plain-HTTP
/// `/metrics` listener after the run. Next to the agents' latencies it separates the time the
/// coordinator spent on a request from the time the request waited in the load generator and the
/// kernel on the shared cores. Bucketed (1, 5, 25, 100, 250 ms …), so a percentile is an upper bound:
/// the first bucket edge at or above it.
public struct ServerTimes: Sendable, Codable, Equatable {
    /// One endpoint as the coordinator timed it.
    public struct Endpoint: Sendable, Codable, Equatable {
        /// `hello`, `progress`, `result` (the long poll is not listed: its server time is mostly the wait).
        public var endpoint: String
        /// Requests the coordinator answered.
        public var requests: Int
        /// Upper bounds of the median and the 99th percentile, ms (nil when above the last finite bucket).
        public var p50AtMostMilliseconds: Double?, p99AtMostMilliseconds: Double?
        /// Share of requests answered within 100 ms.
        public var within100Milliseconds: Double

        enum CodingKeys: String, CodingKey {
            case endpoint, requests
            case p50AtMostMilliseconds = "p50_at_most_ms", p99AtMostMilliseconds = "p99_at_most_ms"
            case within100Milliseconds = "share_within_100_ms"
        }
    }

    /// Per endpoint, in protocol order.
    public var endpoints: [Endpoint]

    /// The agent endpoints timed, by the last segment of their route template.
    static let names = ["hello", "progress", "result"]

    /// Parses a Prometheus text exposition.
    static func parse(_ text: String) -> ServerTimes {
        // Cumulative counts per endpoint and bucket edge (seconds; +Inf as .infinity).
        var buckets: [String: [Double: Double]] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("fairuse_http_request_duration_seconds_bucket{") {
            guard let close = line.lastIndex(of: "}"), let value = Double(line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)) else { continue }
            let labels = Self.labels(line[line.index(after: line.firstIndex(of: "{")!)..<close])
            guard let route = labels["route"], route.hasPrefix("/v1/agent/"), let le = labels["le"] else { continue }
            let name = String(route.split(separator: "/").last ?? "")
            guard names.contains(name) else { continue }
            let edge = le == "+Inf" ? Double.infinity : (Double(le) ?? .nan)
            guard !edge.isNaN else { continue }
            buckets[name, default: [:]][edge, default: 0] += value
        }
        return ServerTimes(endpoints: names.compactMap { name in
            guard let counts = buckets[name] else { return nil }
            let edges = counts.keys.sorted()
            let total = counts[.infinity] ?? edges.last.map { counts[$0]! } ?? 0
            guard total > 0 else { return nil }
            func atMost(_ p: Double) -> Double? {
                edges.first { counts[$0]! >= p * total }.flatMap { $0.isFinite ? $0 * 1000 : nil }
            }
            let within = edges.last { $0 <= 0.1 }.map { counts[$0]! / total } ?? 0
            return Endpoint(endpoint: name, requests: Int(total), p50AtMostMilliseconds: atMost(0.5),
                            p99AtMostMilliseconds: atMost(0.99), within100Milliseconds: within)
        })
    }

    /// `key="value"` pairs of a label set (values as Prometheus escapes them, unescaped).
    static func labels(_ text: Substring) -> [String: String] {
        var result: [String: String] = [:]
        var rest = text[...]
        while let equals = rest.firstIndex(of: "=") {
            let key = rest[..<equals].trimmingCharacters(in: CharacterSet(charactersIn: ", "))
            var index = rest.index(after: equals)
            guard index < rest.endIndex, rest[index] == "\"" else { break }
            index = rest.index(after: index)
            var value = ""
            while index < rest.endIndex, rest[index] != "\"" {
                if rest[index] == "\\", rest.index(after: index) < rest.endIndex { index = rest.index(after: index) }
                value.append(rest[index])
                index = rest.index(after: index)
            }
            result[key] = value
            rest = index < rest.endIndex ? rest[rest.index(after: index)...] : ""
        }
        return result
    }

    /// Scrapes `http://127.0.0.1:port/metrics`.
    static func scrape(port: Int) async throws -> ServerTimes {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(30))
            guard response.status == .ok else { throw BenchmarkError("the coordinator's /metrics answered \(response.status.code)") }
            let body = try await response.body.collect(upTo: 64 << 20)
            try await client.shutdown()
            return parse(String(buffer: body))
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
