import AuditPKI
import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

@Suite("Issuing the CA and leaf certificates")
struct IssuanceTests {
    @Test("a new CA is a self-signed P-256 CA with pathLen 0, keyCertSign + cRLSign, an SKI, valid five years")
    func authorityProfile() throws {
        let authority = try CertificateAuthority.create()
        let certificate = authority.certificate
        #expect(certificate.subject == certificate.issuer)
        #expect(certificate.publicKey.isValidSignature(certificate.signature, for: certificate))
        #expect(try certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        #expect(certificate.extensions[oid: .X509ExtensionID.basicConstraints]?.critical == true)
        let usage = try #require(try certificate.extensions.keyUsage)
        #expect(usage.keyCertSign && usage.cRLSign && !usage.digitalSignature)
        #expect(try certificate.extensions.subjectKeyIdentifier != nil)
        #expect(certificate.signatureAlgorithm == .ecdsaWithSHA256)
        #expect(P256.Signing.PublicKey(certificate.publicKey) != nil)
        // Five years (1826 days) plus the 5-minute clock-skew allowance, to the second.
        let lifetime = certificate.notValidAfter.timeIntervalSince(certificate.notValidBefore)
        #expect(abs(lifetime - (1826 * 86_400 + 300)) <= 1)
        #expect(certificate.serialNumber.bytes.count == 20)
    }

    @Test("a CA validity can be chosen")
    func authorityValidity() throws {
        let start = Date(timeIntervalSince1970: 1_900_000_000)
        let authority = try CertificateAuthority.create(validity: .days(10, from: start))
        #expect(authority.certificate.notValidAfter == start.addingTimeInterval(10 * 86_400))
        #expect(authority.certificate.notValidBefore == start.addingTimeInterval(-300))
    }

    @Test("a site certificate is a clientAuth end-entity certificate with one SAN URI, AKI = CA SKI, 20-byte serial")
    func siteProfile() throws {
        let authority = try Fixture.authority()
        let issued = try authority.issueSite(try Fixture.site("st-olav"))
        let certificate = issued.certificate
        #expect(certificate.issuer == authority.certificate.subject)
        #expect(authority.certificate.publicKey.isValidSignature(certificate.signature, for: certificate))
        #expect(try certificate.extensions.basicConstraints == .notCertificateAuthority)
        let usage = try #require(try certificate.extensions.keyUsage)
        #expect(usage.digitalSignature && usage.keyAgreement && !usage.keyCertSign)
        #expect(Array(try #require(try certificate.extensions.extendedKeyUsage)) == [.clientAuth])
        #expect(Array(try #require(try certificate.extensions.subjectAlternativeNames))
            == [.uniformResourceIdentifier("urn:fairuse:site:st-olav")])
        let authorityKeyID = try #require(try certificate.extensions.authorityKeyIdentifier?.keyIdentifier)
        #expect(authorityKeyID == (try authority.certificate.extensions.subjectKeyIdentifier?.keyIdentifier))
        #expect(try certificate.extensions.subjectKeyIdentifier != nil)
        #expect(certificate.serialNumber.bytes.count == 20)
        #expect(certificate.publicKey != authority.certificate.publicKey)
        let lifetime = certificate.notValidAfter.timeIntervalSince(certificate.notValidBefore)
        #expect(abs(lifetime - (365 * 86_400 + 300)) <= 1)
    }

    @Test("every leaf gets a fresh key and a fresh serial number")
    func freshKeysAndSerials() throws {
        let authority = try Fixture.authority()
        let site = try Fixture.site("a")
        let first = try authority.issueSite(site)
        let second = try authority.issueSite(site)
        #expect(first.certificate.publicKey != second.certificate.publicKey)
        #expect(first.certificate.serialNumber != second.certificate.serialNumber)
    }

    @Test("an operator certificate carries urn:fairuse:operator:<name> and clientAuth")
    func operatorProfile() throws {
        let authority = try Fixture.authority()
        let issued = try authority.issueOperator(name: try Fixture.operatorName("alice"))
        #expect(Array(try #require(try issued.certificate.extensions.subjectAlternativeNames))
            == [.uniformResourceIdentifier("urn:fairuse:operator:alice")])
        #expect(Array(try #require(try issued.certificate.extensions.extendedKeyUsage)) == [.clientAuth])
        #expect(issued.role == .operator(try Fixture.operatorName("alice")))
    }

    @Test("a coordinator certificate is serverAuth with DNS and IP SANs")
    func coordinatorProfile() throws {
        let authority = try Fixture.authority()
        let issued = try authority.issueCoordinator(dnsNames: ["localhost", "Audit.Example.org"], ipAddresses: ["127.0.0.1", "::1"])
        #expect(Array(try #require(try issued.certificate.extensions.extendedKeyUsage)) == [.serverAuth])
        let names = Array(try #require(try issued.certificate.extensions.subjectAlternativeNames))
        #expect(names == [
            .dnsName("localhost"),
            .dnsName("audit.example.org"),
            .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
            .ipAddress(ASN1OctetString(contentBytes: ArraySlice([UInt8](repeating: 0, count: 15) + [1]))),
        ])
        #expect(issued.role.principal == nil)
    }

    @Test("coordinator names are checked", arguments: [
        ([], []),
        (["*.example.org"], []),
        (["bad_name"], []),
        (["-lead.example"], []),
        ([String(repeating: "a", count: 64)], []),
        (["localhost"], ["127.0.0.256"]),
        (["localhost"], ["localhost"]),
    ] as [([String], [String])])
    func coordinatorNamesChecked(dnsNames: [String], ipAddresses: [String]) throws {
        let authority = try Fixture.authority()
        let error = #expect(throws: PKIError.self) {
            try authority.issueCoordinator(dnsNames: dnsNames, ipAddresses: ipAddresses)
        }
        #expect(error?.code == .invalidName)
    }

    @Test("a validity that is empty or reaches outside the CA's is refused")
    func validityChecked() throws {
        let authority = try Fixture.authority()
        let site = try Fixture.site("a")
        let now = Date()
        let empty = CertificateValidity(notValidBefore: now, notValidAfter: now.addingTimeInterval(-1))
        #expect(throws: PKIError.self) { try authority.issueSite(site, validity: empty) }
        let tooLong = CertificateValidity.days(10 * 365)
        let error = #expect(throws: PKIError.self) { try authority.issueSite(site, validity: tooLong) }
        #expect(error?.code == .invalidValidity)
        #expect(error?.message.contains("within the CA's") == true)
    }

    @Test("a CA name must be one short line")
    func authorityNameChecked() {
        for name in ["", String(repeating: "x", count: 65), "two\nlines"] {
            let error = #expect(throws: PKIError.self) { try CertificateAuthority.create(commonName: name) }
            #expect(error?.code == .invalidName)
        }
    }
}
