import AuditSpec
import Logging

/// The `logging:` section shared by `coordinator.yaml` and `agent.yaml`:
/// `{ format: text|json, level: trace|debug|info|notice|warning|error|critical }`.
public struct LoggingConfiguration: Sendable, Equatable {
    /// Text for a terminal, JSON lines for a collector.
    public var format: LogFormat
    /// The quietest level written.
    public var level: Logger.Level

    /// Creates the configuration; the default is text at `info`.
    public init(format: LogFormat = .text, level: Logger.Level = .info) {
        self.format = format
        self.level = level
    }

    /// Reads the `logging` section; an unknown format or level names the key and the accepted values.
    public static func parse(_ reader: ConfigurationReader, _ section: ConfigurationSection) throws(ConfigurationError) -> LoggingConfiguration {
        var out = LoggingConfiguration()
        let formats = LogFormat.allCases.map(\.rawValue).joined(separator: " or ")
        if let text = try reader.string("format", in: section, expected: formats) {
            guard let format = LogFormat(rawValue: text) else {
                throw reader.error(.invalidValue, "format", in: section, "expected \(formats), found '\(text)'")
            }
            out.format = format
        }
        if let text = try reader.string("level", in: section, expected: "one of \(Logger.Level.names)") {
            guard let level = Logger.Level(rawValue: text) else {
                throw reader.error(.invalidValue, "level", in: section, "expected one of \(Logger.Level.names), found '\(text)'")
            }
            out.level = level
        }
        return out
    }
}
