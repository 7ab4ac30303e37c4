import AuditCore
import AuditPKI
import Foundation
import Testing
import X509

/// Sites and operators make their own keys and send a PKCS#10 request; the CA signs only what it would issue.
/// `openssl req` makes the hostile requests and `openssl verify` checks what the CA signed.
@Suite struct CertificateRequestTests {
    /// A request made by `generate` is accepted by `openssl req -verify`, signed by the CA with the site profile,
    /// carries the requester's key, and `openssl verify -purpose sslclient` accepts the certificate.
    @Test func aSiteRequestBecomesACertificateOpenSSLVerifies() async throws {
        try await withFolder { folder in
            let ca = try Fixture.authority()
            let (request, keyPEM) = try CertificateRequest.generate(for: .site(try Fixture.site("st-olav")))
            let store = PKIStore(directory: folder)
            try store.save(request, privateKeyPEM: keyPEM)
            #expect(PKIStore.keyMode == 0o600)
            let keyMode = try FileManager.default.attributesOfItem(atPath: store.keyPath(for: request.role))[.posixPermissions] as? Int
            #expect(keyMode == 0o600)
            let requestFile = store.requestPath(for: request.role)
            let checked = try OpenSSLTool.run(["req", "-in", requestFile, "-noout", "-verify", "-subject"], in: folder)
            #expect(checked.status == 0 && checked.text.contains("verify OK") && checked.text.contains("CN = fairuse site st-olav"),
                    "\(checked.text)")

            let certificate = try ca.sign(try PKIStore.loadRequest(path: requestFile), validity: .days(30))
            try store.saveCertificate(certificate, role: request.role)
            try store.saveCACertificate(ca.certificate)
            #expect(certificate.publicKey == request.publicKey)
            let verified = try OpenSSLTool.run(["verify", "-CAfile", "ca.pem", "-purpose", "sslclient", "site-st-olav.pem"], in: folder)
            #expect(verified.status == 0, "\(verified.text)")
            let text = try OpenSSLTool.run(["x509", "-in", "site-st-olav.pem", "-noout", "-text"], in: folder).text
            #expect(text.contains("URI:urn:fairuse:site:st-olav") && text.contains("TLS Web Client Authentication")
                    && text.contains("CA:FALSE"))
            let principal = try await verifyClientChain(leafDER: Fixture.der(certificate), caCertificate: ca.certificate).get()
            #expect(principal == .site(try Fixture.site("st-olav")))
            // The key stays where it was made: the certificate and the request carry only the public key.
            #expect(!(try String(contentsOfFile: requestFile, encoding: .utf8)).contains("PRIVATE KEY"))
        }
    }

    /// A plain `openssl req` for an operator (CN only, no extensions) is accepted and gets the operator profile.
    @Test func anOperatorRequestMadeByOpenSSLIsAccepted() async throws {
        try await withFolder { folder in
            let ca = try Fixture.authority()
            let made = try OpenSSLTool.run(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                            "-keyout", "k.pem", "-subj", "/CN=fairuse operator alice", "-out", "alice.csr"], in: folder)
            #expect(made.status == 0, "\(made.text)")
            let request = try PKIStore.loadRequest(path: folder + "/alice.csr")
            #expect(request.principal == .operator(try Fixture.operatorName("alice")))
            let certificate = try ca.sign(request)
            let principal = try await verifyClientChain(leafDER: Fixture.der(certificate), caCertificate: ca.certificate).get()
            #expect(principal == .operator(try Fixture.operatorName("alice")))
        }
    }

    /// Requests that ask for more than the CA issues, or for another name or role, are refused naming the
    /// file and what was expected.
    @Test(arguments: [
        (["-subj", "/CN=fairuse site x1", "-addext", "basicConstraints=critical,CA:true"],
         "expected no requested extension but subjectAltName \"urn:fairuse:site:x1\" (the CA sets usages and constraints itself), found extension basicConstraints (2.5.29.19)"),
        (["-subj", "/CN=fairuse site x1", "-addext", "extendedKeyUsage=serverAuth"],
         "found extension extendedKeyUsage (2.5.29.37)"),
        (["-subj", "/CN=fairuse site x1", "-addext", "subjectAltName=URI:urn:fairuse:site:x1,DNS:evil.example.org"],
         "expected the subjectAltName to hold only \"urn:fairuse:site:x1\", found"),
        (["-subj", "/CN=fairuse site x1", "-addext", "subjectAltName=URI:urn:fairuse:operator:x1"],
         "expected the subjectAltName to hold only \"urn:fairuse:site:x1\""),
        (["-subj", "/CN=fairuse coordinator"],
         "expected the subject \"CN=fairuse site <id>\" or \"CN=fairuse operator <name>\", found \"fairuse coordinator\""),
        (["-subj", "/CN=fairuse site Bad_Id"],
         "in the subject's common name: expected a site id matching"),
        (["-subj", "/O=hospital/CN=fairuse site x1"],
         "and nothing else, found"),
    ])
    func aRequestForMoreIsRefusedNamingTheFile(_ arguments: [String], _ expected: String) throws {
        try withFolder { folder in
            let made = try OpenSSLTool.run(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                            "-keyout", "k.pem", "-out", "x.csr"] + arguments, in: folder)
            #expect(made.status == 0, "\(made.text)")
            let error = #expect(throws: PKIError.self) { try PKIStore.loadRequest(path: folder + "/x.csr") }
            #expect(error?.code == .invalidRequest)
            #expect(error?.path == folder + "/x.csr")
            #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
        }
    }

    /// An RSA key is not the federation's profile; a request whose signature does not verify is not the key holder's.
    @Test func aForeignKeyOrABrokenSignatureIsRefused() throws {
        try withFolder { folder in
            let made = try OpenSSLTool.run(["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "k.pem",
                                            "-subj", "/CN=fairuse site x1", "-out", "rsa.csr"], in: folder)
            #expect(made.status == 0, "\(made.text)")
            let rsa = #expect(throws: PKIError.self) { try PKIStore.loadRequest(path: folder + "/rsa.csr") }
            #expect(rsa?.code == .invalidRequest && rsa?.message.hasPrefix("expected a P-256 (prime256v1) public key") == true)

            let (request, _) = try CertificateRequest.generate(for: .site(try Fixture.site("x1")))
            // Changing one letter of the signed subject breaks the signature, as a tampered request would.
            var der = Array(Data(base64Encoded: request.pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined())!)
            let index = try #require(der.firstIndex(of: UInt8(ascii: "x")))
            der[index] = UInt8(ascii: "y")
            let tampered = "-----BEGIN CERTIFICATE REQUEST-----\n" + Data(der).base64EncodedString(options: .lineLength64Characters)
                + "\n-----END CERTIFICATE REQUEST-----\n"
            let error = #expect(throws: PKIError.self) { try CertificateRequest(pem: tampered, path: "tampered.csr") }
            #expect(error?.code == .invalidRequest)
            #expect(error?.description == "tampered.csr: expected a request signed with its own key, found a signature that does not verify")
        }
    }

    @Test func aFileThatIsNoRequestIsUnreadable() throws {
        let error = #expect(throws: PKIError.self) { try CertificateRequest(pem: "hello", path: "site.csr") }
        #expect(error?.code == .unreadable)
        #expect(error?.description.hasPrefix("site.csr: expected a PEM \"CERTIFICATE REQUEST\" block (PKCS#10)") == true)
    }

    private func withFolder<T>(_ body: (String) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("csr-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try await body(folder)
    }

    private func withFolder<T>(_ body: (String) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("csr-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try body(folder)
    }
}
