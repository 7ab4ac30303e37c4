import AuditCore
import AuditPKI
import Foundation
import Testing
import X509

/// The coordinator's cache of verified client chains must give exactly what a full verification
/// gives at the same time: the oracle is `verifyClientChain`, called directly.
@Suite("Verified client chains are remembered only inside their validity")
struct VerifiedClientChainsTests {
    @Test("a remembered chain still expires, and is refused with the full verifier's code")
    func rememberedChainExpires() async throws {
        let authority = try Fixture.authority()
        let site = try Fixture.site("st-olav")
        let now = Date()
        let leaf = try authority.issueSite(site, validity: CertificateValidity(notValidBefore: now.addingTimeInterval(-Fixture.day),
                                                                                 notValidAfter: now.addingTimeInterval(Fixture.day)))
        let chains = VerifiedClientChains(ca: authority.certificate)
        #expect(try await chains.verify(leafDER: leaf.derBytes, at: now).get() == .site(site))
        #expect(chains.count == 1)
        #expect(try await chains.verify(leafDER: leaf.derBytes, at: now.addingTimeInterval(60)).get() == .site(site))

        let later = now.addingTimeInterval(2 * Fixture.day), earlier = now.addingTimeInterval(-2 * Fixture.day)
        for time in [later, earlier] {
            let cached = await chains.verify(leafDER: leaf.derBytes, at: time)
            let direct = await verifyClientChain(leafDER: leaf.derBytes, caCertificate: authority.certificate, at: time)
            #expect(failureCode(cached) == failureCode(direct))
            #expect(failureCode(cached) == (time == later ? .expired : .notYetValid))
        }
    }

    @Test("a failure is never remembered, and another CA's leaf is refused")
    func failuresAreNotRemembered() async throws {
        let authority = try Fixture.authority(), other = try Fixture.authority()
        let foreign = try other.issueSite(try Fixture.site("elsewhere"))
        let chains = VerifiedClientChains(ca: authority.certificate)
        for _ in 0..<2 {
            #expect(failureCode(await chains.verify(leafDER: foreign.derBytes, at: Date())) == .untrustedIssuer)
        }
        #expect(chains.count == 0)
        let server = try authority.issueCoordinator(dnsNames: ["localhost"])
        #expect(failureCode(await chains.verify(leafDER: server.derBytes, at: Date())) == .wrongKeyUsage)
        #expect(chains.count == 0)
    }

    @Test("the cache starts over at its capacity and keeps answering")
    func boundedByCapacity() async throws {
        let authority = try Fixture.authority()
        let chains = VerifiedClientChains(ca: authority.certificate, capacity: 2)
        var leaves: [([UInt8], SiteID)] = []
        for name in ["a", "b", "c"] {
            let site = try Fixture.site(name)
            leaves.append((try authority.issueSite(site).derBytes, site))
        }
        for (der, site) in leaves { #expect(try await chains.verify(leafDER: der, at: Date()).get() == .site(site)) }
        #expect(chains.count == 1)
        for (der, site) in leaves { #expect(try await chains.verify(leafDER: der, at: Date()).get() == .site(site)) }
        #expect(chains.count <= 2)
    }
}
