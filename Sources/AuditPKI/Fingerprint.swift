import Crypto
import SwiftASN1
import X509

/// The SHA-256 fingerprint of a certificate's DER encoding: the key of the coordinator's site registry.
///
/// ``hex`` is 64 lowercase hexadecimal digits without separators (the form stored and compared);
/// ``colonSeparated`` is the `aa:bb:…` form people read and compare with `openssl x509 -fingerprint -sha256`.
public struct Fingerprint: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// 64 lowercase hexadecimal digits, e.g. `3f9a…`.
    public let hex: String

    private init(hex: String) { self.hex = hex }

    /// Parses a fingerprint typed by a person: 64 hex digits, any case, optionally separated by `:`; `nil` otherwise.
    public init?(_ text: String) {
        var digits = ""
        for character in text where character != ":" {
            guard character.isASCII, character.isHexDigit else { return nil }
            digits.append(Character(character.lowercased()))
        }
        guard digits.count == 64 else { return nil }
        self.init(hex: digits)
    }

    /// The fingerprint of DER-encoded certificate bytes (the bytes are hashed as given, not re-encoded).
    public static func sha256(ofDER der: some Sequence<UInt8>) -> Fingerprint {
        let digest = SHA256.hash(data: Array(der))
        return Fingerprint(hex: Self.hexString(digest))
    }

    /// The fingerprint of a certificate, computed over its DER encoding.
    public static func sha256(of certificate: Certificate) -> Fingerprint {
        sha256(ofDER: certificate.derBytes)
    }

    /// The `aa:bb:cc:…` form for people (lowercase, 32 pairs).
    public var colonSeparated: String {
        var out = ""
        out.reserveCapacity(95)
        for (index, character) in hex.enumerated() {
            if index > 0, index % 2 == 0 { out.append(":") }
            out.append(character)
        }
        return out
    }

    /// The 64-digit lowercase hex form, as stored in the registry.
    public var description: String { hex }

    /// Orders by the hex form.
    public static func < (lhs: Fingerprint, rhs: Fingerprint) -> Bool { lhs.hex < rhs.hex }

    private static func hexString(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Certificate {
    /// The DER encoding of this certificate.
    ///
    /// A certificate parsed from DER re-serialises to the same bytes (swift-certificates keeps the
    /// signed bytes), so fingerprints of parsed and of freshly issued certificates agree.
    var derBytes: [UInt8] {
        var serializer = DER.Serializer()
        // Serialising a Certificate value that was built or parsed successfully cannot fail.
        try! serializer.serialize(self)
        return serializer.serializedBytes
    }
}

extension Fingerprint: Codable {
    /// Decodes the string form; accepts what ``init(_:)`` accepts (any case, optional colons).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let fingerprint = Fingerprint(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "expected a SHA-256 fingerprint of 64 hex digits, optionally colon-separated"
            )
        }
        self = fingerprint
    }

    /// Encodes the 64-digit lowercase hex form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
