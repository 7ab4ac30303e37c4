@testable import AuditClient
import AuditCoordinator
import AuditCore
import AuditPKI
import AuditSpec
import AuditTestSupport
import AuditWire
import Foundation
import Testing

/// Operations over a real federation (loopback mutual TLS, real agents): `/metrics` after an
/// audit, checked with a parser written here against counts the test knows from what it did;
/// `/healthz` and `/readyz`; the security events a real coordinator logs; the event log route.
@Suite("Operations: metrics, health, security log, events", .serialized)
struct OperationsTests {
    @Test func metricsAfterARealAuditCountWhatHappened() async throws {
        try await FederationHarness.withFederation(observability: true) { federation in
            let base = try #require(federation.observabilityURL)
            let sites = ["olmsted-north", "olmsted-south"]
            let agents = try await federation.bundledAgents(sites)
            var spec = try BundledSites.spec(bootstrap: 0)
            spec.metrics = [.error]
            let outcome = try await federation.withAgents(agents) { try await federation.runAudit(spec, sites: sites) }
            #expect(outcome.summary.state == .complete)

            let scrape = try await PlainHTTP.get(base + "/metrics")
            #expect(scrape.status == 200)
            #expect(scrape.contentType?.hasPrefix("text/plain; version=0.0.4") == true)
            let metrics = try PrometheusText(scrape.body)
            // Gauges from the store: one complete audit, one submitted task per site, two active sites.
            #expect(metrics.value("fairuse_audits", ["state": "complete"]) == 1)
            #expect(metrics.value("fairuse_audits", ["state": "collecting"]) == 0)
            #expect(metrics.value("fairuse_tasks", ["state": "submitted"]) == Double(sites.count))
            #expect(metrics.value("fairuse_sites", ["status": "active"]) == Double(sites.count))
            #expect(metrics.types["fairuse_audits"] == "gauge")
            // Requests by route and status: one accepted result per site, one launch, two registrations.
            let result = "/v1/agent/tasks/{id}/result"
            #expect(metrics.value("fairuse_http_requests_total", ["route": result, "method": "POST", "status": "200"]) == Double(sites.count))
            #expect(metrics.value("fairuse_http_requests_total", ["route": "/v1/audits", "method": "POST", "status": "201"]) == 1)
            #expect(metrics.value("fairuse_http_requests_total", ["route": "/v1/sites", "method": "POST", "status": "201"]) == Double(sites.count))
            #expect(metrics.types["fairuse_http_requests_total"] == "counter")
            // Latency histograms: a count per request, and one combine that produced a report.
            #expect(metrics.value("fairuse_http_request_duration_seconds_count", ["route": result, "method": "POST"]) == Double(sites.count))
            #expect(metrics.types["fairuse_http_request_duration_seconds"] == "histogram")
            #expect(metrics.value("fairuse_combine_duration_seconds_count", ["outcome": "report"]) == 1)
            #expect(metrics.value("fairuse_combine_duration_seconds_bucket", ["outcome": "report", "le": "+Inf"]) == 1)
            // Payload bytes: one upload per site into the histogram, and the byte counter at least that sum.
            #expect(metrics.value("fairuse_agent_payload_bytes_count", ["route": result]) == Double(sites.count))
            let uploaded = try #require(metrics.value("fairuse_agent_payload_bytes_sum", ["route": result]))
            #expect(uploaded > 1000)
            #expect(metrics.value("fairuse_http_request_bytes_total", ["route": result]) == uploaded)
            // No id ever becomes a label value.
            #expect(!metrics.samples.contains { $0.labels.values.contains { $0.contains(outcome.launched.id.rawValue) } })

            let health = try await PlainHTTP.get(base + "/healthz")
            #expect(health.status == 200 && health.body == "ok\n")
            let ready = try await PlainHTTP.get(base + "/readyz")
            #expect(ready.status == 200)
            #expect(ready.body.hasPrefix("ready\n") && ready.body.contains("store: ok") && ready.body.contains("tls: ok"))
            // Nothing else is served on the plain listener.
            #expect(try await PlainHTTP.get(base + "/v1/audits").status == 404)
        }
    }

    @Test func securityEventsAreLoggedWithIdsAndNoPayloadValues() async throws {
        let log = LogCapture()
        try await FederationHarness.withFederation(observability: true, logger: log.logger) { federation in
            let alpha = try await federation.addSite("alpha")
            try await federation.addSite("ghost", register: false)
            try await federation.addSite("beta")
            // Registration: a notice with the site, its fingerprint and the operator.
            let registered = try #require(log.events("site_registered").first { $0.metadata["site"] == "alpha" })
            #expect(registered.level == .notice && registered.message == "site registered")
            #expect(registered.metadata["fingerprint"] == alpha.fingerprint.hex && registered.metadata["operator"] == "op")

            try await federation.withSiteClient("alpha") { client in
                // Wrong role: a site certificate on an operator route.
                _ = try await client.send("GET", "/v1/sites", json: nil, compress: false)
                let role = try #require(log.events("role_refused").last)
                #expect(role.level == .warning)
                #expect(role.metadata["code"] == "forbidden" && role.metadata["route"] == "/v1/sites")
                #expect(role.metadata["principal"] == "urn:fairuse:site:alpha")
                #expect(role.metadata["fingerprint"] == alpha.fingerprint.hex)

                // A refused payload: a progress report whose stage quotes a local path.
                let task = try await Self.openTask(federation, client: client)
                var progress = TaskProgress(task: task.id, site: try SiteID(validating: "alpha"), stage: "statistics", step: 1, total: 2)
                progress.stage = "reading /srv/hospital/secret-cohort.csv"
                _ = try? await client.progress(task: task.id, json: try PayloadCodec.encodeJSON(progress))
                let payload = try #require(log.events("payload_refused").last)
                #expect(payload.metadata["code"] == "malformed_payload")
                #expect(payload.metadata["route"] == "/v1/agent/tasks/{id}/progress")
                #expect(payload.metadata["principal"] == "urn:fairuse:site:alpha")

                // Revocation, then the revoked certificate is refused as an identity.
                _ = try await federation.withOperator { try await $0.revoke(site: try SiteID(validating: "alpha")) }
                let revoked = try #require(log.events("site_revoked").last)
                #expect(revoked.metadata["site"] == "alpha" && revoked.metadata["audits_affected"] != nil)
                _ = try? await client.hello(SecurityTests.hello("alpha"))
                let refused = try #require(log.events("identity_refused").last)
                #expect(refused.metadata["code"] == "revoked_site" && refused.metadata["route"] == "/v1/agent/hello")
                #expect(refused.metadata["fingerprint"] == alpha.fingerprint.hex)
                #expect(refused.metadata["peer_address"] == "127.0.0.1")
            }
            try await federation.withSiteClient("ghost") { ghost in
                _ = try? await ghost.hello(SecurityTests.hello("ghost"))
                #expect(log.events("identity_refused").last?.metadata["code"] == "unknown_site")
            }
            // No line carries the refused payload's text.
            #expect(!log.all.contains { record in
                record.message.contains("/srv/hospital") || record.metadata.values.contains { $0.contains("/srv/hospital") }
            })
            // Each event is counted in /metrics, by kind.
            let metrics = try PrometheusText(try await PlainHTTP.get(try #require(federation.observabilityURL) + "/metrics").body)
            #expect(metrics.value("fairuse_security_events_total", ["event": "site_registered"]) == 2)
            #expect(metrics.value("fairuse_security_events_total", ["event": "site_revoked"]) == 1)
            #expect(metrics.value("fairuse_security_events_total", ["event": "identity_refused"]) == 2)
            #expect(metrics.value("fairuse_security_events_total", ["event": "role_refused"]) == 1)
            #expect(metrics.value("fairuse_security_events_total", ["event": "payload_refused"]) == 1)
        }
    }

    /// Launches a one-site audit for alpha and returns its task.
    static func openTask(_ federation: FederationHarness, client: CoordinatorClient) async throws -> SiteTask {
        var spec = try BundledSites.spec(bootstrap: 0)
        spec.metrics = [.error]
        _ = try await federation.withOperator {
            try await $0.launch(LaunchAuditRequest(specYAML: spec.yaml(), sites: [try SiteID(validating: "alpha")]))
        }
        return try #require(try await client.tasks(wait: 0).first)
    }

    @Test func eventLogIsReadThroughTheOperatorRoute() async throws {
        try await FederationHarness.withFederation { federation in
            try await federation.addSite("alpha")
            try await federation.addSite("beta")
            let audit = try await federation.withSiteClient("alpha") { client in try await Self.openTask(federation, client: client).audit }
            try await federation.withOperator { op in
                let all = try await op.events()
                #expect(all.filter { $0.kind == "site_registered" }.count == 2)
                #expect(all.map(\.id) == all.map(\.id).sorted())
                let ofAudit = try await op.events(audit: audit)
                #expect(!ofAudit.isEmpty && ofAudit.allSatisfy { $0.audit == audit })
                let ofBeta = try await op.events(site: try SiteID(validating: "beta"))
                #expect(ofBeta.map(\.kind) == ["site_registered"])
                // --limit keeps the newest, still oldest first.
                let lastTwo = try await op.events(limit: 2)
                #expect(lastTwo == Array(all.suffix(2)))
                #expect(try await op.events(since: Date().addingTimeInterval(3600)).isEmpty)
            }
            // Sites may not read it; a bad limit names the parameter.
            try await federation.withSiteClient("alpha") { client in
                let (status, body) = try await client.send("GET", "/v1/events", json: nil, compress: false)
                #expect(status == 403 && client.error(status, body).wireCode == .forbidden)
            }
            try await federation.withOperator { op in
                let (status, body) = try await op.transport.send("GET", "/v1/events?limit=0", json: nil, compress: false)
                let error = op.transport.error(status, body)
                #expect(status == 400 && error.wireCode == .malformedPayload)
                #expect("\(error)".contains("limit"))
            }
        }
    }
}
