import SwiftASN1
import X509

/// Decoding certificates and checking their intended use, with errors as ``PKIError``.
enum CertificateCoding {
    /// `certificate "CN=…" (serial 4a0f…)` for messages: the subject quoted safely, the serial in plain hex.
    static func describe(_ certificate: Certificate) -> String {
        let serial = certificate.serialNumber.bytes.map { byte in
            (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
        return "certificate \(Identifier.quoted(String(describing: certificate.subject))) (serial \(serial))"
    }

    /// Decodes a DER certificate; ``PKIError/Code/unreadable`` when the bytes are not one.
    static func certificate(der: [UInt8], path: String? = nil) throws(PKIError) -> Certificate {
        do {
            return try Certificate(derEncoded: der)
        } catch {
            throw PKIError(code: .unreadable, message: "expected a DER-encoded X.509 certificate: \(error)", path: path)
        }
    }

    /// Decodes the first `CERTIFICATE` block of a PEM text; ``PKIError/Code/unreadable`` otherwise.
    static func certificate(pem: String, path: String? = nil) throws(PKIError) -> Certificate {
        do {
            return try Certificate(pemEncoded: pem)
        } catch {
            throw PKIError(code: .unreadable, message: "expected a PEM \"CERTIFICATE\" block: \(error)", path: path)
        }
    }

    /// Throws ``PKIError/Code/wrongKeyUsage`` unless `certificate` is an end-entity certificate whose extended key
    /// usage includes `purpose` and whose key usage, if present, allows digital signatures (needed by TLS 1.3).
    static func requireEndEntity(_ certificate: Certificate, purpose: ExtendedKeyUsage.Usage) throws(PKIError) {
        let subject = CertificateCoding.describe(certificate)
        let usages: ExtendedKeyUsage?
        let constraints: BasicConstraints?
        let keyUsage: KeyUsage?
        do {
            usages = try certificate.extensions.extendedKeyUsage
            constraints = try certificate.extensions.basicConstraints
            keyUsage = try certificate.extensions.keyUsage
        } catch {
            throw PKIError(code: .unreadable, message: "could not decode the extensions of \(subject): \(error)")
        }
        guard let usages else {
            throw PKIError(
                code: .wrongKeyUsage,
                message: "expected extendedKeyUsage \(purpose) in \(subject), found no extendedKeyUsage extension"
            )
        }
        guard usages.contains(purpose) else {
            let found = usages.isEmpty ? "none" : usages.map { "\($0)" }.joined(separator: ", ")
            throw PKIError(
                code: .wrongKeyUsage,
                message: "expected extendedKeyUsage \(purpose) in \(subject), found \(found)"
            )
        }
        if case .isCertificateAuthority = constraints {
            throw PKIError(
                code: .wrongKeyUsage,
                message: "expected an end-entity certificate (basicConstraints CA:false), found a CA certificate: \(subject)"
            )
        }
        if let keyUsage, !keyUsage.digitalSignature {
            throw PKIError(
                code: .wrongKeyUsage,
                message: "expected keyUsage digitalSignature in \(subject), found \(keyUsage)"
            )
        }
    }
}

extension CertificateCoding {
    /// The PEM text of a certificate (`-----BEGIN CERTIFICATE-----`, 64-column base64, trailing newline).
    static func pem(_ certificate: Certificate) -> String {
        PEMDocument(type: "CERTIFICATE", derBytes: certificate.derBytes).pemString + "\n"
    }
}
