/// The configured data source cannot be read: names the `agent.yaml` key (`data.sqlite`,
/// `data.postgres`, `data.query`, …) and what was expected, never a password or a data value.
public struct SourceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration key at fault.
    public let key: String
    /// Plain words: what happened and what was expected.
    public let message: String

    init(key: String, _ message: String) {
        self.key = key
        self.message = message
    }

    /// `key: message`.
    public var description: String { "\(key): \(message)" }
}
