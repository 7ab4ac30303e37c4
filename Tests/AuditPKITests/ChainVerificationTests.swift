import AuditPKI
import Foundation
import Testing
import X509

@Suite("Verifying client and server certificates against the federation CA")
struct ChainVerificationTests {
    @Test("a full chain issues and verifies: site and operator principals")
    func fullChain() async throws {
        let authority = try Fixture.authority()
        let site = try Fixture.site("st-olav")
        let siteCertificate = try authority.issueSite(site)
        let result = await verifyClientChain(leafDER: siteCertificate.derBytes, caCertificate: authority.certificate)
        #expect(try result.get() == .site(site))

        let name = try Fixture.operatorName("alice")
        let operatorCertificate = try authority.issueOperator(name: name)
        let operatorResult = await verifyClientChain(leafDER: operatorCertificate.derBytes, caCertificate: authority.certificate)
        #expect(try operatorResult.get() == .operator(name))

        let coordinator = try authority.issueCoordinator(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
        let serverResult = await verifyServerChain(leafDER: coordinator.derBytes, caCertificate: authority.certificate)
        #expect(try serverResult.get() == coordinator.certificate)
    }

    @Test("a server certificate used as a client fails on extended key usage")
    func serverAsClient() async throws {
        let authority = try Fixture.authority()
        let coordinator = try authority.issueCoordinator(dnsNames: ["localhost"])
        let result = await verifyClientChain(leafDER: coordinator.derBytes, caCertificate: authority.certificate)
        #expect(failureCode(result) == .wrongKeyUsage)
    }

    @Test("a site certificate used as a server fails on extended key usage")
    func clientAsServer() async throws {
        let authority = try Fixture.authority()
        let site = try authority.issueSite(try Fixture.site("a"))
        let result = await verifyServerChain(leafDER: site.derBytes, caCertificate: authority.certificate)
        #expect(failureCode(result) == .wrongKeyUsage)
    }

    @Test("a certificate from another CA fails, even one with the same name")
    func otherAuthority() async throws {
        let authority = try Fixture.authority()
        let site = try Fixture.site("a")
        let impostor = try Fixture.authority(commonName: "another CA")
        let twin = try Fixture.authority()  // same subject name, different key
        for other in [impostor, twin] {
            let foreign = try other.issueSite(site)
            let result = await verifyClientChain(leafDER: foreign.derBytes, caCertificate: authority.certificate)
            #expect(failureCode(result) == .untrustedIssuer)
        }
    }

    @Test("expired and not-yet-valid certificates fail with their own codes")
    func validity() async throws {
        let authority = try Fixture.authority()
        let site = try Fixture.site("a")
        let now = Date()
        let expired = try authority.issueSite(
            site,
            validity: CertificateValidity(notValidBefore: now.addingTimeInterval(-20 * Fixture.day), notValidAfter: now.addingTimeInterval(-Fixture.day))
        )
        let early = try authority.issueSite(
            site,
            validity: CertificateValidity(notValidBefore: now.addingTimeInterval(Fixture.day), notValidAfter: now.addingTimeInterval(20 * Fixture.day))
        )
        #expect(failureCode(await verifyClientChain(leafDER: expired.derBytes, caCertificate: authority.certificate)) == .expired)
        #expect(failureCode(await verifyClientChain(leafDER: early.derBytes, caCertificate: authority.certificate)) == .notYetValid)

        // The verification time is a parameter: the same certificates are fine inside their periods.
        let then = now.addingTimeInterval(-10 * Fixture.day)
        #expect(try await verifyClientChain(leafDER: expired.derBytes, caCertificate: authority.certificate, at: then).get() == .site(site))
        let later = now.addingTimeInterval(10 * Fixture.day)
        #expect(try await verifyClientChain(leafDER: early.derBytes, caCertificate: authority.certificate, at: later).get() == .site(site))
    }

    @Test("a valid leaf under an expired CA fails as expired, naming the CA")
    func expiredAuthority() async throws {
        let start = Date().addingTimeInterval(-100 * Fixture.day)
        let authority = try CertificateAuthority.create(validity: .days(50, from: start))
        let leaf = try authority.issueSite(try Fixture.site("a"), validity: .days(30, from: start.addingTimeInterval(Fixture.day)))
        let result = await verifyClientChain(leafDER: leaf.derBytes, caCertificate: authority.certificate)
        #expect(failureCode(result) == .expired)
        let insideBoth = start.addingTimeInterval(10 * Fixture.day)
        #expect(try await verifyClientChain(leafDER: leaf.derBytes, caCertificate: authority.certificate, at: insideBoth).get() == .site(try Fixture.site("a")))
        // After the leaf expires but before the CA does: the leaf is named.
        let afterLeaf = start.addingTimeInterval(40 * Fixture.day)
        guard case .failure(let error) = await verifyClientChain(leafDER: leaf.derBytes, caCertificate: authority.certificate, at: afterLeaf) else {
            Issue.record("expected a failure"); return
        }
        #expect(error.code == .expired)
        #expect(error.message.contains("crafted") == false)
        #expect(error.message.contains("fairuse site a"))
    }

    @Test("a signed certificate with two fairuse URIs passes the chain check and fails as ambiguous")
    func ambiguousAfterChain() async throws {
        let authority = try Fixture.authority()
        let leaf = try Fixture.craftedLeaf(
            signedBy: authority,
            names: [.uniformResourceIdentifier("urn:fairuse:site:a"), .uniformResourceIdentifier("urn:fairuse:site:b")]
        )
        let result = await verifyClientChain(leafDER: try Fixture.der(leaf), caCertificate: authority.certificate)
        #expect(failureCode(result) == .ambiguousPrincipal)
    }

    @Test("the CA certificate itself, or a subordinate CA certificate, is not a client")
    func authorityIsNoClient() async throws {
        let authority = try Fixture.authority()
        let own = await verifyClientChain(leafDER: try Fixture.der(authority.certificate), caCertificate: authority.certificate)
        #expect(failureCode(own) == .wrongKeyUsage)
        let subordinate = try Fixture.craftedLeaf(
            signedBy: authority, names: [.uniformResourceIdentifier("urn:fairuse:site:a")], isAuthority: true
        )
        let result = await verifyClientChain(leafDER: try Fixture.der(subordinate), caCertificate: authority.certificate)
        #expect(failureCode(result) == .wrongKeyUsage)
    }

    @Test("a tampered certificate fails the signature check")
    func tampered() async throws {
        let authority = try Fixture.authority()
        var der = try authority.issueSite(try Fixture.site("aaaa")).derBytes
        // Rewrite the site id inside the signed bytes: "aaaa" -> "bbbb".
        let needle = Array("site:aaaa".utf8)
        let index = try #require(der.indices.first { der[$0...].starts(with: needle) })
        for offset in 5..<9 { der[index + offset] = UInt8(ascii: "b") }
        #expect(try Principal(derEncoded: der) == .site(try Fixture.site("bbbb")))  // structure alone would accept it
        let result = await verifyClientChain(leafDER: der, caCertificate: authority.certificate)
        #expect(failureCode(result) == .untrustedIssuer)
    }

    @Test("garbage bytes are unreadable")
    func garbage() async throws {
        let authority = try Fixture.authority()
        let result = await verifyClientChain(leafDER: Array("hello".utf8), caCertificate: authority.certificate)
        #expect(failureCode(result) == .unreadable)
    }
}
