import AuditCore
import X509

/// What a site's or an operator's client certificate says about its holder: the subject common name
/// (`fairuse site <id>`, `fairuse operator <name>`) and the one SAN URI. Issuing and request checking share it,
/// so a request is accepted exactly when it asks for what the CA would issue anyway.
struct ClientProfile {
    let role: CertificateRole
    let principal: Principal

    init(principal: Principal) {
        self.principal = principal
        switch principal {
        case .site(let site): role = .site(site)
        case .operator(let name): role = .operator(name)
        }
    }

    /// `fairuse site <id>` or `fairuse operator <name>`.
    var commonName: String {
        switch principal {
        case .site(let site): "fairuse site \(site.rawValue)"
        case .operator(let name): "fairuse operator \(name.rawValue)"
        }
    }

    /// The SAN URI `urn:fairuse:site:<id>` or `urn:fairuse:operator:<name>`.
    var alternativeName: GeneralName { .uniformResourceIdentifier(principal.uri) }
}
