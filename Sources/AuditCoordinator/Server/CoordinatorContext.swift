import AuditPKI
import Hummingbird
import NIOCore

/// The request context of the coordinator's API: the connection (to read the client certificate
/// from its TLS handler) and the principal the authentication middleware resolved.
public struct CoordinatorContext: RequestContext {
    /// Hummingbird's core storage.
    public var coreContext: CoreRequestContextStorage
    /// The request's connection.
    public let channel: any Channel
    /// Who is calling, set by `AuthenticationMiddleware`.
    public var principal: Principal?

    /// Creates the context for a request on `source.channel`.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
        principal = nil
    }

    /// The authenticated site's id, or a `forbidden` error.
    func requireSite() throws -> String {
        guard case .site(let site)? = principal else {
            throw APIError(.forbidden, "this endpoint is for site agents; present a site certificate")
        }
        return site.id
    }

    /// The authenticated operator's name, or a `forbidden` error.
    func requireOperator() throws -> String {
        guard case .operator(let name)? = principal else {
            throw APIError(.forbidden, "this endpoint is for operators; present an operator certificate")
        }
        return name.name
    }
}
