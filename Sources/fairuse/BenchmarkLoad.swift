import ArgumentParser
import AuditBenchmark
import AuditPostgres
import Foundation

/// `fairuse benchmark load`: N simulated mutual-TLS agents against a coordinator process on this
/// machine (`AuditBenchmark.LoadBenchmark`; Deploy/BENCHMARK.md). Build with `-c release`.
struct BenchmarkLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Time N simulated agents (mutual TLS 1.3) against a real coordinator process on loopback.",
        discussion: """
            Prints per endpoint (hello, tasks, progress, result) the requests, errors and p50/p99/max latency, \
            the audits' final state and the coordinator's memory (VmRSS, VmHWM). Exits with status 2 after the \
            figures when a request failed or an audit did not complete.
            """)

    @Option(help: "Simulated agents N, each with its own site certificate and connection.") var agents: Int = 200
    @Option(help: "Audits launched with every agent's site; each agent answers one task per audit.") var tasksPerAgent: Int = 1
    @Option(help: "The coordinator's store: sqlite (a throwaway file), or a PostgreSQL server, postgres://USER@HOST[:PORT]/DATABASE (no password in the URL), on which the benchmark creates and finally drops a database of its own.")
    var database: String = "sqlite"
    @OptionGroup var databaseFlags: DatabaseFlags

    /// `--database` and its flags as a store.
    func store() throws -> BenchmarkDatabase {
        guard database != "sqlite" else {
            _ = try databaseFlags.location(url: nil)
            return .sqlite
        }
        guard database.hasPrefix("postgres://") || database.hasPrefix("postgresql://") else {
            throw CommandError("--database must be sqlite or postgres://USER@HOST[:PORT]/DATABASE")
        }
        return .postgres(try databaseFlags.location(url: database)!)
    }
    // Defaults (Deploy/BENCHMARK.md): a report a second per agent, still far denser than a real run,
    // whose phases take seconds to minutes; and agents connecting over one second, as the agents'
    // own first reconnect (0.5–1 s of jitter) spreads them after a coordinator restart. The launch
    // still wakes every parked poll at the same instant. `--think-ms 100 --ramp-ms 0` is the stress profile.
    @Option(help: "Mean pause of an agent before each progress report and its submit, ms (uniform on 0 … 2×).")
    var thinkMs: Int = 1000
    @Option(help: "Agents start (say hello) at uniform random times over this many ms; 0 starts them all at once.")
    var rampMs: Int = 1000
    @Option(help: "Bootstrap replicates of the audits (default: the bundled spec's).") var bootstrap: Int?
    @Option(help: "The bundled Sites folder (default: found from the current folder or the executable).") var sites: String?
    @Flag(help: "Keep the working folder (certificates, coordinator.yaml and its log).") var keep = false
    @Flag(help: "Print one JSON object.") var json = false

    func run() async throws {
        do {
            let options = LoadBenchmark.Options(
                agents: agents, tasksPerAgent: tasksPerAgent, database: try store(),
                thinkMilliseconds: thinkMs, rampMilliseconds: rampMs, bootstrap: bootstrap, sitesFolder: try sites ?? BundledSites.locate(),
                executable: ChildProcesses.executable, keep: keep)
            let figures = try await LoadBenchmark(options: options).run { FileHandle.standardError.write(Data("· \($0)\n".utf8)) }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(figures), as: UTF8.self))
            } else {
                print(figures.table(), terminator: "")
            }
            guard figures.errors == 0, figures.auditState == "complete", figures.ledgerHeadsRecorded == figures.agents else {
                throw CommandError("\(figures.errors) of \(figures.requests) agent requests failed; the audits ended \(figures.auditState); "
                                   + "the coordinator holds the last ledger head of \(figures.ledgerHeadsRecorded) of \(figures.agents) agents")
            }
        } catch { throw fail(error) }
    }
}
