import AuditLogging
import AuditSpec
import Foundation
import Logging
import Synchronization
import Testing

/// The JSON-lines handler, read back with Foundation's JSON parser (an independent oracle), and
/// the `logging:` section's errors.
@Suite("Logging: JSON lines and configuration")
struct JSONLinesLogHandlerTests {
    final class Lines: Sendable {
        let value = Mutex<[String]>([])
        func append(_ line: String) { value.withLock { $0.append(line) } }
        var all: [String] { value.withLock { $0 } }
    }

    @Test func oneObjectPerLineWithEveryField() throws {
        let lines = Lines()
        var logger = Logger(label: "fairuse.coordinator") { label in JSONLinesLogHandler(label: label) { lines.append($0) } }
        logger.logLevel = .debug
        logger[metadataKey: "instance"] = "c1"
        logger.notice("site registered", metadata: ["site": "north", "note": "a \"quoted\"\nline\\ with\ttab"])
        logger.trace("below the level")
        #expect(lines.all.count == 1)
        let line = try #require(lines.all.first)
        #expect(line.hasSuffix("}\n") && line.dropLast().contains("\n") == false)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "notice")
        #expect(object["label"] as? String == "fairuse.coordinator")
        #expect(object["message"] as? String == "site registered")
        let metadata = try #require(object["metadata"] as? [String: String])
        #expect(metadata == ["instance": "c1", "site": "north", "note": "a \"quoted\"\nline\\ with\ttab"])
        let timestamp = try #require(object["timestamp"] as? String)
        let parsed = try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(timestamp)
        #expect(abs(parsed.timeIntervalSinceNow) < 60)
    }

    @Test func controlCharactersAreEscaped() throws {
        let line = JSONLinesLogHandler.line(timestamp: Date(timeIntervalSince1970: 0), level: .error, label: "l",
                                            message: "bell \u{07} and nul \u{00}", metadata: [:], source: "s")
        #expect(line.contains("\\u0007") && line.contains("\\u0000"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["message"] as? String == "bell \u{07} and nul \u{00}")
        #expect(object["timestamp"] as? String == "1970-01-01T00:00:00.000Z")
    }

    static func parse(_ yaml: String) throws -> LoggingConfiguration {
        let reader = try ConfigurationReader(yaml: yaml, file: "agent.yaml", allowed: ["logging"])
        let section = try #require(try reader.section("logging", in: reader.root, allowed: ["format", "level"]))
        return try LoggingConfiguration.parse(reader, section)
    }

    @Test func configurationReadsFormatAndLevel() throws {
        #expect(try Self.parse("logging: { format: json, level: warning }") == LoggingConfiguration(format: .json, level: .warning))
        #expect(try Self.parse("logging: { level: trace }") == LoggingConfiguration(format: .text, level: .trace))
    }

    @Test(arguments: [
        ("logging: { format: xml }", "logging.format", "expected text or json, found 'xml'"),
        ("logging: { level: verbose }", "logging.level", "expected one of trace, debug, info, notice, warning, error, critical, found 'verbose'"),
    ])
    func badValuesNameTheKeyAndTheChoices(yaml: String, key: String, message: String) throws {
        do {
            _ = try Self.parse(yaml)
            Issue.record("accepted \(yaml)")
        } catch let error as ConfigurationError {
            #expect(error.key == key)
            #expect(error.message == message)
            #expect(error.line == 1)
        }
    }
}
