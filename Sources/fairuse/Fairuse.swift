import ArgumentParser
import AuditCore

/// The `fairuse` command: audits whether personalized clinical prediction models serve every
/// group that reports its attributes (Suriyakumar, Ghassemi & Ustun, ICML 2023), on one dataset
/// or across hospitals without pooling patient data.
@main
struct Fairuse: AsyncParsableCommand {
    static let version = FairuseVersion.current

    static let configuration = CommandConfiguration(
        commandName: "fairuse",
        abstract: "Fair-use audits of personalized clinical prediction models, local or federated.",
        discussion: ExitStatus.help,
        version: version,
        subcommands: [Demo.self, Local.self, ReportCommand.self, CompareCommand.self, CoordinatorCommand.self, AuditCommand.self, AgentCommand.self,
                      PKICommand.self, BenchmarkCommand.self, Plan.self, Simulate.self]
    )

    /// Every message starts with the same prefix, whichever layer reports it.
    static var _errorPrefix: String { errorPrefix }

    /// Parses and runs a command. A usage error found while parsing prints the subcommand's usage
    /// (status 64); an error thrown while running prints only its message (``fail(_:)``).
    static func main() async {
        var command: ParsableCommand
        do { command = try parseAsRoot() } catch { exit(withError: error) }
        do {
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // `--help` and `--version` arrive as errors of the built-in help command.
            if exitCode(for: error) == .success { exit(withError: error) }
            exit(withError: fail(error))
        }
    }
}
