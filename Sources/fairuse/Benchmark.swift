import ArgumentParser
import AuditModels
import AuditReport
import AuditSpec
import AuditStats
import AuditTable
import Foundation

/// `fairuse benchmark`: the whole audit (three techniques, three metrics, B = 2000) on the
/// bundled flchain data and on a seeded synthetic table, next to the Python reference on the
/// same inputs in the same run. Build with `-c release`; timings are never asserted in tests.
struct Benchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Time the audit against the Python reference on the same inputs.")

    @Option(help: "The Python reference script.") var reference: String = "../shared/reference/fairuse_reference.py"
    @Option(help: "Python interpreter with numpy, scipy, pandas and scikit-learn.") var python: String = "python3"
    @Option(help: "The bundled flchain data.") var flchain: String = "Sites/datasets/flchain_5y_mortality.csv"
    @Option(help: "Synthetic rows.") var rows: Int = 25_000
    @Option(help: "Synthetic numeric features.") var features: Int = 480
    @Option(help: "Bootstrap replicates.") var bootstrap: Int = 2000
    @Option(help: "Working folder for generated files.") var work: String = ".benchmark"
    @Flag(help: "Skip the Python reference.") var swiftOnly = false
    @Option(help: "Instead of the whole audit, time one model class (logistic_regression, random_forest, neural_network) against scikit-learn on the same flchain design matrices.")
    var modelClass: String?
    @Option(help: "With --model-class: the spec whose data, split and preprocessing give the designs.")
    var modelSpec: String = "Sites/specs/flchain_5y_mortality.yaml"
    @Option(help: "With --model-class: the scikit-learn side.") var modelScript: String = "Deploy/benchmark_models.py"
    @Option(help: "With --model-class: timed repetitions (the best is reported).") var repeats: Int = 3
    @Flag(help: "Instead of timing, measure the size of what sites send (the demo's sites, and flchain over 24 groups at one site).")
    var payload = false
    @Option(help: "With --payload: the bundled Sites folder.") var sites: String = "Sites"
    @Flag(help: "With --payload: print JSON.") var json = false

    func run() async throws {
        if payload {
            try await PayloadBenchmark(sitesFolder: sites, flchain: flchain, json: json).run()
            return
        }
        if let modelClass {
            let classifiers = ModelClass.allCases.filter { $0.outcomeType == .binary }.map(\.rawValue)
            guard classifiers.contains(modelClass) else {
                throw ValidationError("--model-class must be one of " + classifiers.joined(separator: ", "))
            }
            try ModelBenchmark(modelClass: ModelClass(rawValue: modelClass), specPath: modelSpec, python: python,
                               script: modelScript, work: work, repeats: max(1, repeats), swiftOnly: swiftOnly).run()
            return
        }
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        var flchainSpec = AuditSpec(name: "flchain-benchmark", outcome: OutcomeSpec(column: "death_5y"),
                                    groups: [GroupAttributeSpec(column: "sex"), GroupAttributeSpec(column: "age_group")])
        flchainSpec.tests.bootstrapReplicates = bootstrap
        let syntheticPath = "\(work)/synthetic_\(rows)x\(features).csv"
        if !FileManager.default.fileExists(atPath: syntheticPath) {
            FileHandle.standardError.write(Data("· generating \(syntheticPath)\n".utf8))
            try SyntheticTable.write(rows: rows, features: features, seed: 20_230_701, to: syntheticPath)
        }
        var syntheticSpec = AuditSpec(name: "synthetic-benchmark", outcome: OutcomeSpec(column: "y"),
                                      groups: [GroupAttributeSpec(column: "site_type"), GroupAttributeSpec(column: "sex")])
        syntheticSpec.tests.bootstrapReplicates = bootstrap
        var table = TextTable(header: ["dataset", "rows × features", "swift in-process s", "swift wall s", "swift CPU s", "swift peak RSS",
                                       "python in-process s", "python wall s", "python CPU s", "python peak RSS", "ratio in-process", "ratio wall", "ratio CPU"])
        for (label, path, spec, size) in [("flchain", flchain, flchainSpec, "7679 × 6"),
                                          ("synthetic", syntheticPath, syntheticSpec, "\(rows) × \(features)")] {
            FileHandle.standardError.write(Data("· \(label): swift\n".utf8))
            let specPath = "\(work)/\(label).yaml"
            try AtomicFile.write(Data(spec.yaml().utf8), to: specPath)
            let swiftRun = try MeasuredRun.run([CommandLine.arguments[0], "local", "--data", path, "--spec", specPath,
                                           "--out", "\(work)/\(label).swift.json", "--quiet", "--brief",
                                           // Like for like with the reference: the audit only, no interventions, no HTML.
                                           "--no-interventions", "--html", "none"])
            let swiftJSON = try ReportDocument.decode(Data(contentsOf: URL(fileURLWithPath: "\(work)/\(label).swift.json")))
            let swiftTotal = swiftJSON.timings?["total"]
            let swiftWall = swiftRun.wallSeconds
            var pythonWall: Double?, pythonTotal: Double?, pythonPeak: Int?, pythonCPU: Double?
            if !swiftOnly {
                FileHandle.standardError.write(Data("· \(label): python reference\n".utf8))
                let out = "\(work)/\(label).python.json"
                let pythonRun = try MeasuredRun.run([python, reference, "train", "--data", path, "--outcome", spec.outcome.column,
                                            "--groups", spec.groups.map(\.column).joined(separator: ","),
                                            "--technique", "all3", "--bootstrap", String(bootstrap), "--seed", "0",
                                            "--quiet", "--out", out])
                pythonWall = pythonRun.wallSeconds
                pythonCPU = pythonRun.cpuSeconds
                pythonPeak = pythonRun.peakResidentBytes
                let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any]
                pythonTotal = (json?["timings"] as? [String: Any])?["total"] as? Double
            }
            func ratio(_ a: Double?, _ b: Double?) -> String {
                guard let a, let b, a > 0 else { return "—" }
                return NumberFormat.fixed(b / a, 1) + "×"
            }
            func mebibytes(_ bytes: Int?) -> String { bytes.map { "\($0 >> 20) MiB" } ?? "—" }
            table.append([label, size, NumberFormat.fixed(swiftTotal, 3), NumberFormat.fixed(swiftWall, 3),
                          NumberFormat.fixed(swiftRun.cpuSeconds, 3), mebibytes(swiftRun.peakResidentBytes),
                          NumberFormat.fixed(pythonTotal, 3), NumberFormat.fixed(pythonWall, 3),
                          NumberFormat.fixed(pythonCPU, 3), mebibytes(pythonPeak),
                          ratio(swiftTotal, pythonTotal), ratio(swiftWall, pythonWall), ratio(swiftRun.cpuSeconds, pythonCPU)])
        }
        print("Whole audit: 3 techniques × 3 metrics, B = \(bootstrap); wall = whole process incl. start-up and report writing; CPU = user + system seconds of the process; peak RSS = its maximum resident set (wait4)")
        print(table.render(), terminator: "")
    }

    /// Runs a command to completion and returns its wall time; fails on a non-zero exit.
    static func time(_ arguments: [String]) throws -> Double {
        try MeasuredRun.run(arguments).wallSeconds
    }
}

/// A seeded synthetic table for the benchmark: two group attributes (3 × 2 = 6 groups),
/// standard-normal features, and a logistic outcome with group-dependent offsets and slopes
/// (so personalization matters). Values are written with 6 decimals.
///
/// Written as bytes in blocks to a temporary file renamed into place at the end, so a table of
/// gigabytes (`--rows 10000000`) never sits in memory whole; numbers are formatted exactly as
/// `NumberFormat.fixed(x, 6)` (round half away from zero), without a string per number.
enum SyntheticTable {
    static func write(rows: Int, features: Int, seed: UInt64, to path: String) throws {
        var rng = Xoshiro256StarStar(seed: seed)
        func uniform() -> Double { Double(rng.next() >> 11) * 0x1p-53 }
        func normal() -> Double {
            let u = max(uniform(), 0x1p-53), v = uniform()
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
        let weights = (0..<features).map { _ in normal() / Double(features).squareRoot() }
        let types = ["academic", "community", "rural"].map { Array($0.utf8) }, sexes = ["female", "male"].map { Array($0.utf8) }
        let partial = path + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: nil),
              let file = FileHandle(forWritingAtPath: partial) else {
            throw CommandError("cannot create \(partial)")
        }
        defer { try? file.close() }
        var bytes = Array(("site_type,sex," + (0..<features).map { "x\($0)" }.joined(separator: ",") + ",y\n").utf8)
        let block = 32 << 20
        bytes.reserveCapacity(block + features * 24 + 64)
        for _ in 0..<rows {
            let t = Int(rng.nextBounded(3)), s = Int(rng.nextBounded(2))
            bytes += types[t]
            bytes.append(UInt8(ascii: ","))
            bytes += sexes[s]
            bytes.append(UInt8(ascii: ","))
            var z = [-0.4, 0.2, 0.5][t] + [0.3, -0.3][s]
            for j in 0..<features {
                let x = normal()
                z += weights[j] * x * (j % 7 == t ? 1.5 : 1)
                appendFixed6(x, to: &bytes)
                bytes.append(UInt8(ascii: ","))
            }
            bytes.append(uniform() < 1 / (1 + exp(-z)) ? UInt8(ascii: "1") : UInt8(ascii: "0"))
            bytes.append(UInt8(ascii: "\n"))
            if bytes.count >= block {
                try file.write(contentsOf: bytes)
                bytes.removeAll(keepingCapacity: true)
            }
        }
        try file.write(contentsOf: bytes)
        try file.close()
        guard rename(partial, path) == 0 else { throw CommandError("cannot rename \(partial) to \(path)") }
    }

    /// Appends `x` with 6 decimals, byte for byte as `NumberFormat.fixed(x, 6)`.
    static func appendFixed6(_ x: Double, to bytes: inout [UInt8]) {
        let rounded = (abs(x) * 1e6).rounded(.toNearestOrAwayFromZero)
        if x < 0 && rounded > 0 { bytes.append(UInt8(ascii: "-")) }
        var v = UInt64(rounded)
        // At least 7 digits (one before the point), least significant first, then written reversed.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            var n = 0
            repeat {
                buffer[n] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                n += 1
            } while v > 0 || n < 7
            for k in stride(from: n - 1, through: 0, by: -1) {
                if k == 5 { bytes.append(UInt8(ascii: ".")) }
                bytes.append(buffer[k])
            }
        }
    }
}
