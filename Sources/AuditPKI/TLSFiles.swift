import Foundation
import X509

/// The three files a TLS endpoint loads (its certificate, its private key, the federation CA), checked before
/// swift-nio-ssl reads them, so that a wrong file is reported by path and configuration key with what to do —
/// never as `failedToLoadCertificate` or a BoringSSL error string.
public enum TLSFiles {
    /// Checks that `certificate` is a PEM certificate, `key` a P-256 private key belonging to it, and `ca` a CA
    /// certificate; `keys` names the configuration keys (e.g. `tls.certificate`) for the messages.
    public static func check(certificate: String, key: String, ca: String,
                             keys: (certificate: String, key: String, ca: String) = ("tls.certificate", "tls.key", "tls.ca")) throws(PKIError) {
        let leaf = try read(certificate, key: keys.certificate, what: "certificate") { text throws(PKIError) in
            try CertificateCoding.certificate(pem: text)
        }
        let privateKey = try read(key, key: keys.key, what: "private key") { text throws(PKIError) in
            try KeyCoding.privateKey(pem: text)
        }
        guard leaf.publicKey == Certificate.PublicKey(privateKey.publicKey) else {
            throw PKIError(code: .keyMismatch, message: "the private key \(key) (\(keys.key)) does not belong to the certificate "
                           + "\(certificate) (\(keys.certificate)); give the key that was made with its request")
        }
        let authority = try read(ca, key: keys.ca, what: "CA certificate") { text throws(PKIError) in
            try CertificateCoding.certificate(pem: text)
        }
        do { try CertificateAuthority.requireAuthority(authority) } catch {
            throw PKIError(code: error.code, message: "\(ca) (\(keys.ca)) is not the federation CA certificate: \(error.message); "
                           + "give the ca.pem of `fairuse pki init`")
        }
    }

    /// Where a certificate's validity and the local clock disagree: `nil` when `time` is inside it, else a sentence
    /// naming the certificate, its validity, the local time and what to check.
    public static func clockProblem(of certificate: Certificate, named name: String, at time: Date) -> String? {
        let local = CertificateValidity.iso8601(time)
        if time < certificate.notValidBefore {
            return "\(name) is not yet valid by this machine's clock (valid from \(CertificateValidity.iso8601(certificate.notValidBefore)), "
                + "local time \(local)): check this machine's clock and NTP"
        }
        if time > certificate.notValidAfter {
            return "\(name) expired at \(CertificateValidity.iso8601(certificate.notValidAfter)) (local time \(local)): "
                + "if the clock is right, a new certificate is needed (fairuse pki request, then pki sign at the CA)"
        }
        return nil
    }

    private static func read<T>(_ path: String, key: String, what: String,
                                _ decode: (String) throws(PKIError) -> T) throws(PKIError) -> T {
        let text: String
        do { text = try SecureFile.readText(path) } catch {
            throw PKIError(code: .unreadable, message: "cannot read \(what) \(path) (\(key)): \(error.message)")
        }
        do { return try decode(text) } catch {
            let found = text.contains("-----BEGIN ") ? "a PEM file of another kind" : "no PEM block"
            let expected = what == "private key" ? "a P-256 private key in PEM (BEGIN PRIVATE KEY)" : "a PEM certificate (BEGIN CERTIFICATE)"
            throw PKIError(code: .unreadable, message: "cannot read \(what) \(path) (\(key)): expected \(expected), found \(found)")
        }
    }
}
