import AuditCore
import AuditPKI
import Foundation
import Testing
import X509

@Suite("Principals and identifiers")
struct PrincipalTests {
    @Test("valid site ids", arguments: ["a", "0", "st-olav", "site_1.eu", "a-", "z9._-", String(repeating: "a", count: 63)])
    func validIdentifiers(id: String) throws {
        #expect(try SiteID(certificateName: id).rawValue == id)
        #expect(try OperatorName(certificateName: id).rawValue == id)
    }

    @Test("invalid site ids", arguments: [
        "", "-a", ".a", "_a", "A", "St-Olav", "a b", "a/b", "a:b", "../etc", "é", String(repeating: "a", count: 64), "a\n",
    ])
    func invalidIdentifiers(id: String) {
        let error = #expect(throws: PKIError.self) { try SiteID(certificateName: id) }
        #expect(error?.code == .invalidIdentifier)
        #expect(error?.message.contains("[a-z0-9][a-z0-9._-]{0,62}") == true)
        #expect(throws: PKIError.self) { try OperatorName(certificateName: id) }
    }

    @Test("URIs parse to principals")
    func uris() throws {
        #expect(try Principal(uri: "urn:fairuse:site:st-olav") == .site(try Fixture.site("st-olav")))
        #expect(try Principal(uri: "urn:fairuse:operator:alice") == .operator(try Fixture.operatorName("alice")))
        for bad in ["urn:fairuse:site:", "urn:fairuse:site:A", "urn:fairuse:admin:x", "urn:fairuse:site:a:b", "https://x"] {
            let error = #expect(throws: PKIError.self) { try Principal(uri: bad) }
            #expect(error?.code == .invalidIdentifier)
        }
    }

    @Test("the principal of a site certificate is the site, from DER and PEM alike")
    func sitePrincipal() throws {
        let authority = try Fixture.authority()
        let site = try Fixture.site("st-olav")
        let issued = try authority.issueSite(site)
        #expect(try Principal(certificate: issued.certificate) == .site(site))
        #expect(try Principal(derEncoded: issued.derBytes) == .site(site))
        #expect(try Principal(pemEncoded: issued.certificatePEM) == .site(site))
        #expect(Principal.site(site).description == "site st-olav")
        #expect(Principal.site(site).uri == "urn:fairuse:site:st-olav")
    }

    @Test("the principal of an operator certificate is the operator")
    func operatorPrincipal() throws {
        let authority = try Fixture.authority()
        let name = try Fixture.operatorName("alice")
        let issued = try authority.issueOperator(name: name)
        #expect(try Principal(certificate: issued.certificate) == .operator(name))
    }

    @Test("a server certificate has no principal: wrong key usage")
    func coordinatorIsNoPrincipal() throws {
        let authority = try Fixture.authority()
        let issued = try authority.issueCoordinator(dnsNames: ["localhost"])
        let error = #expect(throws: PKIError.self) { try Principal(certificate: issued.certificate) }
        #expect(error?.code == .wrongKeyUsage)
        #expect(error?.message.contains("expected extendedKeyUsage clientAuth") == true)
        #expect(error?.message.contains("serverAuth") == true)
    }

    @Test("zero fairuse URIs: missing principal")
    func missingPrincipal() throws {
        let authority = try Fixture.authority()
        for names: [GeneralName] in [[], [.dnsName("agent.example.org")], [.uniformResourceIdentifier("https://x.example")]] {
            let leaf = try Fixture.craftedLeaf(signedBy: authority, names: names)
            let error = #expect(throws: PKIError.self) { try Principal(certificate: leaf) }
            #expect(error?.code == .missingPrincipal)
        }
    }

    @Test("two fairuse URIs: ambiguous, whatever their case or kind")
    func ambiguousPrincipal() throws {
        let authority = try Fixture.authority()
        let pairs: [[String]] = [
            ["urn:fairuse:site:a", "urn:fairuse:site:b"],
            ["urn:fairuse:site:a", "urn:fairuse:operator:a"],
            ["urn:fairuse:site:a", "URN:FAIRUSE:site:b"],
            ["urn:fairuse:site:a", "urn:fairuse:site:a"],
        ]
        for uris in pairs {
            let leaf = try Fixture.craftedLeaf(signedBy: authority, names: uris.map { .uniformResourceIdentifier($0) })
            let error = #expect(throws: PKIError.self) { try Principal(certificate: leaf) }
            #expect(error?.code == .ambiguousPrincipal)
        }
    }

    @Test("an invalid id inside the URI is refused, and a hostile one is not echoed raw")
    func invalidIdentifierInCertificate() throws {
        let authority = try Fixture.authority()
        let leaf = try Fixture.craftedLeaf(
            signedBy: authority,
            names: [.uniformResourceIdentifier("urn:fairuse:site:EVIL\nlevel=admin")]
        )
        let error = #expect(throws: PKIError.self) { try Principal(certificate: leaf) }
        #expect(error?.code == .invalidIdentifier)
        #expect(error?.message.contains("\n") == false)
    }

    @Test("missing clientAuth, or a CA flag, is a wrong key usage")
    func keyUsage() throws {
        let authority = try Fixture.authority()
        let uri = GeneralName.uniformResourceIdentifier("urn:fairuse:site:a")
        let codeSigning = try Fixture.craftedLeaf(signedBy: authority, names: [uri], usages: [.codeSigning])
        #expect(#expect(throws: PKIError.self) { try Principal(certificate: codeSigning) }?.code == .wrongKeyUsage)
        let any = try Fixture.craftedLeaf(signedBy: authority, names: [uri], usages: [.any])
        #expect(#expect(throws: PKIError.self) { try Principal(certificate: any) }?.code == .wrongKeyUsage)
        let subordinate = try Fixture.craftedLeaf(signedBy: authority, names: [uri], isAuthority: true)
        #expect(#expect(throws: PKIError.self) { try Principal(certificate: subordinate) }?.code == .wrongKeyUsage)
        #expect(#expect(throws: PKIError.self) { try Principal(certificate: authority.certificate) }?.code == .wrongKeyUsage)
    }

    @Test("bytes that are not a certificate are unreadable")
    func unreadable() {
        #expect(#expect(throws: PKIError.self) { try Principal(derEncoded: [0x30, 0x03, 0x02, 0x01, 0x01]) }?.code == .unreadable)
        #expect(#expect(throws: PKIError.self) { try Principal(pemEncoded: "not a certificate") }?.code == .unreadable)
    }
}
