import ArgumentParser
import AuditCore
import Logging

/// The `fairuse` command: audits whether personalized clinical prediction models serve every
/// group that reports its attributes (Suriyakumar, Ghassemi & Ustun, ICML 2023), on one dataset
/// or across hospitals without pooling patient data.
@main
struct Fairuse: AsyncParsableCommand {
    static let version = FairuseVersion.current

    static let configuration = CommandConfiguration(
        commandName: "fairuse",
        abstract: "Fair-use audits of personalized clinical prediction models, local or federated.",
        version: version,
        subcommands: [Demo.self, Local.self, ReportCommand.self, CompareCommand.self, CoordinatorCommand.self, AuditCommand.self, AgentCommand.self,
                      PKICommand.self, Benchmark.self, Plan.self, Simulate.self]
    )
}

/// Logs to standard error; bootstrapped once by the commands that run services.
enum Logs {
    static func bootstrap(level: Logger.Level = .info) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
