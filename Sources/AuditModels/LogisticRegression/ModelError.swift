/// A model-fitting problem, as a value with a code (struct over a private enum), never a crash.
///
/// Privacy rule: messages name rows and columns by index and describe the kind of problem;
/// they never quote a data value.
public struct ModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of problem. A struct over a private enum so that codes can be added without
    /// breaking code that matches on them.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Hashable, Sendable {
            case singleClass, noRows, shapeMismatch, nonFinite, invalidValue
        }

        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// All rows with positive weight have the same label, so the model has no finite optimum.
        public static let singleClass = Code(.singleClass)
        /// The design has no rows, or every row has weight zero.
        public static let noRows = Code(.noRows)
        /// Labels, weights or values do not match the design's row or column count.
        public static let shapeMismatch = Code(.shapeMismatch)
        /// The design, the weights or the configuration holds a NaN or an infinity.
        public static let nonFinite = Code(.nonFinite)
        /// A label other than 0/1, a negative weight, or a configuration value out of range.
        public static let invalidValue = Code(.invalidValue)

        /// The code's name, e.g. `singleClass`.
        public var description: String { kind.rawValue }
    }

    /// What went wrong.
    public let code: Code
    /// Plain words saying what was expected; never contains a data value.
    public let message: String

    /// Creates an error; `message` must not contain any data value.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`, e.g. `singleClass: every row with positive weight has label 1`.
    public var description: String { "\(code): \(message)" }
}
