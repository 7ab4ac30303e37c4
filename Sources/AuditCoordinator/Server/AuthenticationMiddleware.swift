import AuditCore
import AuditPKI
import AuditWire
import Foundation
import HTTPTypes
import Hummingbird
import X509

/// Resolves the caller from its TLS client certificate on every request (ARCHITECTURE.md §5):
/// the chain is verified against the federation CA at the current time (so an expired
/// certificate stops working on a kept-alive connection too), the principal is read from the SAN
/// URI, and a site's certificate fingerprint must be the one registered for that site id, so
/// revoking a site takes effect at once. The protocol major version is checked here as well.
///
/// A connection without a client certificate is possible only when researchers are configured
/// (the TLS layer otherwise refuses it); it is then accepted only with a researcher token, which
/// opens the read-only endpoints and nothing else.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = CoordinatorContext
    /// Chains verified against the federation CA (a kept-alive agent's chain is verified once per
    /// validity period, not per request; see ``VerifiedClientChains``).
    let chains: VerifiedClientChains
    let registry: SiteRegistry
    let researchers: ResearcherTokens
    let clock: AuditClock
    var peer: any PeerCertificateSource = TLSPeerCertificate()
    /// The federation CA's revocation list (`tls.crl`), when configured.
    var revocations: RevocationListFile? = nil

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path.hasPrefix("/v1/") {   // browsers on the dashboard send no protocol header
            _ = try ProtocolVersion.checkHeader(request.headers[HTTPField.Name(WireHeader.protocolVersion)!])
        }
        var context = context
        guard let der = try await peer.certificateDER(of: request, context: context) else {
            guard let name = researchers.match(ResearcherTokens.presented(in: request)) else {
                throw APIError(.unauthenticated, researchers.isEmpty ? "a client certificate is required"
                               : "a client certificate, or for read-only pages a researcher token, is required")
            }
            context.researcher = name
            context.authenticated.set()
            return try await next(request, context)
        }
        let principal: Principal
        switch await chains.verify(leafDER: der, at: clock.now()) {
        case .success(let p): principal = p
        case .failure(let error): throw APIError(.unauthenticated, "client certificate refused: \(error.code)")
        }
        if let revocations {
            try revocations.checkFreshness(at: clock.now())
            let list = revocations.current()
            if let certificate = try? Certificate(derEncoded: der), list.isRevoked(certificate) {
                context.logger.warning("refused a certificate revoked by the CA's revocation list", metadata: [
                    "principal": "\(principal)", "serial": "\(Revocation(serial: Array(certificate.serialNumber.bytes), revokedAt: Date()).serialHex)"])
                throw APIError(.unauthenticated, "client certificate refused: revoked by the federation CA's revocation list")
            }
        }
        let fingerprint = Fingerprint.sha256(ofDER: der).hex
        switch principal {
        case .site(let site):
            try await registry.authenticate(site: site, fingerprint: fingerprint, at: clock.now())
        case .operator(let name):
            let record = try await registry.store.noteOperator(name: name, fingerprint: fingerprint, at: clock.now())
            guard record.status == .active else {
                context.logger.warning("refused a revoked operator certificate", metadata: [
                    "operator": "\(name)", "fingerprint": "\(fingerprint)"])
                throw APIError(.unauthenticated, "the certificate of operator \(name) has been revoked")
            }
        }
        context.principal = principal
        context.authenticated.set()
        return try await next(request, context)
    }
}

/// The configured researcher tokens, kept only as SHA-256 digests and compared in constant time.
struct ResearcherTokens: Sendable {
    let entries: [CoordinatorConfiguration.ResearcherToken]

    var isEmpty: Bool { entries.isEmpty }

    /// The token a request presents: `Authorization: Bearer …`, the dashboard cookie, or (to sign
    /// in from a link) the `token` query parameter of a dashboard page.
    static func presented(in request: Request) -> String? {
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            return String(header.dropFirst("Bearer ".count))
        }
        if let cookies = request.headers[.cookie] {
            for part in cookies.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                if pair.hasPrefix(cookieName + "=") { return String(pair.dropFirst(cookieName.count + 1)) }
            }
        }
        if request.uri.path.hasPrefix("/dashboard"), let token = request.uri.queryParameters.get("token") { return token }
        return nil
    }

    /// The cookie that keeps a dashboard session.
    static let cookieName = "fairuse_token"

    /// The researcher whose token this is, or nil.
    func match(_ token: String?) -> String? {
        guard let token, !token.isEmpty, token.utf8.count <= 256 else { return nil }
        let digest = Array(WireDigest.sha256Hex(Array(token.utf8)).utf8)
        var found: String?
        for entry in entries {
            // Constant-time over the digest bytes, so the comparison leaks no prefix length.
            let expected = Array(entry.sha256.utf8)
            var difference: UInt8 = expected.count == digest.count ? 0 : 1
            for (a, b) in zip(expected, digest) { difference |= a ^ b }
            if difference == 0 { found = entry.name }
        }
        return found
    }
}

/// The site registry as the server sees it: active sites by certificate fingerprint.
struct SiteRegistry: Sendable {
    let store: Store

    /// Accepts only an active, registered site whose certificate is the registered one, or its previous one
    /// inside a rotation window (`Store.standing(ofSiteCertificate:at:)`, which also ends such windows).
    func authenticate(site: SiteID, fingerprint: String, at time: Date) async throws {
        switch try await store.standing(ofSiteCertificate: fingerprint, at: time) {
        case .current(let holder), .previous(let holder):
            guard holder == site else {
                throw APIError(.siteMismatch, "the certificate is registered for another site")
            }
        case .revoked(let holder):
            throw APIError(.revokedSite, "this certificate of site \(holder) has been revoked")
        case .unknown:
            throw APIError(.unknownSite, "no active site is registered with this certificate")
        }
    }
}
