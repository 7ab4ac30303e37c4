/// A protocol version `major.minor` (`Protocol/protocol.md` §3).
///
/// Peers with the same major interoperate: a minor version only adds optional fields, which older
/// peers ignore. A different major is refused with `unsupported_version`. On the wire it is the
/// string `"2.1"`, both in the `Fairuse-Protocol` header and in the hello messages.
public struct ProtocolVersion: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    /// Incompatible changes bump the major.
    public var major: Int
    /// Compatible additions bump the minor.
    public var minor: Int

    /// The version this build speaks: 3.0 (2.0 replaced the bootstrap replicates by calibration moments;
    /// 2.1 listed the task state `cancelled`; 3.0 binds results to the root seed, replaces free-text
    /// suppression reasons by a closed vocabulary, and adds the ledger head to requests and receipts).
    public static let current = ProtocolVersion(major: 3, minor: 0)

    /// Creates a version.
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// Parses `"2.0"`: two non-negative decimal integers (at most 6 digits each) joined by a dot.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2,
              let major = Self.component(parts[0]), let minor = Self.component(parts[1]) else { return nil }
        self.init(major: major, minor: minor)
    }

    private static func component(_ text: Substring) -> Int? {
        guard (1...6).contains(text.count), text.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        return Int(text)
    }

    /// `major.minor`.
    public var description: String { "\(major).\(minor)" }

    /// Orders by major, then minor.
    public static func < (a: ProtocolVersion, b: ProtocolVersion) -> Bool {
        (a.major, a.minor) < (b.major, b.minor)
    }

    /// Whether a peer at `self` can talk to this build: same major as ``current``.
    public var isSupported: Bool { major == Self.current.major }

    /// Throws `unsupported_version` unless the peer's version has this build's major.
    public func checkSupported(field: String? = nil) throws(WireError) {
        guard isSupported else {
            throw WireError(code: .unsupportedVersion,
                            message: "protocol version \(self) is not supported; this peer speaks \(Self.current.major).x",
                            field: field)
        }
    }

    /// Checks the `Fairuse-Protocol` header of a request: it must be present, well formed and of
    /// this build's major. Returns the peer's version.
    public static func checkHeader(_ value: String?) throws(WireError) -> ProtocolVersion {
        guard let value else {
            throw WireError(code: .unsupportedVersion,
                            message: "missing \(WireHeader.protocolVersion) header; expected \(current)")
        }
        guard let version = ProtocolVersion(value.trimmingSpaces()) else {
            throw WireError(code: .unsupportedVersion, message:
                "malformed \(WireHeader.protocolVersion) header; expected major.minor such as \(current)")
        }
        try version.checkSupported()
        return version
    }

    /// Decodes `"major.minor"`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let version = ProtocolVersion(text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "expected a protocol version such as \"1.0\"",
                underlyingError: WireError(code: .unsupportedVersion,
                                           message: "expected a protocol version of the form major.minor")))
        }
        self = version
    }

    /// Encodes `"major.minor"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Names of the HTTP headers the protocol defines or relies on.
public enum WireHeader {
    /// The sender's protocol version, on every request and response: `Fairuse-Protocol: 1.0`.
    public static let protocolVersion = "Fairuse-Protocol"
    /// SHA-256 (lowercase hex) of the uncompressed JSON body of a result or refusal.
    public static let idempotencyKey = "Idempotency-Key"
    /// `deflate` (a zlib stream, RFC 1950) or absent (plain JSON).
    public static let contentEncoding = "Content-Encoding"
    /// The agent's egress-ledger head for the request (``LedgerHead``): `Fairuse-Ledger-Head: 12:9f86…`.
    public static let ledgerHead = "Fairuse-Ledger-Head"
    /// `application/json` for every message body.
    public static let contentType = "Content-Type"
    /// The media type of every message body.
    public static let jsonMediaType = "application/json"
}

extension String {
    /// The text without leading and trailing spaces and tabs (header values).
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let end = scalars.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        return String(scalars[start...end])
    }
}
