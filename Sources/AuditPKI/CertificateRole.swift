import AuditCore

/// What an issued leaf certificate is for; decides its extended key usage, its SAN and its file names.
public enum CertificateRole: Hashable, Sendable, CustomStringConvertible {
    /// The coordinator's TLS server certificate (serverAuth; SAN DNS names and IP addresses).
    case coordinator
    /// A site agent's client certificate (clientAuth; SAN URI `urn:fairuse:site:<id>`).
    case site(SiteID)
    /// An operator's client certificate (clientAuth; SAN URI `urn:fairuse:operator:<name>`).
    case `operator`(OperatorName)

    /// The file name stem in a ``PKIStore``: `coordinator`, `site-<id>` or `operator-<name>`.
    public var fileStem: String {
        switch self {
        case .coordinator: "coordinator"
        case .site(let site): "site-\(site.rawValue)"
        case .operator(let name): "operator-\(name.rawValue)"
        }
    }

    /// The principal a certificate of this role authenticates as; `nil` for the coordinator.
    public var principal: Principal? {
        switch self {
        case .coordinator: nil
        case .site(let site): .site(site)
        case .operator(let name): .operator(name)
        }
    }

    /// `coordinator`, `site <id>` or `operator <name>`.
    public var description: String {
        principal?.description ?? "coordinator"
    }
}
