/// The binary outcome the model predicts (spec key `outcome`).
///
/// ```yaml
/// outcome:
///   column: death_5y   # required: the outcome column of the data
///   positive: "1"      # optional, default "1": the value, as text, that is the positive class
/// ```
public struct OutcomeSpec: Sendable, Codable, Equatable, Hashable {
    /// The outcome column (`outcome.column`, required). It may not also be a group attribute or a feature.
    public var column: String
    /// The value, compared as text, that marks the positive class (`outcome.positive`, default `"1"`).
    /// Every other non-missing value is the negative class.
    public var positive: String

    /// Creates an outcome; the positive class defaults to `"1"`.
    public init(column: String, positive: String = "1") {
        self.column = column
        self.positive = positive
    }
}
