import ArgumentParser
import AuditLogging
import Logging

/// `--log-level` and `--log-format` of the commands that run services; they override the
/// configuration file's `logging:` section.
struct LogOptions: ParsableArguments {
    @Option(help: "Quietest level written: \(Logger.Level.names) (overrides logging.level).")
    var logLevel: Logger.Level?
    @Option(help: "text, or json for one JSON object per line (overrides logging.format).")
    var logFormat: LogFormat?

    /// Bootstraps the process's logging from `configured`, with the flags taking precedence.
    func bootstrap(_ configured: LoggingConfiguration) {
        LogOutput.bootstrap(format: logFormat ?? configured.format, level: logLevel ?? configured.level)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
extension LogFormat: ExpressibleByArgument {}
