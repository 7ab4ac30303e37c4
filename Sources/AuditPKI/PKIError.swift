/// A problem with a certificate, a key, or a PKI file: what kind, what was expected, and where.
///
/// Compare errors by ``code``; the ``message`` is for people. Messages name identities, certificate
/// subjects, fingerprints and file paths; they never contain private key material.
public struct PKIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of problem. A struct over a private enum, so that new codes can be added without
    /// breaking code that switches over them.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unreadable = "unreadable"
            case missingPrincipal = "missing_principal"
            case ambiguousPrincipal = "ambiguous_principal"
            case wrongKeyUsage = "wrong_key_usage"
            case invalidIdentifier = "invalid_identifier"
            case expired = "expired"
            case notYetValid = "not_yet_valid"
            case untrustedIssuer = "untrusted_issuer"
            case invalidValidity = "invalid_validity"
            case invalidName = "invalid_name"
            case keyMismatch = "key_mismatch"
            case notCertificateAuthority = "not_certificate_authority"
            case alreadyExists = "already_exists"
            case unwritable = "unwritable"
            case encodingFailed = "encoding_failed"
            case invalidRequest = "invalid_request"
            case revoked = "revoked"
            case invalidRevocationList = "invalid_revocation_list"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A certificate or key could not be read or decoded (missing file, not PEM/DER, unsupported key type).
        public static let unreadable = Code(.unreadable)
        /// The certificate carries no `urn:fairuse:site:` or `urn:fairuse:operator:` SAN URI.
        public static let missingPrincipal = Code(.missingPrincipal)
        /// The certificate carries more than one `urn:fairuse:` SAN URI.
        public static let ambiguousPrincipal = Code(.ambiguousPrincipal)
        /// The extended key usage (clientAuth/serverAuth), key usage or CA flag does not fit the use.
        public static let wrongKeyUsage = Code(.wrongKeyUsage)
        /// A site id or operator name does not match `[a-z0-9][a-z0-9._-]{0,62}`, or a fairuse URI is malformed.
        public static let invalidIdentifier = Code(.invalidIdentifier)
        /// A certificate in the chain was no longer valid at the verification time.
        public static let expired = Code(.expired)
        /// A certificate in the chain was not yet valid at the verification time.
        public static let notYetValid = Code(.notYetValid)
        /// The certificate was not issued (signed) by the federation CA, or the chain to it is invalid.
        public static let untrustedIssuer = Code(.untrustedIssuer)
        /// A requested validity period is empty or falls outside the issuing CA's validity.
        public static let invalidValidity = Code(.invalidValidity)
        /// A DNS name, IP address or common name given for a certificate is not acceptable.
        public static let invalidName = Code(.invalidName)
        /// A private key does not belong to the certificate it was loaded with.
        public static let keyMismatch = Code(.keyMismatch)
        /// A certificate loaded as the federation CA is not a CA certificate.
        public static let notCertificateAuthority = Code(.notCertificateAuthority)
        /// A file would be overwritten and `overwrite: true` was not given.
        public static let alreadyExists = Code(.alreadyExists)
        /// A file or directory could not be created or written.
        public static let unwritable = Code(.unwritable)
        /// A certificate could not be encoded or signed (not expected with valid input; a bug to report).
        public static let encodingFailed = Code(.encodingFailed)
        /// A certificate request asks for something the CA does not issue (subject, key, extensions) or is not self-signed.
        public static let invalidRequest = Code(.invalidRequest)
        /// The certificate's serial is listed in the federation CA's revocation list.
        public static let revoked = Code(.revoked)
        /// A revocation list is unreadable, not signed by the federation CA, or outside its validity.
        public static let invalidRevocationList = Code(.invalidRevocationList)

        /// A stable, machine-readable name, e.g. `wrong_key_usage`.
        public var description: String { base.rawValue }
    }

    /// What kind of problem this is.
    public let code: Code
    /// What was expected and what was found, e.g. `expected extendedKeyUsage clientAuth, found serverAuth`.
    public let message: String
    /// The file involved, when the problem concerns a file on disk.
    public let path: String?

    /// Creates an error.
    public init(code: Code, message: String, path: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
    }

    /// `path: message`, or just the message when no file is involved.
    public var description: String {
        if let path { return "\(path): \(message)" }
        return message
    }
}
