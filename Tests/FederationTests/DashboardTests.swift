import AsyncHTTPClient
import AuditCoordinator
import AuditCore
import AuditPKI
import AuditSpec
import AuditReport
import AuditWire
import Foundation
import NIOCore
import NIOSSL
import Testing

/// An HTTPS client for pages: an optional client certificate, any headers, and the response's
/// status, headers and body.
struct PageClient {
    let client: HTTPClient
    let url: String

    init(harness: FederationHarness, role: CertificateRole?) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv13
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(harness.pki.caCertificatePath))
        if let role {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(harness.pki.certificatePath(for: role)).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: harness.pki.keyPath(for: role), format: .pem))
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.redirectConfiguration = .disallow
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        url = harness.url
    }

    /// GET (or POST with `{}`); response header names are lowercased.
    func get(_ path: String, headers: [(String, String)] = [], post: Bool = false) async throws -> (status: Int, headers: [String: String], body: String) {
        var request = HTTPClientRequest(url: url + path)
        request.method = post ? .POST : .GET
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if post { request.body = .bytes(ByteBuffer(string: "{}")) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 32 << 20)
        let fields = Dictionary(response.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        return (Int(response.status.code), fields, String(buffer: body))
    }

    func shutdown() async { try? await client.shutdown() }
}

@Suite("Dashboard", .serialized)
struct DashboardTests {
    static let token = "researcher-token-for-tests-0123456789"
    static let protocolHeader = [(WireHeader.protocolVersion, ProtocolVersion.current.description)]

    @Test func servedOnlyToOperatorsAndResearchersAndReadOnly() async throws {
        let harness = try await FederationHarness(researchers: [.init(name: "alice", sha256: WireDigest.sha256Hex(Array(Self.token.utf8)))])
        try await harness.addSite("alpha")
        let op = try harness.operatorClient()
        var spec = try BundledSites.spec(bootstrap: 0)
        spec.metrics = [.error]
        let audit = try await op.launch(LaunchAuditRequest(specYAML: spec.yaml(), sites: [try SiteID(validating: "alpha")]))
        try await op.shutdown()

        let operatorPages = try PageClient(harness: harness, role: .operator(try OperatorName(certificateName: "op")))
        let sitePages = try PageClient(harness: harness, role: .site(try SiteID(certificateName: "alpha")))
        let anonymous = try PageClient(harness: harness, role: nil)

        // An operator certificate sees audits and sites, with a strict CSP and no caching.
        let page = try await operatorPages.get("/dashboard")
        #expect(page.status == 200)
        #expect(page.body.contains(audit.id.rawValue) && page.body.contains("alpha") && page.body.contains("operator op"))
        #expect(page.body.contains("class=\"state dispatched\"") && page.body.contains("class=\"state queued\""))
        #expect(page.headers["content-security-policy"]?.contains("default-src 'none'") == true)
        #expect(page.headers["cache-control"] == "no-store")
        #expect(!page.body.contains("<script"))
        // No report yet.
        #expect(try await operatorPages.get("/dashboard/audits/\(audit.id.rawValue)").status == 409)

        // A site certificate is not a reader.
        #expect(try await sitePages.get("/dashboard").status == 403)

        // Without a certificate: nothing without the token, a wrong token is refused.
        #expect(try await anonymous.get("/dashboard").status == 401)
        #expect(try await anonymous.get("/dashboard", headers: [("Authorization", "Bearer wrong")]).status == 401)
        #expect(try await anonymous.get("/v1/audits", headers: Self.protocolHeader).status == 401)

        // The researcher token opens the read-only pages and nothing else.
        let bearer = [("Authorization", "Bearer \(Self.token)")]
        let researcherPage = try await anonymous.get("/dashboard", headers: bearer)
        #expect(researcherPage.status == 200 && researcherPage.body.contains("researcher alice"))
        #expect(try await anonymous.get("/v1/audits", headers: bearer + Self.protocolHeader).status == 200)
        #expect(try await anonymous.get("/v1/audits/\(audit.id.rawValue)", headers: bearer + Self.protocolHeader).status == 200)
        #expect(try await anonymous.get("/v1/sites", headers: bearer + Self.protocolHeader).status == 403)
        #expect(try await anonymous.get("/v1/agent/tasks", headers: bearer + Self.protocolHeader).status == 403)
        #expect(try await anonymous.get("/v1/audits", headers: bearer + Self.protocolHeader, post: true).status == 403)
        #expect(try await anonymous.get("/v1/audits/\(audit.id.rawValue)/cancel", headers: bearer + Self.protocolHeader, post: true).status == 403)

        // Signing in from a link sets a Secure, HttpOnly, SameSite cookie and drops the token from the URL.
        let signIn = try await anonymous.get("/dashboard?token=\(Self.token)")
        #expect(signIn.status == 303)
        #expect(signIn.headers["location"] == "/dashboard")
        let cookie = try #require(signIn.headers["set-cookie"])
        #expect(cookie.hasPrefix("fairuse_token=\(Self.token);") && cookie.contains("HttpOnly") && cookie.contains("Secure") && cookie.contains("SameSite=Strict"))
        #expect(try await anonymous.get("/dashboard", headers: [("Cookie", "fairuse_token=\(Self.token)")]).status == 200)
        #expect(try await anonymous.get("/dashboard", headers: [("Cookie", "fairuse_token=nope")]).status == 401)
        for client in [operatorPages, sitePages, anonymous] { await client.shutdown() }
        await harness.stop()
    }

    @Test func withoutResearchersTheHandshakeStillRequiresACertificate() async throws {
        let harness = try await FederationHarness()
        let bare = try BareClient(url: harness.url, ca: harness.pki.caCertificatePath)
        #expect(await bare.handshakeFails())
        await bare.shutdown()
        await harness.stop()
    }

    @Test func researcherConfigurationErrorsNameTheKey() throws {
        let head = "tls: { certificate: c.pem, key: k.pem, ca: ca.pem }\ndatabase: sqlite:f.db\nresearchers:\n"
        let notHex = #expect(throws: ConfigurationError.self) {
            try CoordinatorConfiguration.parse(yaml: head + "  - { name: alice, token_sha256: not-hex }\n", file: "c.yaml")
        }
        #expect(notHex?.key == "researchers[0].token_sha256" && notHex?.line == 4)
        #expect(notHex?.description.contains("not-hex") == false)
        let zeros = String(repeating: "0", count: 64), ones = String(repeating: "1", count: 64)
        let duplicate = #expect(throws: ConfigurationError.self) {
            try CoordinatorConfiguration.parse(yaml: head + "  - { name: a, token_sha256: \(zeros) }\n  - { name: a, token_sha256: \(ones) }\n",
                                               file: "c.yaml")
        }
        #expect(duplicate?.code == .duplicate && duplicate?.key == "researchers[1].name")
        #expect(duplicate?.description.hasPrefix("c.yaml:5: researchers[1].name:") == true)
    }
}
