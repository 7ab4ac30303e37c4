/// A decoupled group that uses the generic model, and why.
public struct DecoupledFallback: Sendable, Codable, Equatable {
    /// Group key.
    public var key: String
    /// Plain-language reason (counts only).
    public var reason: String

    /// Creates a value from its parts.
    public init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }
}
