import Logging
import Synchronization

/// An in-process log handler that keeps every record, so a test reads what a real coordinator logged.
final class LogCapture: Sendable {
    struct Record: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: [String: String]
    }

    private let records = Mutex<[Record]>([])

    /// A logger at `trace` writing here.
    var logger: Logger {
        Logger(label: "fairuse.test.capture") { _ in Handler(capture: self) }
    }

    var all: [Record] { records.withLock { $0 } }

    /// The records whose metadata `event` is `event`.
    func events(_ event: String) -> [Record] { all.filter { $0.metadata["event"] == event } }

    fileprivate func append(_ record: Record) { records.withLock { $0.append(record) } }

    struct Handler: LogHandler {
        let capture: LogCapture
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
            capture.append(Record(level: event.level, message: event.message.description,
                                  metadata: merged.mapValues { "\($0)" }))
        }
    }
}
