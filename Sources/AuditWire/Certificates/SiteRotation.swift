import Foundation

/// `POST /v1/sites/{site}/rotate`: the site's new certificate, and how long its current one stays accepted.
public struct SiteRotation: Sendable, Codable, Equatable {
    /// SHA-256 of the new certificate's DER encoding, 64 lowercase hex digits.
    public var certificateFingerprintSHA256: String
    /// Seconds the current certificate is still accepted (0 … 90 days); it is revoked earlier, at the new
    /// certificate's first use.
    public var overlapSeconds: Int

    /// The longest overlap window: 90 days.
    public static let maximumOverlapSeconds = 90 * 86_400

    enum CodingKeys: String, CodingKey {
        // The snake-case key strategy turns this into `certificate_fingerprint_sha256` and back.
        case certificateFingerprintSHA256 = "certificateFingerprintSha256"
        case overlapSeconds
    }

    /// Creates a rotation.
    public init(certificateFingerprintSHA256: String, overlapSeconds: Int) {
        self.certificateFingerprintSHA256 = certificateFingerprintSHA256
        self.overlapSeconds = overlapSeconds
    }

    /// Checks the fingerprint's form and the window's range (`invalid_shape` naming the field).
    public func validate() throws(WireError) {
        guard WireDigest.isSHA256Hex(certificateFingerprintSHA256) else {
            throw WireError(code: .invalidShape, message: "expected 64 lowercase hex digits", field: "certificate_fingerprint_sha256")
        }
        guard (0...Self.maximumOverlapSeconds).contains(overlapSeconds) else {
            throw WireError(code: .invalidShape, message: "expected 0 … \(Self.maximumOverlapSeconds) seconds (90 days), found \(overlapSeconds)",
                            field: "overlap_seconds")
        }
    }
}
