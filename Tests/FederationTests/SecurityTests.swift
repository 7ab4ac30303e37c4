@testable import AuditClient
import AuditCore
import AuditPKI
import AuditSpec
import AuditStats
import AuditTestSupport
import AuditWire
import Foundation
import Testing
@testable import AuditAgent

/// Every refusal a hospital security reviewer expects, over real loopback mutual TLS, each with
/// its wire code and nothing stored (Protocol/protocol.md). The same decisions, route by route
/// and without sockets, are in AuditCoordinatorTests' RouteAuthorizationTests.
@Suite("Coordinator security", .serialized)
struct SecurityTests {
    static func hello(_ site: String) throws -> AgentHello {
        AgentHello(agentVersion: "test", site: try SiteID(validating: site),
                   policy: PolicySummary(allowedModelClasses: [], allowedMetrics: [], minCell: 5, maxGroups: 16, manualApproval: false))
    }

    static func code(_ body: () async throws -> Void) async -> String? {
        do { try await body(); return nil } catch let error as AgentError { return error.wireCode?.name ?? error.code.description } catch { return "\(error)" }
    }

    @Test func identityIsCheckedOnEveryRequest() async throws {
        try await FederationHarness.withFederation { federation in
            try await federation.addSite("alpha")
            try await federation.addSite("ghost", register: false)
            try await federation.withSiteClient("alpha") { alpha in
                #expect(try await alpha.hello(Self.hello("alpha")).coordinatorVersion.isEmpty == false)
                // A registered site cannot claim another id in its messages.
                #expect(await Self.code { _ = try await alpha.hello(Self.hello("beta")) } == "site_mismatch")
                // A site certificate on an operator endpoint.
                let (status, body) = try await alpha.send("GET", "/v1/sites", json: nil, compress: false)
                #expect(status == 403 && alpha.error(status, body).wireCode == .forbidden)
                // Revocation takes effect at once.
                _ = try await federation.withOperator { try await $0.revoke(site: try SiteID(validating: "alpha")) }
                #expect(await Self.code { _ = try await alpha.hello(Self.hello("alpha")) } == "revoked_site")
            }
            // An unregistered certificate from the right CA.
            try await federation.withSiteClient("ghost") { ghost in
                #expect(await Self.code { _ = try await ghost.hello(Self.hello("ghost")) } == "unknown_site")
            }
            // No client certificate at all: the TLS handshake fails.
            #expect(try await federation.withPages(as: nil) { await $0.handshakeFails() })
            // A certificate from another CA.
            let stranger = try CertificateAuthority.create(commonName: "other CA").issueSite(try SiteID(certificateName: "alpha"))
            let strangerStore = PKIStore(directory: federation.root + "/other")
            try strangerStore.save(stranger)
            try await federation.withClient(certificateOf: stranger.role, in: strangerStore) { client in
                #expect(await Self.code { _ = try await client.hello(Self.hello("alpha")) } == "identity_refused")
            }
        }
    }

    @Test func submissionsAreIdempotentValidatedAndOwnSiteOnly() async throws {
        try await FederationHarness.withFederation { federation in
            try await federation.addSite("alpha")
            try await federation.addSite("beta")
            var spec = try BundledSites.spec(bootstrap: 0)
            spec.metrics = [.error]
            let launch = LaunchAuditRequest(specYAML: spec.yaml(), sites: [try SiteID(validating: "alpha"), try SiteID(validating: "beta")])
            let audit = try await federation.withOperator { try await $0.launch(launch) }.id
            let betaTask = try await federation.withSiteClient("beta") { try #require(try await $0.tasks(wait: 0).first) }
            try await federation.withSiteClient("alpha") { alpha in
                try await Self.submissions(alpha, betaTask: betaTask, audit: audit, federation: federation)
            }
            let status = try await federation.withOperator { try await $0.audit(audit) }
            #expect(status.sites.first { $0.site.rawValue == "alpha" }?.state == .submitted)
            #expect(status.sites.first { $0.site.rawValue == "beta" }?.state == .delivered)
        }
    }

    static func submissions(_ alpha: CoordinatorClient, betaTask: SiteTask, audit: AuditID, federation: FederationHarness) async throws {
        let alphaTask = try #require(try await alpha.tasks(wait: 0).first)
        let runner = TaskRunner(site: try SiteID(validating: "alpha"), policy: SitePolicy(allowedModels: ["logistic_regression"], allowedMetrics: ["error"], allowedTechniques: ["onehot", "intersectional", "decoupled"], minCell: 1), data: .csv(path: BundledSites.data("olmsted-north")))
        guard case .result(let result) = await runner.run(alphaTask) else { Issue.record("no result"); return }
        let json = try PayloadCodec.encodeJSON(result)
        // Site alpha posting to beta's task.
        // Another site's task answers exactly like a task that does not exist (protocol §2).
        #expect(await Self.code { _ = try await alpha.submit(task: betaTask.id, json: json) } == "not_found")
        // Progress: recorded for its own open task; refused for another site's task, an unknown stage, a bad count.
        let alphaID = try SiteID(validating: "alpha")
        let ok = TaskProgress(task: alphaTask.id, site: alphaID, stage: "statistics", technique: "onehot", step: 7, total: 10)
        try await alpha.progress(task: alphaTask.id, json: try PayloadCodec.encodeJSON(ok))
        #expect(try await federation.withOperator { try await $0.audit(audit) }.sites.first { $0.site == alphaID }?.progress == "statistics (onehot) 7/10")
        #expect(await Self.code { try await alpha.progress(task: betaTask.id, json: try PayloadCodec.encodeJSON(ok)) } == "not_found")
        var badStage = ok
        badStage.stage = "reading /secret/path.csv"
        #expect(await Self.code { try await alpha.progress(task: alphaTask.id, json: try PayloadCodec.encodeJSON(badStage)) } == "malformed_payload")
        var badCount = ok
        badCount.step = 11
        #expect(await Self.code { try await alpha.progress(task: alphaTask.id, json: try PayloadCodec.encodeJSON(badCount)) } == "malformed_payload")
        // Garbled compressed body, and a zlib bomb.
        var (status, body) = try await alpha.sendRaw(path: "/v1/agent/tasks/\(alphaTask.id)/result", body: Data([0x78, 0x9c, 1, 2, 3, 4]), deflate: true)
        #expect(status == 400 && alpha.error(status, body).wireCode == .decompressionFailed)
        (status, body) = try await alpha.sendRaw(path: "/v1/agent/tasks/\(alphaTask.id)/result",
                                                 body: PayloadCodec.compress(Data(count: 600 << 20)), deflate: true)
        #expect(status == 413 && alpha.error(status, body).wireCode == .payloadTooLarge)
        // Accepted once; an identical resend gets the same receipt; a different body is a conflict.
        let first = try await alpha.submit(task: alphaTask.id, json: json)
        let again = try await alpha.submit(task: alphaTask.id, json: json)
        #expect(first == again)
        // A count that does not add up (sent after the accepted result: an invalid result fails an
        // open task, see ValidationFederationTests; the submitted one stays submitted).
        var broken = result
        broken.techniques[0].statistics.groups[0]?.wrong[0] = 1_000_000
        #expect(await Self.code { _ = try await alpha.submit(task: alphaTask.id, json: try PayloadCodec.encodeJSON(broken)) } == "inconsistent_counts")
        var other = result
        other.agentVersion = "tampered"
        #expect(await Self.code { _ = try await alpha.submit(task: alphaTask.id, json: try PayloadCodec.encodeJSON(other)) } == "conflict")
        // A major version mismatch.
        let (vstatus, vbody) = try await alpha.sendRaw(path: "/v1/agent/hello", body: try PayloadCodec.encodeJSON(Self.hello("alpha")),
                                                       deflate: false, version: "4.0")
        #expect(vstatus == 400 && alpha.error(vstatus, vbody).wireCode == .unsupportedVersion)
    }

    /// The coordinator's own (serverAuth) certificate presented as a client is refused.
    @Test func serverCertificateIsNotAClient() async throws {
        try await FederationHarness.withFederation { federation in
            let code = try await federation.withClient(certificateOf: .coordinator) { client in
                await Self.code { _ = try await client.hello(Self.hello("alpha")) }
            }
            #expect(code == "unauthenticated" || code == "identity_refused")
        }
    }
}
