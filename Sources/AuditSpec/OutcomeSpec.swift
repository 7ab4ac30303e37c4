import AuditCore

/// The outcome the model predicts (spec key `outcome`): binary (a classifier, the default) or
/// continuous (a regressor; Cornelis et al., "Benefit of Personalization", §regression).
///
/// ```yaml
/// outcome:
///   column: death_5y   # required: the outcome column of the data
///   positive: "1"      # binary only, default "1": the value, as text, that is the positive class
///   type: binary       # optional, default binary; binary | continuous
/// ```
public struct OutcomeSpec: Sendable, Codable, Equatable, Hashable {
    /// The outcome column (`outcome.column`, required). It may not also be a group attribute or a feature.
    public var column: String
    /// The value, compared as text, that marks the positive class (`outcome.positive`, default `"1"`).
    /// Every other non-missing value is the negative class. Unused for continuous outcomes.
    public var positive: String
    /// Binary or continuous (`outcome.type`, default binary).
    public var type: OutcomeType

    /// Creates an outcome; the positive class defaults to `"1"`, the type to binary.
    public init(column: String, positive: String = "1", type: OutcomeType = .binary) {
        self.column = column
        self.positive = positive
        self.type = type
    }

    enum CodingKeys: String, CodingKey { case column, positive, type }

    /// Decodes; an absent `type` is binary, so specs embedded before continuous outcomes decode unchanged.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        column = try container.decode(String.self, forKey: .column)
        positive = try container.decode(String.self, forKey: .positive)
        type = try container.decodeIfPresent(OutcomeType.self, forKey: .type) ?? .binary
    }

    /// Encodes; `type` is written only when continuous, so a binary spec encodes (and hashes) as before.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(column, forKey: .column)
        try container.encode(positive, forKey: .positive)
        if type != .binary { try container.encode(type, forKey: .type) }
    }
}

