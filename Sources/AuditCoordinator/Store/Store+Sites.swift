import AuditCore
import Foundation

extension Store {
    /// Registers a site (protocol §3): a new id is added; an active site registered again with the
    /// same fingerprint is returned unchanged (`created` false); an active site with another
    /// fingerprint is `duplicateSite` (revoke first); a revoked site is registered again with its new
    /// certificate. A fingerprint held by another site, or ever revoked, is `duplicateFingerprint`.
    @discardableResult
    public func registerSite(id: SiteID, fingerprint: String, at time: Date) async throws
        -> (record: SiteRecord, created: Bool) {
        guard !fingerprint.isEmpty else {
            throw StoreError(code: .invalidArgument, message: "site \(id) needs a non-empty fingerprint")
        }
        return try await write("registering site \(id)") { tx in
            let existing = try SiteRecord.fetchAll(tx, "SELECT * FROM site WHERE id = ?" + tx.forUpdate, [id]).first
            if let existing, existing.status == .active {
                if existing.fingerprint == fingerprint { return (existing, false) }
                throw StoreError(code: .duplicateSite,
                                 message: "site \(id) is already registered with another certificate; revoke it first to rotate")
            }
            if let holder = try tx.fetchColumn("""
                SELECT id FROM site WHERE fingerprint = ? UNION SELECT site_id FROM site_previous_certificate WHERE fingerprint = ?
                """, [fingerprint, fingerprint], as: String.self).first {
                throw StoreError(
                    code: .duplicateFingerprint,
                    message: "site \(id): the certificate fingerprint is already registered to site \(holder)")
            }
            if try tx.exists("SELECT 1 FROM revoked_certificate WHERE fingerprint = ?", [fingerprint]) {
                throw StoreError(code: .duplicateFingerprint,
                                 message: "site \(id): the certificate was revoked; issue a new one")
            }
            let site = SiteRecord(id: id, fingerprint: fingerprint, status: .active, addedAt: time)
            if existing == nil {
                try tx.execute("INSERT INTO site (id, fingerprint, status, added_at) VALUES (?, ?, ?, ?)",
                               [id, fingerprint, site.status.rawValue, time])
            } else {
                try tx.execute("""
                    UPDATE site SET fingerprint = ?, status = 'active', added_at = ?, revoked_at = NULL,
                        last_contact_at = NULL, agent_version = NULL, policy_json = NULL WHERE id = ?
                    """, [fingerprint, time, id])
            }
            try EventRecord.insert(tx, auditID: nil, taskID: nil, siteID: id, kind: .siteRegistered,
                                   detail: existing == nil ? "" : "registered again after revocation, with a new certificate",
                                   at: time)
            return (site, true)
        }
    }

    /// Whether a certificate with this fingerprint was ever revoked.
    public func isRevoked(fingerprint: String) async throws -> Bool {
        try await read("looking up a revoked certificate") { tx in
            try tx.exists("SELECT 1 FROM revoked_certificate WHERE fingerprint = ?", [fingerprint])
        }
    }

    /// Revokes a site and fails its open tasks (`site revoked`); returns the audits that changed.
    ///
    /// Revoking an already revoked site changes nothing and returns no transitions.
    @discardableResult
    public func revokeSite(id: SiteID, at time: Date) async throws -> [AppliedTransition] {
        try await write("revoking site \(id)") { tx in
            guard let site = try SiteRecord.fetchAll(tx, "SELECT * FROM site WHERE id = ?" + tx.forUpdate, [id]).first else {
                throw StoreError.notFound("site \(id) not found")
            }
            guard site.status == .active else { return [] }
            try tx.execute("UPDATE site SET status = 'revoked', revoked_at = ? WHERE id = ?",
                           [time, id])
            try tx.execute("INSERT INTO revoked_certificate (fingerprint, site_id, revoked_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                           [site.fingerprint, id, time])
            try Self.revokePreviousCertificates(tx, site: id, reason: "the site was revoked", at: time)
            try EventRecord.insert(tx, auditID: nil, taskID: nil, siteID: id, kind: .siteRevoked, detail: "",
                                   at: time)
            var results: [AppliedTransition] = []
            for task in try Self.openTaskRows(tx, sites: [id]) {
                results.append(try AuditLifecycle.apply(.taskFailed(site: id, reason: "site revoked"),
                                                        auditID: task.auditID, at: time, in: tx))
            }
            return results
        }
    }

    /// Every site, active and revoked, ordered by id.
    public func sites() async throws -> [SiteRecord] {
        try await read("listing sites") { tx in try SiteRecord.fetchAll(tx, "SELECT * FROM site ORDER BY id") }
    }

    /// The site with this id, whatever its status.
    public func site(id: SiteID) async throws -> SiteRecord? {
        try await read("reading site \(id)") { tx in
            try SiteRecord.fetchAll(tx, "SELECT * FROM site WHERE id = ?", [id]).first
        }
    }

    /// Those of `ids` that are not registered and active, in the order given: one read for a whole
    /// launch instead of one per site (200 reads made a launch of 200 sites take 1.3 s on PostgreSQL).
    public func sitesNotActive(_ ids: [SiteID]) async throws -> [SiteID] {
        try await read("reading \(ids.count) sites") { tx in
            var active: Set<SiteID> = []
            for (marks, chunk) in inListChunks(ids) {
                for site in try SiteRecord.fetchAll(tx, "SELECT * FROM site WHERE id IN (\(marks))", chunk) where site.status == .active {
                    active.insert(site.id)
                }
            }
            return ids.filter { !active.contains($0) }
        }
    }

    /// The ACTIVE site holding this certificate fingerprint (for authentication); `nil` if unknown or revoked,
    /// unless `includeRevoked` is `true`.
    public func site(forFingerprint fingerprint: String, includeRevoked: Bool = false) async throws -> SiteRecord? {
        try await readStatement("looking up a site by fingerprint") { tx in
            let site = try SiteRecord.fetchAll(tx, "SELECT * FROM site WHERE fingerprint = ?", [fingerprint]).first
            guard let site, includeRevoked || site.status == .active else { return nil }
            return site
        }
    }

    /// Records that a site's agent called in: its last contact time and, when given (at hello), its
    /// agent build and policy summary; a poll (nil) keeps the ones last reported.
    public func touch(site id: SiteID, agentVersion: String?, policyJSON: String?, at time: Date) async throws {
        try await writeStatement("touching site \(id)") { tx in
            let changed = try tx.execute("""
                UPDATE site SET last_contact_at = ?, agent_version = COALESCE(?, agent_version),
                    policy_json = COALESCE(?, policy_json) WHERE id = ?
                """, [time, agentVersion, policyJSON, id])
            guard changed > 0 else { throw StoreError.notFound("site \(id) not found") }
        }
    }

    /// Open tasks of these sites whose audits are still collecting (not combining or final), each
    /// site's in launch order (a site's rows all come from one chunk of the `IN` list).
    static func openTaskRows(_ tx: any StoreTransaction, sites: [SiteID]) throws -> [SiteTaskRecord] {
        var rows: [SiteTaskRecord] = []
        for (marks, chunk) in inListChunks(Array(Set(sites))) {
            rows += try SiteTaskRecord.fetchAll(tx, """
                SELECT site_task.* FROM site_task JOIN audit ON audit.id = site_task.audit_id
                WHERE site_task.site_id IN (\(marks))
                  AND site_task.state IN ('queued', 'delivered', 'accepted')
                  AND audit.state IN ('created', 'dispatched', 'collecting')
                ORDER BY audit.created_at, site_task.rowid
                """, chunk)
        }
        return rows
    }
}
