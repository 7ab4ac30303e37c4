import AuditPKI
import Foundation
import Testing
import X509

@Suite("PEM files on disk")
struct PKIStoreTests {
    @Test("a CA, a coordinator, a site and an operator round-trip through PEM files")
    func roundTrip() async throws {
        try await Self.withStore { store in
            let authority = try Fixture.authority()
            let site = try Fixture.site("st-olav")
            let name = try Fixture.operatorName("alice")
            let issued = [
                try authority.issueCoordinator(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"]),
                try authority.issueSite(site),
                try authority.issueOperator(name: name),
            ]
            try store.save(authority)
            for certificate in issued { try store.save(certificate) }

            let files = try FileManager.default.contentsOfDirectory(atPath: store.directory).sorted()
            #expect(files == [
                "ca-key.pem", "ca.pem", "coordinator-key.pem", "coordinator.pem",
                "operator-alice-key.pem", "operator-alice.pem", "site-st-olav-key.pem", "site-st-olav.pem",
            ])

            let loadedAuthority = try store.loadAuthority()
            #expect(loadedAuthority.certificate == authority.certificate)
            #expect(loadedAuthority.fingerprint == authority.fingerprint)
            #expect(try store.loadCACertificate() == authority.certificate)
            for original in issued {
                let loaded = try store.load(original.role)
                #expect(loaded.certificate == original.certificate)
                #expect(loaded.fingerprint == original.fingerprint)
                #expect(loaded.privateKeyPEM == original.privateKeyPEM)
                #expect(try store.loadCertificate(for: original.role) == original.certificate)
            }

            // A CA loaded from disk issues certificates that verify against the CA on disk.
            let next = try loadedAuthority.issueSite(site)
            let result = await verifyClientChain(leafDER: next.derBytes, caCertificate: try store.loadCACertificate())
            #expect(try result.get() == .site(site))
        }
    }

    @Test("keys are PKCS#8 PEM, 0600; certificates 0644; a new directory 0700; no temporary files remain")
    func permissionsAndFormat() throws {
        try Self.withStore { store in
            let authority = try Fixture.authority()
            let site = try authority.issueSite(try Fixture.site("a"))
            try store.save(authority)
            try store.save(site)

            #expect(try Self.mode(store.directory) == 0o700)
            #expect(try Self.mode(store.caKeyPath) == 0o600)
            #expect(try Self.mode(store.keyPath(for: site.role)) == 0o600)
            #expect(try Self.mode(store.caCertificatePath) == 0o644)
            #expect(try Self.mode(store.certificatePath(for: site.role)) == 0o644)

            let key = try String(contentsOfFile: store.keyPath(for: site.role), encoding: .utf8)
            #expect(key.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
            #expect(key.hasSuffix("-----END PRIVATE KEY-----\n"))
            let certificate = try String(contentsOfFile: store.certificatePath(for: site.role), encoding: .utf8)
            #expect(certificate.hasPrefix("-----BEGIN CERTIFICATE-----\n"))
            #expect(certificate.hasSuffix("-----END CERTIFICATE-----\n"))
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: store.directory).filter { $0.hasPrefix(".") }
            #expect(leftovers.isEmpty)
        }
    }

    @Test("nothing is overwritten without overwrite: true, and nothing is half-written")
    func noSilentOverwrite() throws {
        try Self.withStore { store in
            let authority = try Fixture.authority()
            let site = try Fixture.site("a")
            let first = try authority.issueSite(site)
            try store.save(first)

            let second = try authority.issueSite(site)
            let error = #expect(throws: PKIError.self) { try store.save(second) }
            #expect(error?.code == .alreadyExists)
            #expect(error?.path == store.certificatePath(for: second.role))
            #expect(try store.load(.site(site)).fingerprint == first.fingerprint)

            // Only the key exists (an interrupted earlier run): the certificate is not written either.
            let other = try authority.issueSite(try Fixture.site("b"))
            try Data("stale".utf8).write(to: URL(fileURLWithPath: store.keyPath(for: other.role)))
            #expect(#expect(throws: PKIError.self) { try store.save(other) }?.code == .alreadyExists)
            #expect(!FileManager.default.fileExists(atPath: store.certificatePath(for: other.role)))

            try store.save(second, overwrite: true)
            #expect(try store.load(.site(site)).fingerprint == second.fingerprint)
            #expect(try Self.mode(store.keyPath(for: second.role)) == 0o600)

            try store.save(authority)
            #expect(#expect(throws: PKIError.self) { try store.save(try Fixture.authority()) }?.code == .alreadyExists)
            #expect(#expect(throws: PKIError.self) { try store.saveCACertificate(authority.certificate) }?.code == .alreadyExists)
        }
    }

    @Test("keys copied with a loose mode are reported")
    func looseKeys() throws {
        try Self.withStore { store in
            let authority = try Fixture.authority()
            let site = try authority.issueSite(try Fixture.site("a"))
            try store.save(authority)
            try store.save(site)
            #expect(store.looselyProtectedKeyFiles().isEmpty)
            try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: store.keyPath(for: site.role))
            #expect(store.looselyProtectedKeyFiles() == [store.keyPath(for: site.role)])
        }
    }

    @Test("a key that belongs to another certificate is refused")
    func keyMismatch() throws {
        try Self.withStore { store in
            let authority = try Fixture.authority()
            let a = try authority.issueSite(try Fixture.site("a"))
            let b = try authority.issueSite(try Fixture.site("b"))
            try store.save(a)
            try store.save(b)
            try FileManager.default.removeItem(atPath: store.keyPath(for: a.role))
            try FileManager.default.copyItem(atPath: store.keyPath(for: b.role), toPath: store.keyPath(for: a.role))
            #expect(#expect(throws: PKIError.self) { try store.load(a.role) }?.code == .keyMismatch)

            try store.save(authority)
            try FileManager.default.removeItem(atPath: store.caKeyPath)
            try FileManager.default.copyItem(atPath: store.keyPath(for: b.role), toPath: store.caKeyPath)
            #expect(#expect(throws: PKIError.self) { try store.loadAuthority() }?.code == .keyMismatch)
        }
    }

    @Test("missing or malformed files are unreadable, naming the file")
    func unreadable() throws {
        try Self.withStore { store in
            let error = #expect(throws: PKIError.self) { try store.loadCACertificate() }
            #expect(error?.code == .unreadable)
            #expect(error?.path == store.caCertificatePath)

            let authority = try Fixture.authority()
            try store.saveCACertificate(authority.certificate)
            #expect(#expect(throws: PKIError.self) { try store.loadAuthority() }?.code == .unreadable)
            try Data("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".utf8)
                .write(to: URL(fileURLWithPath: store.caKeyPath))
            #expect(#expect(throws: PKIError.self) { try store.loadAuthority() }?.code == .unreadable)
        }
    }

    @Test("a leaf certificate cannot be loaded as the CA")
    func leafIsNoAuthority() throws {
        let authority = try Fixture.authority()
        let site = try authority.issueSite(try Fixture.site("a"))
        let error = #expect(throws: PKIError.self) {
            try CertificateAuthority(certificatePEM: site.certificatePEM, privateKeyPEM: site.privateKeyPEM)
        }
        #expect(error?.code == .notCertificateAuthority)
        let loaded = try CertificateAuthority(certificatePEM: authority.certificatePEM, privateKeyPEM: authority.privateKeyPEM)
        #expect(loaded.certificate == authority.certificate)
    }

    private static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int)
    }

    private static func withStore<T>(_ body: (PKIStore) throws -> T) throws -> T {
        try Fixture.withTemporaryDirectory { path in try body(PKIStore(directory: path)) }
    }

    private static func withStore<T>(_ body: (PKIStore) async throws -> T) async throws -> T {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("auditpki-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        return try await body(PKIStore(directory: (root as NSString).appendingPathComponent("pki")))
    }
}
