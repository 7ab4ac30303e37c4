import AuditCore
import AuditPKI
import AuditTestSupport
import AuditWire
import Testing

/// What protocol.md §1 promises of the transport, over real loopback TLS 1.3: the coordinator
/// offers `h2` and `http/1.1` by ALPN, and the caller's identity is taken from the TLS connection
/// under both (an HTTP/2 request is a stream whose connection holds the client certificate).
@Suite("Coordinator transport", .serialized)
struct TransportTests {
    @Test func aClientOfferingH2GetsHTTP2AndIsStillAuthenticatedByItsCertificate() async throws {
        try await FederationHarness.withFederation { federation in
            try await federation.addSite("alpha")
            let op = CertificateRole.operator(try OperatorName(certificateName: "op"))
            try await federation.withPages(as: op) { (pages: PageClient) async throws in
                #expect(try await pages.negotiatedVersion("/v1/sites") == "HTTP/2.0")
                // Authorization is decided per request on the stream: an operator reads the
                // registry, a site certificate on the same route is refused.
                #expect(try await pages.get("/v1/sites", headers: [("Fairuse-Protocol", ProtocolVersion.current.description)]).status == 200)
            }
            try await federation.withPages(as: .site(try SiteID(certificateName: "alpha"))) { (pages: PageClient) async throws in
                #expect(try await pages.negotiatedVersion("/v1/sites") == "HTTP/2.0")
                #expect(try await pages.get("/v1/sites", headers: [("Fairuse-Protocol", ProtocolVersion.current.description)]).status == 403)
            }
            // No certificate over HTTP/2 is still no identity.
            #expect(try await federation.withPages(as: nil) { await $0.handshakeFails() })
        }
    }
}
