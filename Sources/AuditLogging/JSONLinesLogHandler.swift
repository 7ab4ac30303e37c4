import Foundation
import Logging
import Synchronization

/// A swift-log handler that writes one JSON object per line — `timestamp` (ISO 8601, UTC,
/// milliseconds), `level`, `label`, `message`, `metadata` (string values; nested values flattened
/// to their description), and `source` — so a collector (journald, Loki, Elastic) indexes every
/// metadata key without a parsing rule. Lines are written whole, one `write` each, under a lock,
/// so concurrent loggers never interleave within a line.
public struct JSONLinesLogHandler: LogHandler {
    /// Where lines go: standard error for a service, any closure in a test.
    public typealias Sink = @Sendable (String) -> Void

    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let sink: Sink

    /// A handler for `label` writing each line (with its newline) to `sink`.
    public init(label: String, sink: @escaping Sink) {
        self.label = label
        self.sink = sink
    }

    /// A handler writing to standard error.
    public static func standardError(label: String) -> JSONLinesLogHandler {
        JSONLinesLogHandler(label: label) { line in StandardError.write(line) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        sink(Self.line(timestamp: Date(), level: event.level, label: label, message: event.message.description,
                       metadata: merged, source: event.source))
    }

    /// The JSON line (ending in `\n`) for one event; keys in a fixed order, metadata keys sorted.
    public static func line(timestamp: Date, level: Logger.Level, label: String, message: String,
                            metadata: Logger.Metadata, source: String) -> String {
        var out = "{\"timestamp\":" + quoted(timestampFormat.format(timestamp))
        out += ",\"level\":" + quoted(level.rawValue)
        out += ",\"label\":" + quoted(label)
        out += ",\"message\":" + quoted(message)
        out += ",\"metadata\":{"
        out += metadata.keys.sorted().map { quoted($0) + ":" + quoted(flatten(metadata[$0]!)) }.joined(separator: ",")
        out += "},\"source\":" + quoted(source) + "}\n"
        return out
    }

    static let timestampFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    static func flatten(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let s): s
        case .stringConvertible(let c): c.description
        case .array, .dictionary: value.description
        }
    }

    /// A JSON string literal: quotes, backslashes and every control character escaped (RFC 8259 §7).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// Standard error, written one whole line at a time.
enum StandardError {
    private static let lock = Mutex(())

    static func write(_ line: String) {
        lock.withLock { _ in FileHandle.standardError.write(Data(line.utf8)) }
    }
}
