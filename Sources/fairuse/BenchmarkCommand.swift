import ArgumentParser

/// `fairuse benchmark audit|load|combine`. `audit` (the whole audit against the Python reference,
/// ``Benchmark``) is the default, so `fairuse benchmark --swift-only …` keeps working unchanged;
/// `load` and `combine` measure the coordinator (Deploy/BENCHMARK.md).
struct BenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Time the audit against the Python reference (default), the coordinator under load, or the combine.",
        subcommands: [Benchmark.self, BenchmarkLoad.self, BenchmarkCombine.self],
        defaultSubcommand: Benchmark.self)
}
