/// A machine-readable protocol error code and its HTTP status (`Protocol/protocol.md` §9).
///
/// A struct over a private enum, so that codes can be added without breaking code that compares
/// them. A code this build does not know (sent by a newer peer) decodes as an unrecognized code
/// that keeps its name; its ``httpStatus`` is 500.
public struct WireErrorCode: Hashable, Sendable, Codable, CustomStringConvertible {
    private enum Base: Hashable, Sendable {
        case unsupportedVersion, malformedPayload, decompressionFailed, payloadTooLarge
        case nonFiniteNumber, inconsistentCounts, invalidShape
        case unauthenticated, forbidden, unknownSite, revokedSite, siteMismatch
        case notFound, methodNotAllowed, conflict, taskClosed, `internal`
        case unrecognized(String)
    }

    private let base: Base
    private init(_ base: Base) { self.base = base }

    /// The peer speaks a different protocol major version (400).
    public static let unsupportedVersion = WireErrorCode(.unsupportedVersion)
    /// The body is not valid JSON or does not match the message schema (400).
    public static let malformedPayload = WireErrorCode(.malformedPayload)
    /// The body is not a valid zlib stream (400).
    public static let decompressionFailed = WireErrorCode(.decompressionFailed)
    /// The body, compressed or inflated, exceeds a size or ratio limit (413).
    public static let payloadTooLarge = WireErrorCode(.payloadTooLarge)
    /// A number is NaN or infinite (422).
    public static let nonFiniteNumber = WireErrorCode(.nonFiniteNumber)
    /// Counts that must add up do not (422).
    public static let inconsistentCounts = WireErrorCode(.inconsistentCounts)
    /// An array has the wrong length or a value is outside its allowed set (422).
    public static let invalidShape = WireErrorCode(.invalidShape)
    /// No valid client certificate or token (401).
    public static let unauthenticated = WireErrorCode(.unauthenticated)
    /// The caller may not perform this call (403).
    public static let forbidden = WireErrorCode(.forbidden)
    /// The certificate names a site that is not registered (403).
    public static let unknownSite = WireErrorCode(.unknownSite)
    /// The site is registered but revoked (403).
    public static let revokedSite = WireErrorCode(.revokedSite)
    /// The message names a site other than the authenticated one (403).
    public static let siteMismatch = WireErrorCode(.siteMismatch)
    /// No such audit, task or site (404).
    public static let notFound = WireErrorCode(.notFound)
    /// The path exists but not with this method; the response's `Allow` lists its methods (405).
    public static let methodNotAllowed = WireErrorCode(.methodNotAllowed)
    /// The request contradicts the stored state, e.g. a different result for the same task (409).
    public static let conflict = WireErrorCode(.conflict)
    /// The task no longer accepts results or refusals (expired, cancelled, completed) (409).
    public static let taskClosed = WireErrorCode(.taskClosed)
    /// An unexpected server-side failure (500).
    public static let `internal` = WireErrorCode(.internal)

    /// Every code this build defines, in the order of the protocol's table.
    public static let allKnown: [WireErrorCode] = [
        .unsupportedVersion, .malformedPayload, .decompressionFailed, .payloadTooLarge,
        .nonFiniteNumber, .inconsistentCounts, .invalidShape,
        .unauthenticated, .forbidden, .unknownSite, .revokedSite, .siteMismatch,
        .notFound, .methodNotAllowed, .conflict, .taskClosed, .internal,
    ]

    /// Looks up a code by its wire name; unknown names give an unrecognized code that keeps the name.
    public init(name: String) {
        self = Self.allKnown.first { $0.name == name } ?? WireErrorCode(.unrecognized(name))
    }

    /// The wire name, e.g. `payload_too_large`.
    public var name: String {
        switch base {
        case .unsupportedVersion: "unsupported_version"
        case .malformedPayload: "malformed_payload"
        case .decompressionFailed: "decompression_failed"
        case .payloadTooLarge: "payload_too_large"
        case .nonFiniteNumber: "non_finite_number"
        case .inconsistentCounts: "inconsistent_counts"
        case .invalidShape: "invalid_shape"
        case .unauthenticated: "unauthenticated"
        case .forbidden: "forbidden"
        case .unknownSite: "unknown_site"
        case .revokedSite: "revoked_site"
        case .siteMismatch: "site_mismatch"
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .conflict: "conflict"
        case .taskClosed: "task_closed"
        case .internal: "internal"
        case .unrecognized(let name): name
        }
    }

    /// The HTTP status a coordinator answers with (500 for an unrecognized code).
    public var httpStatus: Int {
        switch base {
        case .unsupportedVersion, .malformedPayload, .decompressionFailed: 400
        case .unauthenticated: 401
        case .forbidden, .unknownSite, .revokedSite, .siteMismatch: 403
        case .notFound: 404
        case .methodNotAllowed: 405
        case .conflict, .taskClosed: 409
        case .payloadTooLarge: 413
        case .nonFiniteNumber, .inconsistentCounts, .invalidShape: 422
        case .internal, .unrecognized: 500
        }
    }

    /// Whether this build defines the code.
    public var isKnown: Bool {
        if case .unrecognized = base { return false }
        return true
    }

    /// The wire name.
    public var description: String { name }

    /// Decodes the wire name (a JSON string).
    public init(from decoder: any Decoder) throws {
        self.init(name: try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the wire name (a JSON string).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
