import AuditCore
import AuditPKI
import Hummingbird
import NIOCore

/// The request context of the coordinator's API: the connection (whose TLS handler holds the
/// client certificate, read through ``PeerCertificateSource``) and the principal the
/// authentication middleware resolved.
public struct CoordinatorContext: RequestContext {
    /// Hummingbird's core storage.
    public var coreContext: CoreRequestContextStorage
    /// The request's connection.
    public let channel: any Channel
    /// Who is calling, set by `AuthenticationMiddleware`.
    public var principal: Principal?
    /// A researcher identified by a read-only token (no client certificate), if that is who is calling.
    public var researcher: String?
    /// Raised by `AuthenticationMiddleware` once the caller is authenticated; shared by every copy
    /// of the context, so the observation middleware outside it can tell a refused identity from a
    /// refused role.
    let authenticated = SetOnceFlag()

    /// Creates the context for a request on `source.channel`.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
        principal = nil
        researcher = nil
    }

    /// The authenticated site's id, or a `forbidden` error.
    func requireSite() throws -> SiteID {
        guard case .site(let site)? = principal else {
            throw APIError(.forbidden, "this endpoint is for site agents; present a site certificate")
        }
        return site
    }

    /// An operator or a researcher: who may read audits and reports; else `forbidden`.
    func requireReader() throws -> String {
        if case .operator(let name)? = principal { return "operator \(name)" }
        if let researcher { return "researcher \(researcher)" }
        throw APIError(.forbidden, "this endpoint is for operators and researchers")
    }

    /// The authenticated operator's name, or a `forbidden` error.
    func requireOperator() throws -> OperatorName {
        guard case .operator(let name)? = principal else {
            throw APIError(.forbidden, "this endpoint is for operators; present an operator certificate")
        }
        return name
    }

    /// The id in the path parameter `name`; a malformed id names no resource, so it is `not_found`.
    func pathID<ID: ValidatedIdentifier>(_ name: String = "id", as type: ID.Type = ID.self) throws -> ID {
        let text = try parameters.require(name)
        guard let id = ID(rawValue: text) else { throw APIError(.notFound, "no \(ID.what.replacingOccurrences(of: " id", with: "")) \(text)") }
        return id
    }
}
