import AuditCore

/// `POST /v1/sites`: register a site by the SHA-256 fingerprint of its client certificate.
public struct SiteRegistration: Sendable, Codable, Equatable {
    /// The site; its certificate must carry the SAN URI `urn:fairuse:site:<site>`.
    public var site: SiteID
    /// SHA-256 of the certificate's DER encoding, 64 lowercase hex digits.
    public var certificateFingerprintSHA256: String

    /// Creates a registration.
    public init(site: SiteID, certificateFingerprintSHA256: String) {
        self.site = site
        self.certificateFingerprintSHA256 = certificateFingerprintSHA256
    }

    /// Throws `invalid_shape` unless the fingerprint is 64 lowercase hex digits.
    public func validate() throws(WireError) {
        guard WireDigest.isSHA256Hex(certificateFingerprintSHA256) else {
            throw WireError(code: .invalidShape, message: "expected 64 lowercase hex digits",
                            field: "certificate_fingerprint_sha256")
        }
    }

    enum CodingKeys: String, CodingKey {
        case site
        // The snake-case key strategy turns this into `certificate_fingerprint_sha256` and back.
        case certificateFingerprintSHA256 = "certificateFingerprintSha256"
    }
}
