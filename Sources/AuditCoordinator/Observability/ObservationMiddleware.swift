import AuditPKI
import AuditWire
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Measures every API request for `/metrics` (route template, method, status, latency, body
/// sizes) and logs the refusals that matter to security: refused identities, wrong roles and
/// refused agent uploads (``SecurityEvent``). It sits inside the error mapping and outside
/// authentication, so it sees every refusal as the error the client will get.
struct ObservationMiddleware: RouterMiddleware {
    typealias Context = CoordinatorContext
    let metrics: CoordinatorMetrics
    let routes: RouteTemplates
    let logger: Logger
    let peer: any PeerCertificateSource

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let requestBytes = request.headers[.contentLength].flatMap { Int($0) }
        do {
            let response = try await next(request, context)
            record(request, context, status: response.status.code, start: start, requestBytes: requestBytes,
                   responseBytes: response.body.contentLength)
            return response
        } catch {
            let mapped = APIError(mapping: error)
            let status = mapped?.wire.code.httpStatus ?? 500
            record(request, context, status: status, start: start, requestBytes: requestBytes, responseBytes: nil)
            if let mapped { await securityEvent(for: mapped, request, context)?.record(logger: logger, metrics: metrics) }
            throw error
        }
    }

    func route(_ request: Request, _ context: Context) -> String {
        guard let path = context.endpointPath, path != "NotFound" else { return routes.template(for: request.uri.path) }
        return path
    }

    func record(_ request: Request, _ context: Context, status: Int, start: ContinuousClock.Instant, requestBytes: Int?,
                responseBytes: Int?) {
        metrics.request(route: route(request, context), method: request.method.rawValue, status: status,
                        duration: ContinuousClock.now - start, requestBytes: requestBytes, responseBytes: responseBytes)
    }

    /// The security event a refusal is, if any. Before authentication passed, a refusal is of the
    /// identity (no, unknown, revoked or misregistered certificate). After it, a forbidden endpoint
    /// or another site's task is a wrong role, and a 4xx on an agent upload is a refused payload.
    func securityEvent(for error: APIError, _ request: Request, _ context: Context) async -> SecurityEvent? {
        let code = error.wire.code
        let authenticated = context.authenticated.isSet
        let kind: SecurityEvent.Kind
        if !authenticated, [.unauthenticated, .unknownSite, .revokedSite, .siteMismatch, .forbidden].contains(code) {
            kind = .identityRefused
        } else if authenticated, code == .forbidden || code == .siteMismatch {
            kind = .roleRefused
        } else if authenticated, request.method == .post, route(request, context).hasPrefix("/v1/agent/"),
                  [400, 409, 413, 422].contains(code.httpStatus) {
            kind = .payloadRefused
        } else {
            return nil
        }
        var metadata: Logger.Metadata = ["code": "\(code.name)", "route": "\(route(request, context))",
                                         "method": "\(request.method.rawValue)"]
        if let field = error.wire.field { metadata["field"] = "\(field)" }
        if let address = context.channel.remoteAddress?.ipAddress { metadata["peer_address"] = "\(address)" }
        if let der = try? await peer.certificateDER(of: request, context: context) {
            metadata["fingerprint"] = "\(Fingerprint.sha256(ofDER: der).hex)"
            if let principal = try? Principal(derEncoded: der) { metadata["principal"] = "\(principal.uri)" }
        } else {
            metadata["principal"] = "none (no client certificate)"
        }
        return SecurityEvent(kind: kind, metadata: metadata)
    }
}
