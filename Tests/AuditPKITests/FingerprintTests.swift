import AuditPKI
import Foundation
import Testing
import X509

@Suite("Certificate fingerprints")
struct FingerprintTests {
    @Test("stable for a certificate, across PEM and DER re-reads, and different between certificates")
    func stableAndDistinct() throws {
        let authority = try Fixture.authority()
        let site = try Fixture.site("a")
        let first = try authority.issueSite(site)
        let second = try authority.issueSite(site)
        #expect(first.fingerprint == first.fingerprint)
        #expect(Fingerprint.sha256(of: first.certificate) == first.fingerprint)
        #expect(Fingerprint.sha256(ofDER: first.derBytes) == first.fingerprint)
        let reread = try Certificate(pemEncoded: first.certificatePEM)
        #expect(Fingerprint.sha256(of: reread) == first.fingerprint)
        #expect(first.fingerprint != second.fingerprint)
        #expect(first.fingerprint != authority.fingerprint)
    }

    @Test("64 lowercase hex digits; aa:bb:… for people")
    func format() throws {
        let fingerprint = try Fixture.authority().fingerprint
        #expect(fingerprint.hex.count == 64)
        #expect(fingerprint.hex.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(fingerprint.description == fingerprint.hex)
        let human = fingerprint.colonSeparated
        #expect(human.count == 95)
        #expect(human.split(separator: ":").count == 32)
        #expect(human.replacingOccurrences(of: ":", with: "") == fingerprint.hex)
    }

    @Test("parsing what people type")
    func parsing() throws {
        let fingerprint = try Fixture.authority().fingerprint
        #expect(Fingerprint(fingerprint.hex) == fingerprint)
        #expect(Fingerprint(fingerprint.colonSeparated.uppercased()) == fingerprint)
        #expect(Fingerprint(String(fingerprint.hex.dropLast())) == nil)
        #expect(Fingerprint(fingerprint.hex + "0") == nil)
        #expect(Fingerprint(String(fingerprint.hex.dropLast()) + "g") == nil)
    }

    @Test("JSON carries the hex form and reads either form")
    func codable() throws {
        let fingerprint = try Fixture.authority().fingerprint
        let encoded = try JSONEncoder().encode([fingerprint])
        #expect(String(decoding: encoded, as: UTF8.self) == "[\"\(fingerprint.hex)\"]")
        #expect(try JSONDecoder().decode([Fingerprint].self, from: encoded) == [fingerprint])
        let human = Data("[\"\(fingerprint.colonSeparated)\"]".utf8)
        #expect(try JSONDecoder().decode([Fingerprint].self, from: human) == [fingerprint])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Fingerprint].self, from: Data("[\"abc\"]".utf8)) }
    }

    /// Reference value computed independently with OpenSSL 3.0:
    /// `openssl x509 -in reference.pem -noout -fingerprint -sha256`.
    @Test("agrees with openssl x509 -fingerprint -sha256")
    func agreesWithOpenSSL() throws {
        let certificate = try Certificate(pemEncoded: Self.referencePEM)
        let fingerprint = Fingerprint.sha256(of: certificate)
        #expect(fingerprint.colonSeparated.uppercased() == Self.referenceOpenSSLFingerprint)
    }

    static let referenceOpenSSLFingerprint = "23:81:77:AC:ED:8F:31:AB:53:2F:65:E8:35:A8:3A:0F:F4:8E:75:92:34:6D:E3:CF:E4:16:A0:47:07:04:10:06"

    static let referencePEM = """
        -----BEGIN CERTIFICATE-----
        MIIBpDCCAUugAwIBAgIUOBQQIMdUNh2REmExuDwvBPUSO44wCgYIKoZIzj0EAwIw
        KDEmMCQGA1UEAwwdZmFpcnVzZS1maW5nZXJwcmludC1yZWZlcmVuY2UwHhcNMjYx
        MTI0MTU0NTEwWhcNMzYxMTIxMTU0NTEwWjAoMSYwJAYDVQQDDB1mYWlydXNlLWZp
        bmdlcnByaW50LXJlZmVyZW5jZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABHch
        eFYgIdN0Pxxrvc3PE/GQodTvebYmTQEVNGTyKH/egUvwfCQq+rvQenjb7s5vroR3
        AGEAVnYpLLDZoM6Cj7WjUzBRMB0GA1UdDgQWBBT/ub1XxNBD9pQ3dsbaAb5kkGBd
        /TAfBgNVHSMEGDAWgBT/ub1XxNBD9pQ3dsbaAb5kkGBd/TAPBgNVHRMBAf8EBTAD
        AQH/MAoGCCqGSM49BAMCA0cAMEQCHxtWUTTkKCJiHVUqZkQ9lPBYsYn8RBxjznoE
        mt6Qn7sCIQC5d1buGu3v1gSadALNU2U1DsdmMFHgZnFmnpY+lw0zOw==
        -----END CERTIFICATE-----
        """
}
