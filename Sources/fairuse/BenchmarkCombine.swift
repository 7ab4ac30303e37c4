import ArgumentParser
import AuditBenchmark
import Foundation

/// `fairuse benchmark combine`: the coordinator's combine of S synthetic site results, timed in
/// process (Deploy/BENCHMARK.md). Build with `-c release`.
struct BenchmarkCombine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "combine", abstract: "Time the coordinator's combine of S synthetic site results.")

    @Option(help: "Sites S.") var sites: Int = 100
    @Option(help: "Groups M per site (one group attribute with M levels).") var groups: Int = 6
    @Option(help: "Bootstrap replicates B.") var bootstrap: Int = 2000
    @Option(help: "Timed repetitions (the median is the headline; the best is shown too).") var repetitions: Int = 5
    @Flag(help: "Print one JSON object (seconds = the median repetition).") var json = false

    func run() throws {
        do {
            let benchmark = CombineBenchmark(sites: sites, groups: groups, bootstrap: bootstrap, repetitions: repetitions)
            let figures = try benchmark.run { FileHandle.standardError.write(Data("· \($0)\n".utf8)) }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(figures), as: UTF8.self))
            } else {
                print(String(format: "combine of %d sites × %d groups, B = %d: median %.3f s, best %.3f s over %d repetitions",
                             figures.sites, figures.groups, figures.bootstrap, figures.seconds, figures.bestSeconds, figures.repetitions))
                print("the median repetition by phase: " + figures.phases.sorted { $0.key < $1.key }
                    .map { "\($0.key) " + String(format: "%.3f s", $0.value) }.joined(separator: ", "))
                print("payloads \(figures.payloadBytes / 1024) KiB in, report \(figures.reportBytes / 1024) KiB out (sha256 \(figures.reportSHA256.prefix(16))…)")
            }
        } catch { throw fail(error) }
    }
}
