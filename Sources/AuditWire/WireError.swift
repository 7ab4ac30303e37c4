import AuditCore

/// A protocol error: a code, a message for people, and the path of the offending field.
///
/// Messages name fields, shapes and counts, never data values (`STYLE.md`). Compare by ``code``.
public struct WireError: Error, Sendable, Codable, Equatable, CustomStringConvertible {
    /// What kind of problem this is.
    public var code: WireErrorCode
    /// What was expected and what was found, without data values.
    public var message: String
    /// The wire path of the offending field, e.g. `techniques[1].statistics.groups[2].wrong[0]`.
    public var field: String?

    /// Creates an error.
    public init(code: WireErrorCode, message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    /// `code (field): message`.
    public var description: String {
        field.map { "\(code) (\($0)): \(message)" } ?? "\(code): \(message)"
    }
}

/// The body of every 4xx/5xx response: `{"error": {"code", "message", "field"?}}`.
public struct ErrorBody: Sendable, Codable, Equatable {
    /// The error.
    public var error: WireError

    /// Wraps an error.
    public init(error: WireError) { self.error = error }
}

extension WireError {
    /// An identifier that does not match its rule is `invalid_shape` on the wire; the message names
    /// the rule, never the text.
    public init(_ error: IdentifierError, field: String? = nil) {
        self.init(code: .invalidShape, message: error.description, field: field)
    }
}
