import AuditCoordinator
import AuditCore
import AuditPKI
import AuditSpec
import AuditReport
import AuditTestSupport
import AuditWire
import Foundation
import Testing

@Suite("Dashboard", .serialized)
struct DashboardTests {
    static let token = "researcher-token-for-tests-0123456789"
    static let protocolHeader = [(WireHeader.protocolVersion, ProtocolVersion.current.description)]

    @Test func servedOnlyToOperatorsAndResearchersAndReadOnly() async throws {
        let researchers = [CoordinatorConfiguration.ResearcherToken(name: "alice", sha256: WireDigest.sha256Hex(Array(Self.token.utf8)))]
        try await FederationHarness.withFederation(researchers: researchers) { federation in
            try await federation.addSite("alpha")
            var spec = try BundledSites.spec(bootstrap: 0)
            spec.metrics = [.error]
            let launch = LaunchAuditRequest(specYAML: spec.yaml(), sites: [try SiteID(validating: "alpha")])
            let audit = try await federation.withOperator { try await $0.launch(launch) }.id
            try await federation.withPages(as: .operator(try OperatorName(certificateName: "op"))) { try await Self.operatorPages($0, audit: audit) }
            // A site certificate is not a reader.
            #expect(try await federation.withPages(as: .site(try SiteID(certificateName: "alpha"))) { try await $0.get("/dashboard").status } == 403)
            try await federation.withPages(as: nil) { try await Self.researcherPages($0, audit: audit) }
        }
    }

    /// An operator certificate sees audits and sites, with a strict CSP and no caching.
    static func operatorPages(_ pages: PageClient, audit: AuditID) async throws {
        let page = try await pages.get("/dashboard")
        #expect(page.status == 200)
        #expect(page.body.contains(audit.rawValue) && page.body.contains("alpha") && page.body.contains("operator op"))
        #expect(page.body.contains("class=\"state dispatched\"") && page.body.contains("class=\"state queued\""))
        #expect(page.headers["content-security-policy"]?.contains("default-src 'none'") == true)
        #expect(page.headers["cache-control"] == "no-store")
        #expect(!page.body.contains("<script"))
        // No report yet.
        #expect(try await pages.get("/dashboard/audits/\(audit)").status == 409)
    }

    /// Without a certificate: nothing without the token; the token opens the read-only pages only.
    static func researcherPages(_ anonymous: PageClient, audit: AuditID) async throws {
        #expect(try await anonymous.get("/dashboard").status == 401)
        #expect(try await anonymous.get("/dashboard", headers: [("Authorization", "Bearer wrong")]).status == 401)
        #expect(try await anonymous.get("/v1/audits", headers: Self.protocolHeader).status == 401)

        let bearer = [("Authorization", "Bearer \(Self.token)")]
        let researcherPage = try await anonymous.get("/dashboard", headers: bearer)
        #expect(researcherPage.status == 200 && researcherPage.body.contains("researcher alice"))
        #expect(try await anonymous.get("/v1/audits", headers: bearer + Self.protocolHeader).status == 200)
        #expect(try await anonymous.get("/v1/audits/\(audit)", headers: bearer + Self.protocolHeader).status == 200)
        #expect(try await anonymous.get("/v1/sites", headers: bearer + Self.protocolHeader).status == 403)
        #expect(try await anonymous.get("/v1/agent/tasks", headers: bearer + Self.protocolHeader).status == 403)
        #expect(try await anonymous.get("/v1/audits", headers: bearer + Self.protocolHeader, post: true).status == 403)
        #expect(try await anonymous.get("/v1/audits/\(audit)/cancel", headers: bearer + Self.protocolHeader, post: true).status == 403)

        // Signing in from a link sets a Secure, HttpOnly, SameSite cookie and drops the token from the URL.
        let signIn = try await anonymous.get("/dashboard?token=\(Self.token)")
        #expect(signIn.status == 303)
        #expect(signIn.headers["location"] == "/dashboard")
        let cookie = try #require(signIn.headers["set-cookie"])
        #expect(cookie.hasPrefix("fairuse_token=\(Self.token);") && cookie.contains("HttpOnly") && cookie.contains("Secure") && cookie.contains("SameSite=Strict"))
        #expect(try await anonymous.get("/dashboard", headers: [("Cookie", "fairuse_token=\(Self.token)")]).status == 200)
        #expect(try await anonymous.get("/dashboard", headers: [("Cookie", "fairuse_token=nope")]).status == 401)
    }

    @Test func withoutResearchersTheHandshakeStillRequiresACertificate() async throws {
        try await FederationHarness.withFederation { federation in
            let refused = try await federation.withPages(as: nil) { await $0.handshakeFails() }
            #expect(refused)
        }
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
