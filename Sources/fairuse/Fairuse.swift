import ArgumentParser

/// The `fairuse` command: audits whether personalized clinical prediction models serve every
/// group that reports its attributes (Suriyakumar, Ghassemi & Ustun, ICML 2023).
@main
struct Fairuse: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "fairuse",
        abstract: "Fair-use audits of personalized clinical prediction models.",
        version: version,
        subcommands: [Local.self, Benchmark.self]
    )
}
