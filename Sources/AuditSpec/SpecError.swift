/// A problem with an audit specification: which file, which key, which line, and what was expected.
///
/// Compare errors by ``code``; the ``message`` is for people. Spec values are configuration, not
/// patient data, so messages may quote them ("expected a number in (0, 0.5), found 0.7").
public struct SpecError: FileLocatedError, Sendable, Equatable {
    /// The kind of problem. A struct over a private enum, so that new codes can be added without
    /// breaking code that switches over them.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unreadable = "unreadable"
            case yamlSyntax = "yaml_syntax"
            case unknownKey = "unknown_key"
            case wrongType = "wrong_type"
            case missingKey = "missing_key"
            case invalidValue = "invalid_value"
            case unsupportedVersion = "unsupported_version"
            case duplicate = "duplicate"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The file could not be read (missing, unreadable, not UTF-8, too large).
        public static let unreadable = Code(.unreadable)
        /// The text is not valid YAML; the error carries the line.
        public static let yamlSyntax = Code(.yamlSyntax)
        /// A key that the spec format does not define (often a typo; the message suggests the nearest key).
        public static let unknownKey = Code(.unknownKey)
        /// A value of the wrong YAML type (a string where a number was expected, a scalar where a list was).
        public static let wrongType = Code(.wrongType)
        /// A required key is absent or has no value.
        public static let missingKey = Code(.missingKey)
        /// A value of the right type that is out of range, not an allowed value, or inconsistent with another key.
        public static let invalidValue = Code(.invalidValue)
        /// `fairuse:` names a spec format major version this build does not read.
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// The same key, list entry, or group attribute appears twice.
        public static let duplicate = Code(.duplicate)

        /// A stable, machine-readable name, e.g. `unknown_key`.
        public var description: String { base.rawValue }
    }

    /// What kind of problem this is.
    public let code: Code
    /// The spec file (or the `source` name given to ``AuditSpec/parse(yaml:source:)``).
    public let file: String
    /// The dotted key path, e.g. `tests.alpha` or `groups[1].cuts`; `nil` for whole-file problems.
    public let key: String?
    /// The 1-based line in the file, when known.
    public let line: Int?
    /// What was expected and what was found, e.g. `expected a number in (0, 0.5), found 0.7`.
    public let message: String

    /// Creates an error.
    public init(code: Code, file: String, key: String?, line: Int?, message: String) {
        self.code = code
        self.file = file
        self.key = key
        self.line = line
        self.message = message
    }
}
