import AuditCore
import AuditWire
import Foundation

/// The operator's HTTPS client of the coordinator (`fairuse audit …`, `fairuse coordinator site …`):
/// the same mutual-TLS transport as the agent, with an operator certificate.
public struct OperatorClient: Sendable {
    let transport: CoordinatorClient

    /// A client presenting the operator's certificate.
    public init(baseURL: String, certificatePath: String, keyPath: String, caPath: String) throws {
        transport = try CoordinatorClient(baseURL: baseURL, certificatePath: certificatePath, keyPath: keyPath, caPath: caPath,
                                          fileKeys: ("--cert", "--key", "--ca"))
    }

    /// Closes connections.
    public func shutdown() async throws { try await transport.shutdown() }

    /// POST /v1/sites.
    public func register(site: SiteID, fingerprint: String) async throws -> SiteRecord {
        let body = try PayloadCodec.encodeJSON(SiteRegistration(site: site, certificateFingerprintSHA256: fingerprint))
        let (status, data) = try await transport.send("POST", "/v1/sites", json: body, compress: false)
        return try transport.decode(SiteRecord.self, status, data)
    }

    /// GET /v1/sites.
    public func sites() async throws -> [SiteRecord] {
        let (status, data) = try await transport.send("GET", "/v1/sites", json: nil, compress: false)
        return try transport.decode(SiteList.self, status, data).sites
    }

    /// DELETE /v1/sites/{id}: revokes the site at once.
    public func revoke(site: SiteID) async throws -> SiteRecord {
        let (status, data) = try await transport.send("DELETE", "/v1/sites/\(site)", json: nil, compress: false)
        return try transport.decode(SiteRecord.self, status, data)
    }

    /// POST /v1/sites/{id}/rotate: the site's new certificate; the current one stays accepted for `overlapSeconds`
    /// or until the new one is first used.
    public func rotate(site: SiteID, fingerprint: String, overlapSeconds: Int) async throws -> SiteRecord {
        let body = try PayloadCodec.encodeJSON(SiteRotation(certificateFingerprintSHA256: fingerprint, overlapSeconds: overlapSeconds))
        let (status, data) = try await transport.send("POST", "/v1/sites/\(site)/rotate", json: body, compress: false)
        return try transport.decode(SiteRecord.self, status, data)
    }

    /// GET /v1/operators: every operator certificate the coordinator has seen or revoked.
    public func operators() async throws -> [OperatorCertificateRecord] {
        let (status, data) = try await transport.send("GET", "/v1/operators", json: nil, compress: false)
        return try transport.decode(OperatorList.self, status, data).operators
    }

    /// DELETE /v1/operators/{name}: revokes every certificate of the operator the coordinator has seen.
    public func revoke(operator name: OperatorName) async throws -> [OperatorCertificateRecord] {
        let (status, data) = try await transport.send("DELETE", "/v1/operators/\(name)", json: nil, compress: false)
        return try transport.decode(OperatorList.self, status, data).operators
    }

    /// DELETE /v1/operator-certificates/{fingerprint}: revokes one operator certificate, seen or not.
    public func revokeOperatorCertificate(fingerprint: String) async throws -> [OperatorCertificateRecord] {
        let (status, data) = try await transport.send("DELETE", "/v1/operator-certificates/\(fingerprint)", json: nil, compress: false)
        return try transport.decode(OperatorList.self, status, data).operators
    }

    /// GET /v1/crl: the federation CA's revocation list the coordinator serves (PEM), or nil if it has none.
    public func revocationList() async throws -> String? {
        try await transport.revocationListPEM()
    }

    /// POST /v1/audits.
    public func launch(_ request: LaunchAuditRequest) async throws -> AuditSummary {
        let (status, data) = try await transport.send("POST", "/v1/audits", json: try PayloadCodec.encodeJSON(request), compress: false)
        return try transport.decode(AuditSummary.self, status, data)
    }

    /// GET /v1/audits.
    public func audits() async throws -> [AuditSummary] {
        let (status, data) = try await transport.send("GET", "/v1/audits", json: nil, compress: false)
        return try transport.decode(AuditList.self, status, data).audits
    }

    /// GET /v1/audits/{id}.
    public func audit(_ id: AuditID) async throws -> AuditSummary {
        let (status, data) = try await transport.send("GET", "/v1/audits/\(id)", json: nil, compress: false)
        return try transport.decode(AuditSummary.self, status, data)
    }

    /// GET /v1/audits/{id}/report?format=json|md|table, as text.
    public func report(_ id: AuditID, format: String) async throws -> String {
        let (status, data) = try await transport.send("GET", "/v1/audits/\(id)/report?format=\(format)", json: nil, compress: false)
        guard (200..<300).contains(status) else { throw transport.error(status, data) }
        return String(decoding: data, as: UTF8.self)
    }

    /// POST /v1/audits/{id}/cancel.
    public func cancel(_ id: AuditID) async throws -> AuditSummary {
        let (status, data) = try await transport.send("POST", "/v1/audits/\(id)/cancel", json: Data("{}".utf8), compress: false)
        return try transport.decode(AuditSummary.self, status, data)
    }
}

extension OperatorClient {
    /// GET /v1/events: the newest `limit` events, oldest first, of one audit and/or site, from `since`.
    public func events(audit: AuditID? = nil, site: SiteID? = nil, since: Date? = nil, limit: Int = 100) async throws -> [EventEntry] {
        var query = ["limit=\(limit)"]
        if let audit { query.append("audit=\(audit)") }
        if let site { query.append("site=\(site)") }
        if let since { query.append("since=\(WireJSON.formatDate(since).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")") }
        let (status, data) = try await transport.send("GET", "/v1/events?" + query.joined(separator: "&"), json: nil, compress: false)
        return try transport.decode(EventList.self, status, data).events
    }
}
