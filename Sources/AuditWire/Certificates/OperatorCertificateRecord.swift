import AuditCore
import Foundation

/// An operator certificate as the coordinator knows it (`GET /v1/operators`): every certificate that has
/// authenticated, and every one revoked, with its status. Operators are not registered like sites; the
/// coordinator records a certificate when it first authenticates, so that it can be revoked on its own.
public struct OperatorCertificateRecord: Sendable, Codable, Equatable {
    /// The operator it names; empty for a certificate revoked by fingerprint before it was ever presented.
    public var name: String
    /// SHA-256 of the certificate's DER encoding, 64 lowercase hex digits.
    public var fingerprint: String
    /// `active` or `revoked` (a revoked certificate is refused at once with `401 unauthenticated`).
    public var status: SiteStatus
    /// When it first authenticated, if it ever did.
    public var firstSeenAt: Date?
    /// When it last authenticated (updated at most once a minute).
    public var lastSeenAt: Date?
    /// When it was revoked.
    public var revokedAt: Date?

    /// Creates a record.
    public init(name: String, fingerprint: String, status: SiteStatus, firstSeenAt: Date? = nil, lastSeenAt: Date? = nil,
                revokedAt: Date? = nil) {
        self.name = name
        self.fingerprint = fingerprint
        self.status = status
        self.firstSeenAt = firstSeenAt
        self.lastSeenAt = lastSeenAt
        self.revokedAt = revokedAt
    }
}

/// `GET /v1/operators` and the answer to a revocation: operator certificates by name, then fingerprint.
public struct OperatorList: Sendable, Codable, Equatable {
    /// The certificates.
    public var operators: [OperatorCertificateRecord]

    /// Creates a list.
    public init(operators: [OperatorCertificateRecord]) { self.operators = operators }
}
