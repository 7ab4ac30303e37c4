/// A problem with a configuration file (`agent.yaml`, `coordinator.yaml`): which file, which key,
/// which line, and what was expected — the same shape as ``SpecError``.
///
/// Compare errors by ``code``; the ``message`` is for people. A message may quote configuration
/// values (paths, URLs, names), never data read from a data source, and never a token.
public struct ConfigurationError: FileLocatedError, Sendable, Equatable {
    /// The kind of problem. A struct over a private enum, so that new codes can be added without
    /// breaking code that switches over them. The names match ``SpecError/Code``'s.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unreadable = "unreadable"
            case yamlSyntax = "yaml_syntax"
            case unknownKey = "unknown_key"
            case wrongType = "wrong_type"
            case missingKey = "missing_key"
            case invalidValue = "invalid_value"
            case duplicate = "duplicate"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The file could not be read (missing, unreadable, not UTF-8, too large).
        public static let unreadable = Code(.unreadable)
        /// The text is not valid YAML; the error carries the line.
        public static let yamlSyntax = Code(.yamlSyntax)
        /// A key the file format does not define (often a typo; the message suggests the nearest key).
        public static let unknownKey = Code(.unknownKey)
        /// A value of the wrong YAML type (a string where a number was expected, a scalar where a mapping was).
        public static let wrongType = Code(.wrongType)
        /// A required key is absent or has no value.
        public static let missingKey = Code(.missingKey)
        /// A value of the right type that is out of range, not an allowed value, or inconsistent with another key.
        public static let invalidValue = Code(.invalidValue)
        /// The same key or list entry appears twice.
        public static let duplicate = Code(.duplicate)

        /// The code with the same name as a spec error's (the readers share their parser).
        init(spec code: SpecError.Code) {
            self.init(Base(rawValue: code.description) ?? .invalidValue)
        }

        /// A stable, machine-readable name, e.g. `unknown_key`.
        public var description: String { base.rawValue }
    }

    /// What kind of problem this is.
    public let code: Code
    /// The configuration file (or the `file` name given to the parser).
    public let file: String
    /// The dotted key path, e.g. `tls.key` or `researchers[1].name`; `nil` for whole-file problems.
    public let key: String?
    /// The 1-based line in the file, when known.
    public let line: Int?
    /// What was expected and what was found.
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
