/// A site's identifier as it appears in its certificate (`urn:fairuse:site:<id>`) and file names.
///
/// Valid ids match `[a-z0-9][a-z0-9._-]{0,62}`: lowercase, at most 63 characters, safe in a URN, a
/// file name and a log line without escaping.
public struct SiteIdentity: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The id, e.g. `st-olav`.
    public let id: String

    /// Validates and wraps a site id; throws ``PKIError/Code/invalidIdentifier`` when it does not match the pattern.
    public init(_ id: String) throws(PKIError) {
        guard Identifier.isValid(id) else {
            throw PKIError(code: .invalidIdentifier, message: Identifier.problem(id, kind: "site id"))
        }
        self.id = id
    }

    /// The SAN URI that names this site, `urn:fairuse:site:<id>`.
    public var uri: String { Identifier.sitePrefix + id }

    /// The id itself.
    public var description: String { id }

    /// Orders by id.
    public static func < (lhs: SiteIdentity, rhs: SiteIdentity) -> Bool { lhs.id < rhs.id }
}

/// The shared syntax of site ids and operator names.
enum Identifier {
    static let urnPrefix = "urn:fairuse:"
    static let sitePrefix = "urn:fairuse:site:"
    static let operatorPrefix = "urn:fairuse:operator:"
    static let pattern = "[a-z0-9][a-z0-9._-]{0,62}"

    /// Whether `text` matches `[a-z0-9][a-z0-9._-]{0,62}`.
    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...63).contains(bytes.count) else { return false }
        for (index, byte) in bytes.enumerated() {
            let alnum = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            let punctuation = byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            if !(alnum || (index > 0 && punctuation)) { return false }
        }
        return true
    }

    /// A message naming the rule and quoting the offending text.
    static func problem(_ text: String, kind: String) -> String {
        "expected a \(kind) matching \(pattern), found \(quoted(text))"
    }

    /// `text` in quotes for a message: at most 80 characters, anything but printable ASCII shown as `?`,
    /// so that a hostile certificate cannot inject lines into a log.
    static func quoted(_ text: String) -> String {
        var shown = String(text.unicodeScalars.prefix(80).map { scalar -> Character in
            (0x20...0x7e).contains(scalar.value) && scalar != "\"" ? Character(scalar) : "?"
        })
        if text.unicodeScalars.count > 80 { shown += "…" }
        return "\"" + shown + "\""
    }
}
