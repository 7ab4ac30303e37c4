/// The syntax rules shared by the tagged identifier types.
enum IdentifierSyntax {
    /// Lowercase RFC 4648 base32 alphabet, used for generated ids.
    static let base32: [UInt8] = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    /// `[a-z0-9][a-z0-9._-]{0,62}`.
    static func isSiteID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, bytes.count <= 63, isLowerAlphanumeric(first) else { return false }
        return bytes.dropFirst().allSatisfy { isLowerAlphanumeric($0) || $0 == 46 || $0 == 95 || $0 == 45 }
    }

    /// `prefix` followed by exactly 20 lowercase base32 characters.
    static func isGenerated(_ text: String, prefix: String) -> Bool {
        let bytes = Array(text.utf8), head = Array(prefix.utf8)
        guard bytes.count == head.count + 20, bytes.starts(with: head) else { return false }
        return bytes.dropFirst(head.count).allSatisfy { base32.contains($0) }
    }

    /// `prefix` and 20 random base32 characters (100 random bits).
    static func generate<R: RandomNumberGenerator>(prefix: String, using generator: inout R) -> String {
        var text = prefix
        for _ in 0..<20 {
            text.unicodeScalars.append(Unicode.Scalar(base32[Int(generator.next(upperBound: UInt8(32)))]))
        }
        return text
    }

    static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (97...122).contains(byte) || (48...57).contains(byte)
    }

    /// The decoding error of an identifier that does not match its syntax (no value in the message).
    static func decodingError(_ codingPath: [any CodingKey], what: String, rule: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: codingPath, debugDescription: "invalid \(what)",
                             underlyingError: WireError(code: .invalidShape, message: "invalid \(what); expected \(rule)")))
    }
}
