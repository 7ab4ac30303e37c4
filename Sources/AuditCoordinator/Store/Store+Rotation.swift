import AuditCore
import Foundation

extension EventKind {
    /// A site registered a new certificate with an overlap window; the detail names the window's end.
    public static let siteRotated = EventKind(rawValue: "site_rotated")
    /// A rotated site's previous certificate was revoked (window over, or the new certificate used).
    public static let previousCertificateRevoked = EventKind(rawValue: "previous_certificate_revoked")
}

/// What a site certificate's fingerprint stands for at authentication.
public enum SiteCertificateStanding: Sendable, Equatable {
    /// The site's current certificate.
    case current(SiteID)
    /// The site's previous certificate, still inside its rotation window.
    case previous(SiteID)
    /// A certificate of this site that was revoked (by `site revoke`, or at the end of a rotation).
    case revoked(SiteID)
    /// No site has or had this certificate.
    case unknown
}

extension Store {
    /// Rotates an active site to a new certificate (protocol §3): the new fingerprint becomes the site's, and
    /// the old one stays accepted for `overlap` seconds or until the new one is first used, whichever comes
    /// first; then it is revoked for good. An earlier rotation's certificate still in its window is revoked now.
    @discardableResult
    public func rotateSite(id: SiteID, fingerprint: String, overlap: TimeInterval, at time: Date) async throws -> SiteRecord {
        guard overlap >= 0 else { throw StoreError(code: .invalidArgument, message: "the overlap must not be negative") }
        return try await write("rotating site \(id)") { tx in
            guard let site = try SiteRecord.fetchAll(tx, "SELECT * FROM site WHERE id = ?" + tx.forUpdate, [id]).first else {
                throw StoreError.notFound("site \(id) not found")
            }
            guard site.status == .active else {
                throw StoreError(code: .conflict, message: "site \(id) is revoked; register it again with `coordinator site add`")
            }
            guard site.fingerprint != fingerprint else {
                throw StoreError(code: .conflict, message: "site \(id) already uses this certificate; rotate to a new one")
            }
            if let holder = try tx.fetchColumn("""
                SELECT id FROM site WHERE fingerprint = ? UNION SELECT site_id FROM site_previous_certificate WHERE fingerprint = ?
                """, [fingerprint, fingerprint], as: String.self).first {
                throw StoreError(code: .duplicateFingerprint, message: "site \(id): the certificate fingerprint is already registered to site \(holder)")
            }
            if try tx.exists("SELECT 1 FROM revoked_certificate WHERE fingerprint = ?", [fingerprint]) {
                throw StoreError(code: .duplicateFingerprint, message: "site \(id): the certificate was revoked; issue a new one")
            }
            try Self.revokePreviousCertificates(tx, site: id, reason: "replaced by another rotation", at: time)
            let until = time.addingTimeInterval(overlap)
            try tx.execute("INSERT INTO site_previous_certificate (fingerprint, site_id, until) VALUES (?, ?, ?)",
                           [site.fingerprint, id, until])
            try tx.execute("UPDATE site SET fingerprint = ? WHERE id = ?", [fingerprint, id])
            try EventRecord.insert(tx, auditID: nil, taskID: nil, siteID: id, kind: .siteRotated,
                                   detail: "new certificate \(fingerprint); the previous one is accepted until "
                                       + "\(until.formatted(.iso8601)) or the new one's first use", at: time)
            var rotated = site
            rotated.fingerprint = fingerprint
            return rotated
        }
    }

    /// Resolves a site certificate at authentication, and ends rotation windows: the first use of a site's new
    /// certificate revokes its previous one, and a previous certificate presented after its window is revoked.
    public func standing(ofSiteCertificate fingerprint: String, at time: Date) async throws -> SiteCertificateStanding {
        // Most requests come with a current certificate and no rotation pending: answer those with one
        // statement (one round trip on PostgreSQL), then with a read, and only then with a write.
        let current: SiteID? = try await readStatement("looking up a site certificate") { tx in
            guard let row = try tx.fetchOne("""
                SELECT id, (SELECT COUNT(*) FROM site_previous_certificate WHERE site_id = site.id) AS previous
                FROM site WHERE fingerprint = ? AND status = 'active'
                """, [fingerprint]), try row.get("previous", as: Int.self) == 0 else { return nil }
            return try row.identifier("id", of: "a site row")
        }
        if let current { return .current(current) }
        let quick: SiteCertificateStanding? = try await read("looking up a site certificate") { tx in
            if let site = try tx.fetchColumn("SELECT site_id FROM revoked_certificate WHERE fingerprint = ?", [fingerprint], as: String.self).first {
                return SiteID(rawValue: site).map { .revoked($0) } ?? .unknown
            }
            return nil
        }
        if let quick { return quick }
        return try await write("resolving a site certificate") { tx in
            if let site = try SiteRecord.fetchAll(tx, "SELECT * FROM site WHERE fingerprint = ? AND status = 'active'" + tx.forUpdate,
                                                 [fingerprint]).first {
                try Self.revokePreviousCertificates(tx, site: site.id, reason: "the new certificate was used", at: time)
                return .current(site.id)
            }
            if let row = try tx.fetchOne("SELECT site_id, until FROM site_previous_certificate WHERE fingerprint = ?",
                                          [fingerprint]),
               let site = SiteID(rawValue: try row.get("site_id")) {
                let until: Date = try row.get("until")
                if time < until { return .previous(site) }
                try Self.revokePreviousCertificates(tx, site: site, reason: "its overlap window ended", at: time)
                return .revoked(site)
            }
            return .unknown
        }
    }

    /// Moves a site's previous certificates (if any) to the revoked certificates.
    static func revokePreviousCertificates(_ tx: any StoreTransaction, site: SiteID, reason: String, at time: Date) throws {
        let fingerprints = try tx.fetchColumn("SELECT fingerprint FROM site_previous_certificate WHERE site_id = ?",
                                               [site], as: String.self)
        for fingerprint in fingerprints {
            try tx.execute("INSERT INTO revoked_certificate (fingerprint, site_id, revoked_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                           [fingerprint, site, time])
            try tx.execute("DELETE FROM site_previous_certificate WHERE fingerprint = ?", [fingerprint])
            try EventRecord.insert(tx, auditID: nil, taskID: nil, siteID: site, kind: .previousCertificateRevoked,
                                   detail: "certificate \(fingerprint): \(reason)", at: time)
        }
    }
}
