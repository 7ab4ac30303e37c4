import AuditCore
import AuditPKI
import Foundation
import Testing
import X509

/// The federation CA's revocation list, made and read through the system OpenSSL, checked against the `openssl`
/// command line tool: it reads what fairuse writes, and fairuse reads what `openssl ca -gencrl` writes.
@Suite struct RevocationListTests {
    @Test func openSSLReadsAndVerifiesTheListFairuseWrites() throws {
        try withFolder { folder in
            let store = PKIStore(directory: folder)
            let ca = try Fixture.authority()
            try store.save(ca)
            let alpha = try ca.issueSite(try Fixture.site("alpha"))
            let beta = try ca.issueSite(try Fixture.site("beta"))
            try store.save(alpha)
            #expect(try store.recordRevocation(serial: Array(alpha.certificate.serialNumber.bytes), note: "alpha"))
            #expect(try store.recordRevocation(serial: Array(alpha.certificate.serialNumber.bytes), note: "again") == false)
            let list = try store.publishRevocationList(days: 7)
            #expect(list.isRevoked(alpha.certificate) && !list.isRevoked(beta.certificate))
            #expect(list.revokedCount == 1 && list.number == 1 && list.freshness(at: Date()) == .fresh)
            let text = try OpenSSLTool.run(["crl", "-in", "crl.pem", "-CAfile", "ca.pem", "-noout", "-text"], in: folder)
            #expect(text.status == 0 && text.text.contains("verify OK"), "\(text.text)")
            let serial = try OpenSSLTool.run(["x509", "-in", "site-alpha.pem", "-noout", "-serial"], in: folder).text
                .trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "serial=", with: "")
            #expect(text.text.contains("Serial Number: \(serial)"), "\(text.text)")
            #expect(text.text.contains("X509v3 CRL Number: \n                1") || text.text.contains("CRL Number"))
            // openssl verify with CRL checking refuses the revoked certificate.
            let verified = try OpenSSLTool.run(["verify", "-crl_check", "-CAfile", "ca.pem", "-CRLfile", "crl.pem", "site-alpha.pem"], in: folder)
            #expect(verified.status != 0 && verified.text.contains("certificate revoked"), "\(verified.text)")
            // The next list is numbered one higher.
            #expect(try store.publishRevocationList(days: 7).number == 2)
        }
    }

    @Test func fairuseReadsTheListOpenSSLCAWrites() throws {
        try withFolder { folder in
            let store = PKIStore(directory: folder)
            let ca = try Fixture.authority()
            try store.save(ca)
            let alpha = try ca.issueSite(try Fixture.site("alpha"))
            try store.save(alpha)
            let config = """
                [ ca ]
                default_ca = fed
                [ fed ]
                database = index.txt
                crlnumber = crlnumber
                default_md = sha256
                default_crl_days = 3
                certificate = ca.pem
                private_key = ca-key.pem
                """
            try config.write(toFile: folder + "/ca.cnf", atomically: true, encoding: .utf8)
            try "".write(toFile: folder + "/index.txt", atomically: true, encoding: .utf8)
            try "07\n".write(toFile: folder + "/crlnumber", atomically: true, encoding: .utf8)
            let revoke = try OpenSSLTool.run(["ca", "-config", "ca.cnf", "-revoke", "site-alpha.pem"], in: folder)
            #expect(revoke.status == 0, "\(revoke.text)")
            let made = try OpenSSLTool.run(["ca", "-config", "ca.cnf", "-gencrl", "-out", "openssl-crl.pem"], in: folder)
            #expect(made.status == 0, "\(made.text)")
            let list = try PKIStore.loadRevocationList(path: folder + "/openssl-crl.pem", caCertificate: ca.certificate)
            #expect(list.isRevoked(alpha.certificate) && list.revokedCount == 1 && list.number == 7)
            #expect(!list.isRevoked(try ca.issueSite(try Fixture.site("beta")).certificate))
            let next = try #require(list.nextUpdate)
            #expect(list.freshness(at: next.addingTimeInterval(1)) == .stale(nextUpdate: next))
            #expect(list.freshness(at: list.thisUpdate.addingTimeInterval(-1)) == .notYetValid(thisUpdate: list.thisUpdate))
        }
    }

    @Test func aListFromAnotherCAOrTamperedOrNotAListIsRefusedNamingTheFile() throws {
        let ca = try Fixture.authority()
        let other = try Fixture.authority(commonName: "other CA")
        let sameName = try Fixture.authority()
        let list = try RevocationList.create(by: ca, revoking: [], thisUpdate: Date(), nextUpdate: Date().addingTimeInterval(86_400), number: 1)
        let foreign = #expect(throws: PKIError.self) { try RevocationList(pem: list.pem, issuer: other.certificate, path: "crl.pem") }
        #expect(foreign?.description == "crl.pem: expected a revocation list issued by the federation CA, found one naming another issuer")
        // Same subject, another key: the signature decides.
        let impostor = #expect(throws: PKIError.self) { try RevocationList(pem: list.pem, issuer: sameName.certificate, path: "crl.pem") }
        #expect(impostor?.description == "crl.pem: expected a revocation list signed by the federation CA, found a signature that does not verify")
        var der = list.der
        der[der.count - 10] ^= 0x40
        let tampered = #expect(throws: PKIError.self) { try RevocationList(der: der, issuer: ca.certificate, path: "crl.pem") }
        #expect(tampered?.code == .invalidRevocationList)
        let notAList = #expect(throws: PKIError.self) { try RevocationList(pem: ca.certificatePEM, issuer: ca.certificate, path: "crl.pem") }
        #expect(notAList?.description == "crl.pem: expected a PEM \"X509 CRL\" block, found \"CERTIFICATE\"")
        let garbage = #expect(throws: PKIError.self) { try RevocationList(der: [0x30, 0x03, 0x02, 0x01, 0x01], issuer: ca.certificate) }
        #expect(garbage?.message == "expected one DER X.509 CRL, found bytes that are not one")
    }

    @Test func aMalformedRegisterLineIsNamed() throws {
        try withFolder { folder in
            let store = PKIStore(directory: folder)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try "4a0f 2026-01-01T00:00:00Z ok\nnot-hex sometime\n".write(toFile: store.revocationsPath, atomically: true, encoding: .utf8)
            let error = #expect(throws: PKIError.self) { try store.revocations() }
            #expect(error?.description == "\(store.revocationsPath): line 2: expected \"<serial hex> <ISO 8601 date> <note>\"")
        }
    }

    private func withFolder<T>(_ body: (String) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crl-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try body(folder)
    }
}
