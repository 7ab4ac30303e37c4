import Crypto
import Foundation
import SwiftASN1
import X509

/// The federation CA: a self-signed P-256 certificate and its private key, which issue every certificate of
/// the federation (coordinator, sites, operators).
///
/// The CA certificate (`ca.pem`) is distributed to every agent and to the coordinator as the only trust root.
/// The private key (`ca-key.pem`) is needed only to issue certificates; keep it offline (see `Deploy/PKI.md`).
public struct CertificateAuthority: Sendable {
    /// The CA certificate: basicConstraints CA:true pathLen 0, keyUsage keyCertSign + cRLSign.
    public let certificate: Certificate
    /// The CA's signing key.
    let signingKey: P256.Signing.PrivateKey

    /// The default subject common name of a new CA.
    public static let defaultCommonName = "fairuse federation CA"

    /// Creates a new CA with a fresh P-256 key, valid for five years by default.
    ///
    /// The certificate has basicConstraints CA:true with pathLen 0 (it issues leaves only), keyUsage
    /// keyCertSign + cRLSign (both critical), a subjectKeyIdentifier, and a random 20-byte serial number.
    public static func create(
        commonName: String = defaultCommonName,
        organization: String? = nil,
        validity: CertificateValidity = .authorityDefault
    ) throws(PKIError) -> CertificateAuthority {
        let key = P256.Signing.PrivateKey()
        let signer = Certificate.PrivateKey(key)
        let period = validity.truncatedToSeconds
        try period.check(within: nil, subject: "the CA")
        let name = try Self.distinguishedName(commonName: commonName, organization: organization)
        let certificate: Certificate
        do {
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: signer.publicKey)
            }
            certificate = try Certificate(
                version: .v3,
                serialNumber: Self.randomSerialNumber(),
                publicKey: signer.publicKey,
                notValidBefore: period.notValidBefore,
                notValidAfter: period.notValidAfter,
                issuer: name,
                subject: name,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions,
                issuerPrivateKey: signer
            )
        } catch {
            throw PKIError(code: .encodingFailed, message: "could not encode or sign the CA certificate: \(error)")
        }
        return CertificateAuthority(unchecked: certificate, signingKey: key)
    }

    /// Loads a CA from its PEM certificate and PEM private key (PKCS#8 `PRIVATE KEY` or SEC1 `EC PRIVATE KEY`, P-256).
    ///
    /// Throws ``PKIError/Code/notCertificateAuthority`` unless the certificate is a CA that may sign certificates,
    /// and ``PKIError/Code/keyMismatch`` unless the key belongs to it.
    public init(certificatePEM: String, privateKeyPEM: String) throws(PKIError) {
        let certificate = try CertificateCoding.certificate(pem: certificatePEM)
        let key = try KeyCoding.privateKey(pem: privateKeyPEM)
        try self.init(certificate: certificate, signingKey: key)
    }

    init(certificate: Certificate, signingKey: P256.Signing.PrivateKey) throws(PKIError) {
        try Self.requireAuthority(certificate)
        guard certificate.publicKey == Certificate.PublicKey(signingKey.publicKey) else {
            throw PKIError(
                code: .keyMismatch,
                message: "expected the private key of \(CertificateCoding.describe(certificate)), found a different key"
            )
        }
        self.certificate = certificate
        self.signingKey = signingKey
    }

    private init(unchecked certificate: Certificate, signingKey: P256.Signing.PrivateKey) {
        self.certificate = certificate
        self.signingKey = signingKey
    }

    /// The CA certificate as PEM (`-----BEGIN CERTIFICATE-----`), the content of `ca.pem`.
    public var certificatePEM: String { CertificateCoding.pem(certificate) }

    /// The CA private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), the content of `ca-key.pem`.
    public var privateKeyPEM: String { KeyCoding.pem(signingKey) }

    /// The SHA-256 fingerprint of the CA certificate, to compare out of band when distributing `ca.pem`.
    public var fingerprint: Fingerprint { Fingerprint.sha256(of: certificate) }

    /// The CA certificate's validity period.
    public var validity: CertificateValidity {
        CertificateValidity(notValidBefore: certificate.notValidBefore, notValidAfter: certificate.notValidAfter)
    }

    /// Throws unless `certificate` has basicConstraints CA:true and, if it has keyUsage, keyCertSign.
    static func requireAuthority(_ certificate: Certificate) throws(PKIError) {
        let subject = CertificateCoding.describe(certificate)
        let constraints: BasicConstraints?
        let usage: KeyUsage?
        do {
            constraints = try certificate.extensions.basicConstraints
            usage = try certificate.extensions.keyUsage
        } catch {
            throw PKIError(code: .unreadable, message: "could not decode the extensions of \(subject): \(error)")
        }
        guard case .isCertificateAuthority = constraints else {
            throw PKIError(
                code: .notCertificateAuthority,
                message: "expected a CA certificate (basicConstraints CA:true), found \(subject) without it"
            )
        }
        if let usage, !usage.keyCertSign {
            throw PKIError(
                code: .notCertificateAuthority,
                message: "expected keyUsage keyCertSign in the CA certificate \(subject), found \(usage)"
            )
        }
    }

    /// A positive serial number of exactly 20 bytes (159 random bits; RFC 5280 §4.1.2.2 allows at most 20 octets).
    static func randomSerialNumber() -> Certificate.SerialNumber {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        bytes[0] = (bytes[0] & 0x7f) | 0x40
        return Certificate.SerialNumber(bytes: bytes)
    }

    /// `CN=<commonName>[, O=<organization>]`; throws ``PKIError/Code/invalidName`` for empty or over-long names.
    static func distinguishedName(commonName: String, organization: String?) throws(PKIError) -> DistinguishedName {
        for (label, value) in [("common name", commonName), ("organization", organization ?? "x")] {
            guard !value.isEmpty, value.count <= 64, !value.contains(where: \.isNewline) else {
                throw PKIError(
                    code: .invalidName,
                    message: "expected a \(label) of 1 to 64 characters on one line, found \(Identifier.quoted(value))"
                )
            }
        }
        do {
            return try DistinguishedName {
                if let organization { OrganizationName(organization) }
                CommonName(commonName)
            }
        } catch {
            throw PKIError(code: .invalidName, message: "could not encode the name \(Identifier.quoted(commonName)): \(error)")
        }
    }
}
