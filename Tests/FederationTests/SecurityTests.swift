@testable import AuditClient
import AuditCore
import AuditPKI
import AuditSpec
import AuditStats
import AuditWire
import Foundation
import Testing
@testable import AuditAgent

/// Every refusal a hospital security reviewer expects, over real loopback mutual TLS, each with
/// its wire code and nothing stored (Protocol/protocol.md).
@Suite("Coordinator security", .serialized)
struct SecurityTests {
    static func client(_ harness: FederationHarness, site: String) throws -> CoordinatorClient {
        let role = CertificateRole.site(try SiteID(certificateName: site))
        return try CoordinatorClient(baseURL: harness.url, certificatePath: harness.pki.certificatePath(for: role),
                                     keyPath: harness.pki.keyPath(for: role), caPath: harness.pki.caCertificatePath)
    }

    static func hello(_ site: String) throws -> AgentHello {
        AgentHello(agentVersion: "test", site: try SiteID(validating: site),
                   policy: PolicySummary(allowedModelClasses: [], allowedMetrics: [], minCell: 5, maxGroups: 16, manualApproval: false))
    }

    static func code(_ body: () async throws -> Void) async -> String? {
        do { try await body(); return nil } catch let error as AgentError { return error.wireCode?.name ?? error.code.description } catch { return "\(error)" }
    }

    @Test func identityIsCheckedOnEveryRequest() async throws {
        let harness = try await FederationHarness()
        try await harness.addSite("alpha")
        try await harness.addSite("ghost", register: false)
        let alpha = try Self.client(harness, site: "alpha")
        #expect(try await alpha.hello(Self.hello("alpha")).coordinatorVersion.isEmpty == false)
        // A registered site cannot claim another id in its messages.
        #expect(await Self.code { _ = try await alpha.hello(Self.hello("beta")) } == "site_mismatch")
        // An unregistered certificate from the right CA.
        let ghost = try Self.client(harness, site: "ghost")
        #expect(await Self.code { _ = try await ghost.hello(Self.hello("ghost")) } == "unknown_site")
        // A site certificate on an operator endpoint.
        let (status, body) = try await alpha.send("GET", "/v1/sites", json: nil, compress: false)
        #expect(status == 403 && alpha.error(status, body).wireCode == .forbidden)
        // Revocation takes effect at once.
        let op = try harness.operatorClient()
        _ = try await op.revoke(site: try SiteID(validating: "alpha"))
        #expect(await Self.code { _ = try await alpha.hello(Self.hello("alpha")) } == "revoked_site")
        // No client certificate at all: the TLS handshake fails.
        let bare = try BareClient(url: harness.url, ca: harness.pki.caCertificatePath)
        #expect(await bare.handshakeFails())
        // A certificate from another CA.
        let otherCA = try CertificateAuthority.create(commonName: "other CA")
        let stranger = try otherCA.issueSite(try SiteID(certificateName: "alpha"))
        let strangerStore = PKIStore(directory: harness.root + "/other")
        try strangerStore.save(stranger)
        let strangerClient = try CoordinatorClient(baseURL: harness.url, certificatePath: strangerStore.certificatePath(for: stranger.role),
                                                   keyPath: strangerStore.keyPath(for: stranger.role), caPath: harness.pki.caCertificatePath)
        #expect(await Self.code { _ = try await strangerClient.hello(Self.hello("alpha")) } == "identity_refused")
        for c in [alpha, ghost, strangerClient] { try await c.shutdown() }
        try await op.shutdown()
        await bare.shutdown()
        await harness.stop()
    }

    @Test func submissionsAreIdempotentValidatedAndOwnSiteOnly() async throws {
        let harness = try await FederationHarness()
        try await harness.addSite("alpha")
        try await harness.addSite("beta")
        let op = try harness.operatorClient()
        var spec = try BundledSites.spec(bootstrap: 0)
        spec.metrics = [.error]
        let audit = try await op.launch(LaunchAuditRequest(specYAML: spec.yaml(), sites: [try SiteID(validating: "alpha"), try SiteID(validating: "beta")]))
        let alpha = try Self.client(harness, site: "alpha"), beta = try Self.client(harness, site: "beta")
        let alphaTask = try #require(try await alpha.tasks(wait: 0).first)
        let betaTask = try #require(try await beta.tasks(wait: 0).first)
        let runner = TaskRunner(site: try SiteID(validating: "alpha"), policy: SitePolicy(allowedModels: ["logistic_regression"], allowedMetrics: ["error"], allowedTechniques: ["onehot", "intersectional", "decoupled"], minCell: 1), data: .csv(path: BundledSites.data("olmsted-north")))
        guard case .result(let result) = runner.run(alphaTask) else { Issue.record("no result"); return }
        let json = try PayloadCodec.encodeJSON(result)
        // Site alpha posting to beta's task.
        #expect(await Self.code { _ = try await alpha.submit(task: betaTask.id, json: json) } == "site_mismatch")
        // Progress: recorded for its own open task; refused for another site's task, an unknown stage, a bad count.
        let alphaID = try SiteID(validating: "alpha")
        let ok = TaskProgress(task: alphaTask.id, site: alphaID, stage: "statistics", technique: "onehot", step: 7, total: 10)
        try await alpha.progress(task: alphaTask.id, json: try PayloadCodec.encodeJSON(ok))
        #expect(try await op.audit(audit.id).sites.first { $0.site == alphaID }?.progress == "statistics (onehot) 7/10")
        #expect(await Self.code { try await alpha.progress(task: betaTask.id, json: try PayloadCodec.encodeJSON(ok)) } == "site_mismatch")
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
        // A count that does not add up.
        var broken = result
        broken.techniques[0].statistics.groups[0]?.wrong[0] = 1_000_000
        #expect(await Self.code { _ = try await alpha.submit(task: alphaTask.id, json: try PayloadCodec.encodeJSON(broken)) } == "inconsistent_counts")
        // Accepted once; an identical resend gets the same receipt; a different body is a conflict.
        let first = try await alpha.submit(task: alphaTask.id, json: json)
        let again = try await alpha.submit(task: alphaTask.id, json: json)
        #expect(first == again)
        var other = result
        other.agentVersion = "tampered"
        #expect(await Self.code { _ = try await alpha.submit(task: alphaTask.id, json: try PayloadCodec.encodeJSON(other)) } == "conflict")
        let status2 = try await op.audit(audit.id)
        #expect(status2.sites.first { $0.site.rawValue == "alpha" }?.state.rawValue == "submitted")
        #expect(status2.sites.first { $0.site.rawValue == "beta" }?.state.rawValue == "delivered")
        // A major version mismatch.
        let (vstatus, vbody) = try await alpha.sendRaw(path: "/v1/agent/hello", body: try PayloadCodec.encodeJSON(Self.hello("alpha")),
                                                       deflate: false, version: "3.0")
        #expect(vstatus == 400 && alpha.error(vstatus, vbody).wireCode == .unsupportedVersion)
        for c in [alpha, beta] { try await c.shutdown() }
        try await op.shutdown()
        await harness.stop()
    }
}

extension SecurityTests {
    /// The coordinator's own (serverAuth) certificate presented as a client is refused.
    @Test func serverCertificateIsNotAClient() async throws {
        let harness = try await FederationHarness()
        let client = try CoordinatorClient(baseURL: harness.url, certificatePath: harness.pki.certificatePath(for: .coordinator),
                                           keyPath: harness.pki.keyPath(for: .coordinator), caPath: harness.pki.caCertificatePath)
        let code = await Self.code { _ = try await client.hello(Self.hello("alpha")) }
        #expect(code == "unauthenticated" || code == "identity_refused")
        try await client.shutdown()
        await harness.stop()
    }
}
