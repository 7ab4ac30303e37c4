import AuditPKI
import AuditWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOSSL
import X509

/// Resolves the caller from its TLS client certificate on every request (ARCHITECTURE.md §5):
/// the chain is verified against the federation CA at the current time (so an expired
/// certificate stops working on a kept-alive connection too), the principal is read from the SAN
/// URI, and a site's certificate fingerprint must be the one registered for that site id, so
/// revoking a site takes effect at once. The protocol major version is checked here as well.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = CoordinatorContext
    let ca: Certificate
    let registry: SiteRegistry

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        _ = try ProtocolVersion.checkHeader(request.headers[HTTPField.Name(WireHeader.protocolVersion)!])
        let peer = try await context.channel.nioSSL_peerCertificate().get()
        guard let der = try peer?.toDERBytes() else {
            throw APIError(.unauthenticated, "a client certificate is required")
        }
        let principal: Principal
        switch await verifyClientChain(leafDER: der, caCertificate: ca, at: Date()) {
        case .success(let p): principal = p
        case .failure(let error): throw APIError(.unauthenticated, "client certificate refused: \(error.code)")
        }
        if case .site(let site) = principal {
            try await registry.authenticate(site: site.id, fingerprint: Fingerprint.sha256(ofDER: der).hex)
        }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }
}

/// The site registry as the server sees it: active sites by certificate fingerprint.
struct SiteRegistry: Sendable {
    let store: Store

    /// Accepts only an active, registered site whose certificate is the registered one.
    func authenticate(site: String, fingerprint: String) async throws {
        if let record = try await store.site(forFingerprint: fingerprint) {
            guard record.id == site else {
                throw APIError(.siteMismatch, "the certificate is registered for another site")
            }
            return
        }
        if let revoked = try await store.site(forFingerprint: fingerprint, includeRevoked: true), revoked.status == .revoked {
            throw APIError(.revokedSite, "site \(site) has been revoked")
        }
        throw APIError(.unknownSite, "no active site is registered with this certificate")
    }
}
