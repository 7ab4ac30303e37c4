import AuditCore
import CoreMetrics
import Prometheus

/// The coordinator's Prometheus metrics, recorded through swift-metrics into a registry that this
/// coordinator owns (not the process-wide `MetricsSystem`, which can be bootstrapped once per
/// process and would mix the series of the many coordinators a test run starts).
///
/// Series (Deploy/README.md, "Operations", lists them for operators):
/// - `fairuse_http_requests_total{route,method,status}`: every API request, by route template.
/// - `fairuse_http_request_duration_seconds{route,method}`: time to the response head.
/// - `fairuse_http_request_bytes_total{route}` / `fairuse_http_response_bytes_total{route}`: bodies
///   as sent (Content-Length; compressed for zlib payloads).
/// - `fairuse_agent_payload_bytes{route}`: size distribution of the agents' uploads (hello, result,
///   refusal, progress).
/// - `fairuse_combine_duration_seconds{outcome}`: pooling one audit's results into its report.
/// - `fairuse_security_events_total{event}`: registrations, revocations and refusals.
/// - `fairuse_audits{state}`, `fairuse_tasks{state}`, `fairuse_sites{status}`: read from the store
///   at each scrape, so they are right after a restart and never drift.
public final class CoordinatorMetrics: Sendable {
    /// The registry the `/metrics` exposition is rendered from.
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory

    /// Request latencies from 1 ms (a refused handshake's request) to 60 s (a long-poll).
    static let requestBuckets: [Duration] = [.milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100),
                                             .milliseconds(250), .seconds(1), .milliseconds(2500), .seconds(10),
                                             .seconds(30), .seconds(60)]
    /// Combine latencies from 10 ms to 10 minutes (bootstrap pooling of many sites).
    static let combineBuckets: [Duration] = [.milliseconds(10), .milliseconds(50), .milliseconds(250), .seconds(1),
                                             .seconds(5), .seconds(30), .seconds(120), .seconds(600)]
    /// Upload sizes from 1 KiB to the default 64 MiB limit.
    static let payloadBuckets: [Double] = [1024, 4096, 16384, 65536, 262_144, 1_048_576, 4_194_304, 16_777_216, 67_108_864]

    /// Creates an empty registry with the coordinator's buckets.
    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = ["fairuse_http_request_duration_seconds": Self.requestBuckets,
                                            "fairuse_combine_duration_seconds": Self.combineBuckets]
        factory.valueHistogramBuckets = ["fairuse_agent_payload_bytes": Self.payloadBuckets]
        self.factory = factory
    }

    /// Records one answered request.
    func request(route: String, method: String, status: Int, duration: Duration, requestBytes: Int?, responseBytes: Int?) {
        CoreMetrics.Counter(label: "fairuse_http_requests_total", dimensions: [("route", route), ("method", method), ("status", "\(status)")],
                factory: factory).increment()
        CoreMetrics.Timer(label: "fairuse_http_request_duration_seconds", dimensions: [("route", route), ("method", method)], factory: factory)
            .recordNanoseconds(Self.nanoseconds(duration))
        if let requestBytes {
            CoreMetrics.Counter(label: "fairuse_http_request_bytes_total", dimensions: [("route", route)], factory: factory)
                .increment(by: requestBytes)
            if route.hasPrefix("/v1/agent/") && method == "POST" {
                CoreMetrics.Recorder(label: "fairuse_agent_payload_bytes", dimensions: [("route", route)], aggregate: true, factory: factory)
                    .record(requestBytes)
            }
        }
        if let responseBytes {
            CoreMetrics.Counter(label: "fairuse_http_response_bytes_total", dimensions: [("route", route)], factory: factory)
                .increment(by: responseBytes)
        }
    }

    /// Records one combine run and whether it produced a report.
    func combined(duration: Duration, succeeded: Bool) {
        CoreMetrics.Timer(label: "fairuse_combine_duration_seconds", dimensions: [("outcome", succeeded ? "report" : "failed")], factory: factory)
            .recordNanoseconds(Self.nanoseconds(duration))
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Counts one security event.
    func count(_ event: SecurityEvent.Kind) {
        CoreMetrics.Counter(label: "fairuse_security_events_total", dimensions: [("event", event.rawValue)], factory: factory).increment()
    }

    /// The text exposition (format 0.0.4), with the state gauges set from `counts` first.
    public func exposition(counts: Store.StateCounts) -> String {
        for (state, n) in counts.audits { gauge("fairuse_audits", "state", state.rawValue, n) }
        for (state, n) in counts.tasks { gauge("fairuse_tasks", "state", state.rawValue, n) }
        for (status, n) in counts.sites { gauge("fairuse_sites", "status", status.rawValue, n) }
        return registry.emitToString()
    }

    private func gauge(_ name: String, _ key: String, _ value: String, _ n: Int) {
        CoreMetrics.Gauge(label: name, dimensions: [(key, value)], factory: factory).record(n)
    }
}
