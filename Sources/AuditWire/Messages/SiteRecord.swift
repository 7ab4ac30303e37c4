import AuditCore
import Foundation

/// A site in the registry (`GET /v1/sites`); revoked sites stay listed.
public struct SiteRecord: Sendable, Codable, Equatable {
    /// The site.
    public var site: SiteID
    /// SHA-256 of its certificate's DER encoding, 64 lowercase hex digits.
    public var fingerprint: String
    /// `active` or `revoked`.
    public var status: SiteStatus
    /// When the site was registered.
    public var addedAt: Date
    /// When it was revoked, if it was.
    public var revokedAt: Date?
    /// When its agent last called in (hello or poll), if ever (protocol 1.x addition; optional).
    public var lastContactAt: Date?
    /// The agent build it reported at its last hello (optional).
    public var agentVersion: String?

    /// Creates a record.
    public init(site: SiteID, fingerprint: String, status: SiteStatus, addedAt: Date, revokedAt: Date? = nil,
                lastContactAt: Date? = nil, agentVersion: String? = nil) {
        self.site = site
        self.fingerprint = fingerprint
        self.status = status
        self.addedAt = addedAt
        self.revokedAt = revokedAt
        self.lastContactAt = lastContactAt
        self.agentVersion = agentVersion
    }
}

/// `GET /v1/sites`: the registry, in site order.
public struct SiteList: Sendable, Codable, Equatable {
    /// The sites.
    public var sites: [SiteRecord]

    /// Creates a list.
    public init(sites: [SiteRecord]) { self.sites = sites }
}
