/// The syntax rules shared by the identifier types, in one place so that the wire, the PKI and the
/// store agree on what a valid id is.
public enum IdentifierSyntax {
    /// Lowercase RFC 4648 base32 alphabet, used for generated ids.
    static let base32: [UInt8] = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    /// The rule of a site id or an operator name.
    public static let name = "[a-z0-9][a-z0-9._-]{0,62}"

    /// `[a-z0-9][a-z0-9._-]{0,62}`: lowercase, at most 63 characters, safe in a URN, a file name and a
    /// log line without escaping.
    public static func isName(_ text: String) -> Bool {
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

    /// The decoding error of an identifier that does not match its syntax; the underlying
    /// ``IdentifierError`` names the rule, never the value.
    static func decodingError(_ codingPath: [any CodingKey], what: String, rule: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: codingPath, debugDescription: "invalid \(what)",
                             underlyingError: IdentifierError(what: what, rule: rule)))
    }
}

/// A text that is not a valid identifier. The message names the kind and the rule, never the text,
/// so it is safe on the wire and in logs; callers that may quote the text (the PKI, for an operator at
/// a terminal) wrap it.
public struct IdentifierError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was expected, e.g. `site id`.
    public let what: String
    /// The rule, e.g. `[a-z0-9][a-z0-9._-]{0,62}`.
    public let rule: String

    /// Creates the error.
    public init(what: String, rule: String) {
        self.what = what
        self.rule = rule
    }

    /// `invalid site id; expected [a-z0-9][a-z0-9._-]{0,62}`.
    public var description: String { "invalid \(what); expected \(rule)" }
}

/// The shared shape of the string-backed identifiers: validated on creation and on decoding.
public protocol ValidatedIdentifier: Hashable, Comparable, Sendable, Codable, CustomStringConvertible,
    RawRepresentable where RawValue == String {
    /// What the id names, for messages (`site id`).
    static var what: String { get }
    /// The rule, for messages and documentation.
    static var syntax: String { get }
}

extension ValidatedIdentifier {
    /// The identifier, or an ``IdentifierError`` naming the rule when `text` does not match it.
    public init(validating text: String) throws(IdentifierError) {
        guard let id = Self(rawValue: text) else { throw IdentifierError(what: Self.what, rule: Self.syntax) }
        self = id
    }

    /// The identifier text.
    public var description: String { rawValue }

    /// Orders by text.
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    /// Decodes and validates a JSON string.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = Self(rawValue: text) else {
            throw IdentifierSyntax.decodingError(decoder.codingPath, what: Self.what, rule: Self.syntax)
        }
        self = id
    }

    /// Encodes a JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// An id the coordinator generates: a prefix and 20 random base32 characters (100 bits).
public protocol GeneratedIdentifier: ValidatedIdentifier {
    /// The prefix, e.g. `aud_`.
    static var prefix: String { get }
}

extension GeneratedIdentifier {
    /// A new random id drawn from `generator`.
    public static func generate<R: RandomNumberGenerator>(using generator: inout R) -> Self {
        // Valid by construction: the prefix and 20 characters of the base32 alphabet.
        Self(rawValue: IdentifierSyntax.generate(prefix: prefix, using: &generator))!
    }

    /// A new random id from the system's secure generator.
    public static func generate() -> Self {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }
}
