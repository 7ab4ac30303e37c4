import Crypto
import X509

/// A leaf certificate issued by the federation CA together with its private key.
public struct IssuedCertificate: Sendable {
    /// What the certificate is for.
    public let role: CertificateRole
    /// The certificate.
    public let certificate: Certificate
    /// The certificate's private key (a fresh P-256 key per certificate).
    let key: P256.Signing.PrivateKey

    init(role: CertificateRole, certificate: Certificate, key: P256.Signing.PrivateKey) {
        self.role = role
        self.certificate = certificate
        self.key = key
    }

    /// Reassembles an issued certificate from its PEM files; ``PKIError/Code/keyMismatch`` if the key is not the certificate's.
    public init(role: CertificateRole, certificatePEM: String, privateKeyPEM: String) throws(PKIError) {
        let certificate = try CertificateCoding.certificate(pem: certificatePEM)
        let key = try KeyCoding.privateKey(pem: privateKeyPEM)
        guard certificate.publicKey == Certificate.PublicKey(key.publicKey) else {
            throw PKIError(
                code: .keyMismatch,
                message: "expected the private key of \(CertificateCoding.describe(certificate)), found a different key"
            )
        }
        self.init(role: role, certificate: certificate, key: key)
    }

    /// The private key in the form swift-certificates signs with.
    public var privateKey: Certificate.PrivateKey { Certificate.PrivateKey(key) }

    /// The certificate as PEM (`-----BEGIN CERTIFICATE-----`).
    public var certificatePEM: String { CertificateCoding.pem(certificate) }

    /// The private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), loadable by BoringSSL / swift-nio-ssl.
    public var privateKeyPEM: String { KeyCoding.pem(key) }

    /// The certificate's DER encoding (what a TLS peer presents).
    public var derBytes: [UInt8] { certificate.derBytes }

    /// The SHA-256 fingerprint of the certificate: the key under which a site is registered at the coordinator.
    public var fingerprint: Fingerprint { Fingerprint.sha256(of: certificate) }

    /// The certificate's validity period.
    public var validity: CertificateValidity {
        CertificateValidity(notValidBefore: certificate.notValidBefore, notValidAfter: certificate.notValidAfter)
    }
}
