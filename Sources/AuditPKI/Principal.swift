import AuditCore
import SwiftASN1
import X509

/// Who a client certificate speaks for: one site or one operator, named by its single `urn:fairuse:` SAN URI.
///
/// Parsing a principal checks the certificate's structure only (clientAuth, end-entity, exactly one fairuse
/// URI, a valid id). It does not check who signed it or when it is valid: on a connection, use
/// ``verifyClientChain(leafDER:caCertificate:at:)``, which checks the chain first and then parses.
public enum Principal: Hashable, Sendable, CustomStringConvertible {
    /// A site agent, `urn:fairuse:site:<id>`.
    case site(SiteID)
    /// An operator, `urn:fairuse:operator:<name>`.
    case `operator`(OperatorName)

    /// Parses one fairuse URI, `urn:fairuse:site:<id>` or `urn:fairuse:operator:<name>`.
    public init(uri: String) throws(PKIError) {
        if uri.hasPrefix(Identifier.sitePrefix) {
            self = .site(try SiteID(certificateName: String(uri.dropFirst(Identifier.sitePrefix.count))))
        } else if uri.hasPrefix(Identifier.operatorPrefix) {
            self = .operator(try OperatorName(certificateName: String(uri.dropFirst(Identifier.operatorPrefix.count))))
        } else {
            throw PKIError(
                code: .invalidIdentifier,
                message: "expected \(Identifier.sitePrefix)<id> or \(Identifier.operatorPrefix)<name>, "
                    + "found \(Identifier.quoted(uri))"
            )
        }
    }

    /// Extracts the principal of a client certificate (structure only; see the type's documentation).
    public init(certificate: Certificate) throws(PKIError) {
        try Self.requireClientUsage(certificate)
        let uris = try Self.fairuseURIs(of: certificate)
        guard let uri = uris.first else {
            throw PKIError(
                code: .missingPrincipal,
                message: "expected one SAN URI \(Identifier.sitePrefix)<id> or \(Identifier.operatorPrefix)<name> "
                    + "in \(CertificateCoding.describe(certificate)), found none"
            )
        }
        guard uris.count == 1 else {
            throw PKIError(
                code: .ambiguousPrincipal,
                message: "expected exactly one urn:fairuse: SAN URI in \(CertificateCoding.describe(certificate)), found "
                    + "\(uris.count): " + uris.map(Identifier.quoted).joined(separator: ", ")
            )
        }
        try self.init(uri: uri)
    }

    /// Extracts the principal of a DER-encoded client certificate (structure only).
    public init(derEncoded der: [UInt8]) throws(PKIError) {
        try self.init(certificate: CertificateCoding.certificate(der: der))
    }

    /// Extracts the principal of a PEM-encoded client certificate (structure only).
    public init(pemEncoded pem: String) throws(PKIError) {
        try self.init(certificate: CertificateCoding.certificate(pem: pem))
    }

    /// The SAN URI that names this principal.
    public var uri: String {
        switch self {
        case .site(let site): site.uri
        case .operator(let name): name.uri
        }
    }

    /// `site <id>` or `operator <name>`.
    public var description: String {
        switch self {
        case .site(let site): "site \(site.rawValue)"
        case .operator(let name): "operator \(name.rawValue)"
        }
    }

    /// Throws ``PKIError/Code/wrongKeyUsage`` unless `certificate` is an end-entity certificate for TLS clients.
    static func requireClientUsage(_ certificate: Certificate) throws(PKIError) {
        try CertificateCoding.requireEndEntity(certificate, purpose: .clientAuth)
    }

    /// Every SAN URI whose scheme and namespace are `urn:fairuse:` (compared case-insensitively, so that a
    /// differently cased second URI still counts as ambiguous rather than being ignored).
    static func fairuseURIs(of certificate: Certificate) throws(PKIError) -> [String] {
        let names: SubjectAlternativeNames?
        do {
            names = try certificate.extensions.subjectAlternativeNames
        } catch {
            throw PKIError(code: .unreadable, message: "could not decode the subjectAltName extension: \(error)")
        }
        return (names ?? SubjectAlternativeNames()).compactMap { name -> String? in
            guard case .uniformResourceIdentifier(let uri) = name,
                uri.lowercased().hasPrefix(Identifier.urnPrefix)
            else { return nil }
            return uri
        }
    }
}
