import AuditCore
import Crypto
import SwiftASN1
import X509

/// A PKCS#10 certificate request from a site or an operator, checked against what the federation CA issues.
///
/// Sites and operators make their key pair themselves (`fairuse pki request`) and send only this request; the
/// private key never leaves the machine that made it. The operator's `fairuse pki sign` reads the request with
/// ``init(pem:path:)``, which accepts it only if it asks for exactly what ``CertificateAuthority/issueSite(_:validity:)``
/// or ``CertificateAuthority/issueOperator(name:validity:)`` would issue: a valid self-signature, a P-256 key, the
/// subject `CN=fairuse site <id>` or `CN=fairuse operator <name>` with an id that meets the naming rules, and at
/// most one requested extension, a subjectAltName holding that principal's `urn:fairuse:` URI and nothing else.
/// The CA decides the rest of the profile (usages, validity), so a request cannot ask for a CA certificate,
/// serverAuth, other names or a second role.
public struct CertificateRequest: Sendable {
    /// Whom the certificate will name.
    public let principal: Principal
    /// The requester's public key, which the certificate will carry.
    public let publicKey: Certificate.PublicKey
    /// The request as received.
    let request: CertificateSigningRequest

    /// The role of the certificate the request asks for.
    public var role: CertificateRole { ClientProfile(principal: principal).role }

    /// Reads and checks a PEM `CERTIFICATE REQUEST`; every refusal is ``PKIError/Code/invalidRequest`` (or
    /// ``PKIError/Code/unreadable``), names `path` and says what was expected.
    public init(pem: String, path: String? = nil) throws(PKIError) {
        let request: CertificateSigningRequest
        do {
            request = try CertificateSigningRequest(pemEncoded: pem)
        } catch {
            throw PKIError(code: .unreadable, message: "expected a PEM \"CERTIFICATE REQUEST\" block (PKCS#10): \(error)", path: path)
        }
        try self.init(checking: request, path: path)
    }

    private init(checking request: CertificateSigningRequest, path: String?) throws(PKIError) {
        func refuse(_ message: String) -> PKIError { PKIError(code: .invalidRequest, message: message, path: path) }
        guard request.publicKey.isValidSignature(request.signature, for: request) else {
            throw refuse("expected a request signed with its own key, found a signature that does not verify")
        }
        guard P256.Signing.PublicKey(request.publicKey) != nil else {
            throw refuse("expected a P-256 (prime256v1) public key, found \(Identifier.quoted(String(describing: request.publicKey)))")
        }
        let principal = try Self.principal(ofSubject: request.subject, refuse: refuse)
        try Self.checkAttributes(request.attributes, for: principal, refuse: refuse)
        self.principal = principal
        self.publicKey = request.publicKey
        self.request = request
    }

    /// Makes a fresh P-256 key and a request for `principal`, signed with it. Returns the request and the key's
    /// PKCS#8 PEM, which the caller writes with mode 0600 and never sends.
    public static func generate(for principal: Principal) throws(PKIError) -> (request: CertificateRequest, privateKeyPEM: String) {
        let key = P256.Signing.PrivateKey()
        let profile = ClientProfile(principal: principal)
        let request: CertificateSigningRequest
        do {
            let subject = try CertificateAuthority.distinguishedName(commonName: profile.commonName, organization: nil)
            let extensions = try Certificate.Extensions { SubjectAlternativeNames([profile.alternativeName]) }
            let attributes = CertificateSigningRequest.Attributes(
                [try CertificateSigningRequest.Attribute(ExtensionRequest(extensions: extensions))])
            request = try CertificateSigningRequest(
                version: .v1, subject: subject, privateKey: Certificate.PrivateKey(key), attributes: attributes,
                signatureAlgorithm: .ecdsaWithSHA256)
        } catch let error as PKIError {
            throw error
        } catch {
            throw PKIError(code: .encodingFailed, message: "could not encode or sign the request for \(principal): \(error)")
        }
        return (try CertificateRequest(checking: request, path: nil), KeyCoding.pem(key))
    }

    /// The request as PEM (`-----BEGIN CERTIFICATE REQUEST-----`), what the requester sends to the operator.
    public var pem: String {
        var serializer = DER.Serializer()
        // A request built or parsed successfully always serialises.
        try! serializer.serialize(request)
        return PEMDocument(type: "CERTIFICATE REQUEST", derBytes: serializer.serializedBytes).pemString + "\n"
    }

    /// The principal a subject names: exactly one attribute, a common name `fairuse site <id>` or
    /// `fairuse operator <name>`.
    private static func principal(ofSubject subject: DistinguishedName, refuse: (String) -> PKIError) throws(PKIError) -> Principal {
        let expected = "expected the subject \"CN=fairuse site <id>\" or \"CN=fairuse operator <name>\""
        let attributes = subject.flatMap { Array($0) }
        guard attributes.count == 1, let attribute = attributes.first, attribute.type == .RDNAttributeType.commonName,
              let commonName = String(attribute.value)
        else {
            throw refuse("\(expected) and nothing else, found \(Identifier.quoted(String(describing: subject)))")
        }
        for (prefix, make) in [("fairuse site ", { (id: String) throws(PKIError) -> Principal in .site(try SiteID(certificateName: id)) }),
                               ("fairuse operator ", { (id: String) throws(PKIError) -> Principal in .operator(try OperatorName(certificateName: id)) })]
        where commonName.hasPrefix(prefix) {
            do {
                return try make(String(commonName.dropFirst(prefix.count)))
            } catch {
                throw refuse("in the subject's common name: \(error.message)")
            }
        }
        throw refuse("\(expected), found \(Identifier.quoted(commonName))")
    }

    /// `basicConstraints (2.5.29.19)` for the extensions a request is most likely to ask for, else the dotted OID.
    private static func name(of oid: ASN1ObjectIdentifier) -> String {
        let known: [ASN1ObjectIdentifier: String] = [
            .X509ExtensionID.basicConstraints: "basicConstraints", .X509ExtensionID.keyUsage: "keyUsage",
            .X509ExtensionID.extendedKeyUsage: "extendedKeyUsage", .X509ExtensionID.nameConstraints: "nameConstraints",
            .X509ExtensionID.subjectKeyIdentifier: "subjectKeyIdentifier",
        ]
        return known[oid].map { "\($0) (\(oid))" } ?? "\(oid)"
    }

    /// Allows no attribute but an extension request, and in it no extension but a subjectAltName whose only
    /// name is the principal's URI.
    private static func checkAttributes(
        _ attributes: CertificateSigningRequest.Attributes, for principal: Principal, refuse: (String) -> PKIError
    ) throws(PKIError) {
        for attribute in attributes where attribute.oid != .CSRAttributes.extensionRequest {
            throw refuse("expected no request attribute other than extensionRequest, found \(attribute.oid)")
        }
        let requested: ExtensionRequest?
        do { requested = try attributes.extensionRequest } catch {
            throw refuse("expected a readable extensionRequest attribute: \(error)")
        }
        guard let requested else { return }
        for requestedExtension in requested.extensions where requestedExtension.oid != .X509ExtensionID.subjectAlternativeName {
            throw refuse("expected no requested extension but subjectAltName \(Identifier.quoted(principal.uri)) "
                         + "(the CA sets usages and constraints itself), found extension \(Self.name(of: requestedExtension.oid))")
        }
        guard let extensionValue = requested.extensions[oid: .X509ExtensionID.subjectAlternativeName] else { return }
        let names: SubjectAlternativeNames
        do { names = try SubjectAlternativeNames(extensionValue) } catch {
            throw refuse("expected a readable subjectAltName: \(error)")
        }
        guard Array(names) == [.uniformResourceIdentifier(principal.uri)] else {
            let found = names.map { Identifier.quoted(String(describing: $0)) }.joined(separator: ", ")
            throw refuse("expected the subjectAltName to hold only \(Identifier.quoted(principal.uri)), found \(found.isEmpty ? "none" : found)")
        }
    }
}
