import Logging

/// The process's log output, chosen once by `main` (libraries only accept a `Logger`): the format
/// and the level come from the configuration file, and `--log-format`/`--log-level` override them.
public enum LogOutput {
    /// A handler factory for `format` at `level`, writing to standard error.
    public static func factory(format: LogFormat, level: Logger.Level) -> @Sendable (String) -> any LogHandler {
        { label in
            switch format {
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            case .json:
                var handler = JSONLinesLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }

    /// Bootstraps swift-log's global system; call once per process.
    public static func bootstrap(format: LogFormat, level: Logger.Level) {
        LoggingSystem.bootstrap(factory(format: format, level: level))
    }
}
