/// A site's identifier, `[a-z0-9][a-z0-9._-]{0,62}` (e.g. `st-olav`), as named in its client
/// certificate (`urn:fairuse:site:<id>`) and in the site registry.
public struct SiteID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible, RawRepresentable {
    /// The identifier text.
    public let rawValue: String

    /// The rule, for messages and documentation.
    public static let syntax = "[a-z0-9][a-z0-9._-]{0,62}"

    /// The identifier, or nil when `rawValue` does not match ``syntax``.
    public init?(rawValue: String) {
        guard IdentifierSyntax.isSiteID(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// The identifier, or `invalid_shape` when `text` does not match ``syntax``.
    public init(validating text: String) throws(WireError) {
        guard let id = SiteID(rawValue: text) else {
            throw WireError(code: .invalidShape, message: "invalid site id; expected \(Self.syntax)")
        }
        self = id
    }

    /// The identifier text.
    public var description: String { rawValue }

    /// Orders by text.
    public static func < (a: SiteID, b: SiteID) -> Bool { a.rawValue < b.rawValue }

    /// Decodes and validates a JSON string.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = SiteID(rawValue: text) else {
            throw IdentifierSyntax.decodingError(decoder.codingPath, what: "site id", rule: Self.syntax)
        }
        self = id
    }

    /// Encodes a JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
