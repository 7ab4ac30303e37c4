import COpenSSLShim
import Foundation
import SwiftASN1
import X509

/// The federation CA's certificate revocation list (an X.509 v2 CRL, RFC 5280 §5), verified against the CA.
///
/// swift-certificates has no CRL support, so creating, verifying and looking up serials go through the system
/// OpenSSL (`COpenSSLShim`). A value of this type has been checked: it parses, names the CA as issuer and its
/// signature verifies with the CA's key. Whether it is still fresh depends on the clock: ``freshness(at:)``.
public struct RevocationList: Sendable, Equatable {
    /// The CRL's DER encoding, as signed.
    public let der: [UInt8]
    /// When the CA issued it.
    public let thisUpdate: Date
    /// When the next list is due; past it the list is stale.
    public let nextUpdate: Date?
    /// How many certificates it revokes.
    public let revokedCount: Int
    /// Its cRLNumber, which grows with every list the CA issues.
    public let number: Int64?

    /// What a coordinator or agent does when its list is past nextUpdate (`tls.crl_when_stale`).
    public enum StalePolicy: String, Sendable, CaseIterable {
        /// Keep using the stale list and log a warning (the default: a late list must not stop the federation).
        case warn
        /// Refuse to talk until a fresh list is installed.
        case refuse
    }

    /// Whether a list can be relied on at a given time.
    public enum Freshness: Sendable, Equatable {
        /// thisUpdate ≤ now ≤ nextUpdate.
        case fresh
        /// Issued after now: the local clock is behind (or the list is forged in the future).
        case notYetValid(thisUpdate: Date)
        /// Past nextUpdate: the CA's next list is overdue, so a newer revocation may be missing.
        case stale(nextUpdate: Date)
    }

    /// Reads a PEM `X509 CRL` and verifies it against the CA certificate; ``PKIError/Code/invalidRevocationList``
    /// naming `path` when it is not one, names another issuer, or its signature does not verify.
    public init(pem: String, issuer ca: Certificate, path: String? = nil) throws(PKIError) {
        let document: PEMDocument
        do { document = try PEMDocument(pemString: pem) } catch {
            throw PKIError(code: .invalidRevocationList, message: "expected a PEM \"X509 CRL\" block, found none", path: path)
        }
        guard document.discriminator == "X509 CRL" else {
            throw PKIError(code: .invalidRevocationList,
                           message: "expected a PEM \"X509 CRL\" block, found \(Identifier.quoted(document.discriminator))", path: path)
        }
        try self.init(der: document.derBytes, issuer: ca, path: path)
    }

    /// Verifies a DER CRL against the CA certificate (see ``init(pem:issuer:path:)``).
    public init(der: [UInt8], issuer ca: Certificate, path: String? = nil) throws(PKIError) {
        var info = fu_crl_info()
        let caDER = ca.derBytes
        var message = [CChar](repeating: 0, count: 256)
        let status = der.withUnsafeBufferPointer { crl in
            caDER.withUnsafeBufferPointer { authority in
                fu_crl_verify(crl.baseAddress, crl.count, authority.baseAddress, authority.count, &info, &message, message.count)
            }
        }
        guard status == FU_OK else {
            throw PKIError(code: .invalidRevocationList, message: Self.text(message), path: path)
        }
        self.der = der
        thisUpdate = Date(timeIntervalSince1970: TimeInterval(info.this_update))
        nextUpdate = info.has_next_update != 0 ? Date(timeIntervalSince1970: TimeInterval(info.next_update)) : nil
        revokedCount = Int(info.revoked_count)
        number = info.crl_number >= 0 ? info.crl_number : nil
    }

    /// Issues a list signed by `ca` that revokes `revocations`, valid from `thisUpdate` to `nextUpdate`.
    public static func create(
        by ca: CertificateAuthority, revoking revocations: [Revocation], thisUpdate: Date, nextUpdate: Date, number: UInt64
    ) throws(PKIError) -> RevocationList {
        guard thisUpdate < nextUpdate else {
            throw PKIError(code: .invalidValidity, message: "expected thisUpdate before nextUpdate for the revocation list")
        }
        let caDER = ca.certificate.derBytes
        let keyDER = Array(ca.signingKey.derRepresentation)
        let serials = revocations.map(\.serial)
        let lengths = serials.map(\.count)
        let times = revocations.map { Int64($0.revokedAt.timeIntervalSince1970.rounded(.down)) }
        var message = [CChar](repeating: 0, count: 256)
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        // The serials' buffers must stay alive while the shim reads them: copy them into one allocation.
        let pointers = serials.map { serial -> UnsafeMutablePointer<UInt8> in
            let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(serial.count, 1))
            pointer.initialize(from: serial, count: serial.count)
            return pointer
        }
        defer { pointers.forEach { $0.deallocate() } }
        let status = caDER.withUnsafeBufferPointer { authority in
            keyDER.withUnsafeBufferPointer { key in
                pointers.map { UnsafePointer<UInt8>?($0) }.withUnsafeBufferPointer { serialPointers in
                    lengths.withUnsafeBufferPointer { serialLengths in
                        times.withUnsafeBufferPointer { revokedAt in
                            fu_crl_create(authority.baseAddress, authority.count, key.baseAddress, key.count,
                                          serialPointers.baseAddress, serialLengths.baseAddress, revokedAt.baseAddress, revocations.count,
                                          Int64(thisUpdate.timeIntervalSince1970.rounded(.down)),
                                          Int64(nextUpdate.timeIntervalSince1970.rounded(.down)), number,
                                          &output, &length, &message, message.count)
                        }
                    }
                }
            }
        }
        guard status == FU_OK, let output else {
            throw PKIError(code: .encodingFailed, message: "could not create the revocation list: \(text(message))")
        }
        let der = Array(UnsafeBufferPointer(start: output, count: length))
        fu_free(output)
        return try RevocationList(der: der, issuer: ca.certificate)
    }

    /// The list as PEM (`-----BEGIN X509 CRL-----`), the content of `crl.pem`.
    public var pem: String { PEMDocument(type: "X509 CRL", derBytes: der).pemString + "\n" }

    /// Whether the list revokes this serial number. Fails closed: a serial OpenSSL cannot read counts as revoked.
    public func isRevoked(serial: Certificate.SerialNumber) -> Bool {
        let bytes = Array(serial.bytes)
        let found = der.withUnsafeBufferPointer { crl in
            bytes.withUnsafeBufferPointer { number in
                fu_crl_is_revoked(crl.baseAddress, crl.count, number.baseAddress, number.count)
            }
        }
        return found != 0
    }

    /// Whether the list revokes this certificate (by serial; the list is the federation CA's, which issued it).
    public func isRevoked(_ certificate: Certificate) -> Bool { isRevoked(serial: certificate.serialNumber) }

    /// Whether the list can be relied on at `time`.
    public func freshness(at time: Date) -> Freshness {
        if time < thisUpdate { return .notYetValid(thisUpdate: thisUpdate) }
        if let nextUpdate, time > nextUpdate { return .stale(nextUpdate: nextUpdate) }
        return .fresh
    }

    /// A sentence for logs: `revocation list 7 of 2026-12-04T18:00:00Z (3 revoked, next update …)`.
    public var summary: String {
        let next = nextUpdate.map { ", next update \(CertificateValidity.iso8601($0))" } ?? ""
        return "revocation list \(number.map(String.init) ?? "-") of \(CertificateValidity.iso8601(thisUpdate)) "
            + "(\(revokedCount) revoked\(next))"
    }

    private static func text(_ message: [CChar]) -> String {
        String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// One revoked certificate: its serial number (big-endian bytes) and when it was revoked.
public struct Revocation: Sendable, Hashable {
    /// The serial number's bytes, as in the certificate.
    public let serial: [UInt8]
    /// When the CA revoked it.
    public let revokedAt: Date

    /// Creates a revocation.
    public init(serial: [UInt8], revokedAt: Date) {
        self.serial = serial
        self.revokedAt = revokedAt
    }

    /// The serial in lowercase hex, as `openssl x509 -serial` and `openssl crl -text` print it (in upper case).
    public var serialHex: String { serial.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() }
}
