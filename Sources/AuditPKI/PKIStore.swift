import Foundation
import X509

/// A directory of PEM files: the CA, the coordinator, sites and operators, each certificate beside its key.
///
/// Layout: `ca.pem`, `ca-key.pem`, `coordinator.pem`, `coordinator-key.pem`, `site-<id>.pem`,
/// `site-<id>-key.pem`, `operator-<name>.pem`, `operator-<name>-key.pem`. Certificates are written with mode
/// 0644 and keys with 0600 (PKCS#8 `PRIVATE KEY` PEM); a directory the store creates gets 0700; an existing
/// directory keeps its mode. Every write is atomic (temporary file, `fsync`, rename) and never replaces an
/// existing file unless `overwrite: true` is passed. Methods throw ``PKIError``.
public struct PKIStore: Sendable {
    /// The directory holding the files.
    public let directory: String

    /// The CA certificate's file name.
    public static let caCertificateFileName = "ca.pem"
    /// The CA private key's file name.
    public static let caKeyFileName = "ca-key.pem"
    /// Mode of certificate files: readable by all, writable by the owner.
    public static let certificateMode: mode_t = 0o644
    /// Mode of private key files: readable and writable by the owner only.
    public static let keyMode: mode_t = 0o600

    /// A store rooted at `directory`; nothing is touched until the first save or load.
    public init(directory: String) {
        self.directory = directory
    }

    /// The path of the CA certificate, `<directory>/ca.pem`.
    public var caCertificatePath: String { path(Self.caCertificateFileName) }
    /// The path of the CA private key, `<directory>/ca-key.pem`.
    public var caKeyPath: String { path(Self.caKeyFileName) }

    /// The path of a role's certificate, e.g. `<directory>/site-<id>.pem`.
    public func certificatePath(for role: CertificateRole) -> String { path(role.fileStem + ".pem") }
    /// The path of a role's private key, e.g. `<directory>/site-<id>-key.pem`.
    public func keyPath(for role: CertificateRole) -> String { path(role.fileStem + "-key.pem") }

    /// Writes `ca.pem` and `ca-key.pem`.
    public func save(_ authority: CertificateAuthority, overwrite: Bool = false) throws {
        try savePair(
            certificatePEM: authority.certificatePEM, certificatePath: caCertificatePath,
            keyPEM: authority.privateKeyPEM, keyPath: caKeyPath,
            overwrite: overwrite
        )
    }

    /// Writes only `ca.pem`: the trust root that agents and the coordinator need (no key).
    public func saveCACertificate(_ certificate: Certificate, overwrite: Bool = false) throws {
        try SecureFile.ensureDirectory(directory)
        try SecureFile.write(
            Array(CertificateCoding.pem(certificate).utf8), to: caCertificatePath,
            mode: Self.certificateMode, overwrite: overwrite
        )
    }

    /// Writes an issued certificate and its key under its role's names, e.g. `site-<id>.pem` and `site-<id>-key.pem`.
    public func save(_ issued: IssuedCertificate, overwrite: Bool = false) throws {
        try savePair(
            certificatePEM: issued.certificatePEM, certificatePath: certificatePath(for: issued.role),
            keyPEM: issued.privateKeyPEM, keyPath: keyPath(for: issued.role),
            overwrite: overwrite
        )
    }

    /// The path of a role's certificate request, e.g. `<directory>/site-<id>.csr`.
    public func requestPath(for role: CertificateRole) -> String { path(role.fileStem + ".csr") }

    /// Writes a new key (0600) and its certificate request (0644) under the role's names, e.g. `site-<id>-key.pem`
    /// and `site-<id>.csr`: what `fairuse pki request` leaves at the site. Only the request is sent anywhere.
    public func save(_ request: CertificateRequest, privateKeyPEM: String, overwrite: Bool = false) throws {
        try savePair(
            certificatePEM: request.pem, certificatePath: requestPath(for: request.role),
            keyPEM: privateKeyPEM, keyPath: keyPath(for: request.role),
            overwrite: overwrite
        )
    }

    /// Writes a certificate signed for a request under its role's name, e.g. `site-<id>.pem`, without a key (the
    /// requester holds it): the CA machine's record of what it signed, and the file sent back to the requester.
    public func saveCertificate(_ certificate: Certificate, role: CertificateRole, overwrite: Bool = false) throws {
        try SecureFile.ensureDirectory(directory)
        try SecureFile.write(Array(CertificateCoding.pem(certificate).utf8), to: certificatePath(for: role),
                             mode: Self.certificateMode, overwrite: overwrite)
    }

    /// Reads and checks a certificate request file (``CertificateRequest/init(pem:path:)``).
    public static func loadRequest(path: String) throws -> CertificateRequest {
        try CertificateRequest(pem: SecureFile.readText(path), path: path)
    }

    /// Loads the CA with its key (for issuing); fails if either file is missing or they do not belong together.
    public func loadAuthority() throws -> CertificateAuthority {
        let certificate = try CertificateCoding.certificate(pem: SecureFile.readText(caCertificatePath), path: caCertificatePath)
        let key = try KeyCoding.privateKey(pem: SecureFile.readText(caKeyPath), path: caKeyPath)
        do {
            return try CertificateAuthority(certificate: certificate, signingKey: key)
        } catch {
            throw PKIError(code: error.code, message: error.message, path: caKeyPath)
        }
    }

    /// Loads the CA certificate only (what verification needs).
    public func loadCACertificate() throws -> Certificate {
        try CertificateCoding.certificate(pem: SecureFile.readText(caCertificatePath), path: caCertificatePath)
    }

    /// Loads a role's certificate only.
    public func loadCertificate(for role: CertificateRole) throws -> Certificate {
        let path = certificatePath(for: role)
        return try CertificateCoding.certificate(pem: SecureFile.readText(path), path: path)
    }

    /// Loads a role's certificate and key; fails with ``PKIError/Code/keyMismatch`` if they do not belong together.
    public func load(_ role: CertificateRole) throws -> IssuedCertificate {
        let certificateText = try SecureFile.readText(certificatePath(for: role))
        let keyText = try SecureFile.readText(keyPath(for: role))
        do {
            return try IssuedCertificate(role: role, certificatePEM: certificateText, privateKeyPEM: keyText)
        } catch {
            throw PKIError(code: error.code, message: error.message, path: keyPath(for: role))
        }
    }

    /// The private key files in the directory (`*-key.pem`) that group or others may read or write: to warn
    /// about, or refuse to start with, after keys were copied with the wrong mode.
    public func looselyProtectedKeyFiles() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix("-key.pem") }.sorted().map(path).filter { file in
            guard let mode = SecureFile.mode(of: file) else { return false }
            return mode & 0o077 != 0
        }
    }

    /// Writes a key then its certificate, after checking that neither exists (unless `overwrite`), so that a
    /// refused save leaves nothing half-written.
    private func savePair(
        certificatePEM: String, certificatePath: String,
        keyPEM: String, keyPath: String,
        overwrite: Bool
    ) throws(PKIError) {
        try SecureFile.ensureDirectory(directory)
        if !overwrite {
            for existing in [certificatePath, keyPath] where SecureFile.exists(existing) {
                throw PKIError(code: .alreadyExists, message: "expected no existing file (pass overwrite: true to replace it)", path: existing)
            }
        }
        try SecureFile.write(Array(keyPEM.utf8), to: keyPath, mode: Self.keyMode, overwrite: overwrite)
        try SecureFile.write(Array(certificatePEM.utf8), to: certificatePath, mode: Self.certificateMode, overwrite: overwrite)
    }

    private func path(_ name: String) -> String {
        (directory as NSString).appendingPathComponent(name)
    }
}
