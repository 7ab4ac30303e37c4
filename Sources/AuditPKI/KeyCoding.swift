import Crypto
import SwiftASN1
import X509

/// Decoding private keys, with errors as ``PKIError``. Only P-256 keys are used in the federation.
enum KeyCoding {
    /// Decodes a P-256 private key from PEM: PKCS#8 `PRIVATE KEY` (what fairuse writes) or SEC1 `EC PRIVATE KEY`.
    static func privateKey(pem: String, path: String? = nil) throws(PKIError) -> P256.Signing.PrivateKey {
        do {
            return try P256.Signing.PrivateKey(pemRepresentation: pem)
        } catch {
            throw PKIError(
                code: .unreadable,
                message: "expected a P-256 private key in PEM (\"PRIVATE KEY\" or \"EC PRIVATE KEY\"): \(error)",
                path: path
            )
        }
    }

    /// The PKCS#8 PEM text of a key (`-----BEGIN PRIVATE KEY-----`), with a trailing newline.
    static func pem(_ key: P256.Signing.PrivateKey) -> String {
        key.pemRepresentation + "\n"
    }
}
