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
        var table = TextTable(header: ["dataset", "rows × features", "swift in-process s", "swift wall s",
                                       "python in-process s", "python wall s", "ratio in-process", "ratio wall"])
        for (label, path, spec, size) in [("flchain", flchain, flchainSpec, "7679 × 6"),
                                          ("synthetic", syntheticPath, syntheticSpec, "\(rows) × \(features)")] {
            FileHandle.standardError.write(Data("· \(label): swift\n".utf8))
            let specPath = "\(work)/\(label).yaml"
            try AtomicFile.write(Data(spec.yaml().utf8), to: specPath)
            let swiftWall = try Self.time([CommandLine.arguments[0], "local", "--data", path, "--spec", specPath,
                                           "--out", "\(work)/\(label).swift.json", "--quiet", "--brief",
                                           // Like for like with the reference: the audit only, no interventions, no HTML.
                                           "--no-interventions", "--html", "none"])
            let swiftJSON = try ReportDocument.decode(Data(contentsOf: URL(fileURLWithPath: "\(work)/\(label).swift.json")))
            let swiftTotal = swiftJSON.timings?["total"]
            var pythonWall: Double?, pythonTotal: Double?
            if !swiftOnly {
                FileHandle.standardError.write(Data("· \(label): python reference\n".utf8))
                let out = "\(work)/\(label).python.json"
                pythonWall = try Self.time([python, reference, "train", "--data", path, "--outcome", spec.outcome.column,
                                            "--groups", spec.groups.map(\.column).joined(separator: ","),
                                            "--technique", "all3", "--bootstrap", String(bootstrap), "--seed", "0",
                                            "--quiet", "--out", out])
                let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any]
                pythonTotal = (json?["timings"] as? [String: Any])?["total"] as? Double
            }
            func ratio(_ a: Double?, _ b: Double?) -> String {
                guard let a, let b, a > 0 else { return "—" }
                return NumberFormat.fixed(b / a, 1) + "×"
            }
            table.append([label, size, NumberFormat.fixed(swiftTotal, 3), NumberFormat.fixed(swiftWall, 3),
                          NumberFormat.fixed(pythonTotal, 3), NumberFormat.fixed(pythonWall, 3),
                          ratio(swiftTotal, pythonTotal), ratio(swiftWall, pythonWall)])
        }
        print("Whole audit: 3 techniques × 3 metrics, B = \(bootstrap); wall = whole process incl. start-up and report writing")
        print(table.render(), terminator: "")
    }

    /// Runs a command to completion and returns its wall time; fails on a non-zero exit.
    static func time(_ arguments: [String]) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0].contains("/") ? arguments[0] : "/usr/bin/env")
        process.arguments = arguments[0].contains("/") ? Array(arguments.dropFirst()) : arguments
        process.standardOutput = FileHandle.nullDevice
        let start = Date()
        try process.run()
        process.waitUntilExit()
        let elapsed = Date().timeIntervalSince(start)
        guard process.terminationStatus == 0 else {
            throw CommandError("\(arguments.prefix(2).joined(separator: " ")) exited with status \(process.terminationStatus)")
        }
        return elapsed
    }
}

/// A seeded synthetic table for the benchmark: two group attributes (3 × 2 = 6 groups),
/// standard-normal features, and a logistic outcome with group-dependent offsets and slopes
/// (so personalization matters). Values are written with 6 decimals.
enum SyntheticTable {
    static func write(rows: Int, features: Int, seed: UInt64, to path: String) throws {
        var rng = Xoshiro256StarStar(seed: seed)
        func uniform() -> Double { Double(rng.next() >> 11) * 0x1p-53 }
        func normal() -> Double {
            let u = max(uniform(), 0x1p-53), v = uniform()
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
        let weights = (0..<features).map { _ in normal() / Double(features).squareRoot() }
        let types = ["academic", "community", "rural"], sexes = ["female", "male"]
        var text = "site_type,sex," + (0..<features).map { "x\($0)" }.joined(separator: ",") + ",y\n"
        text.reserveCapacity(rows * features * 10)
        for _ in 0..<rows {
            let t = Int(rng.nextBounded(3)), s = Int(rng.nextBounded(2))
            var line = types[t] + "," + sexes[s] + ","
            var z = [-0.4, 0.2, 0.5][t] + [0.3, -0.3][s]
            for j in 0..<features {
                let x = normal()
                z += weights[j] * x * (j % 7 == t ? 1.5 : 1)
                line += NumberFormat.fixed(x, 6) + ","
            }
            line += uniform() < 1 / (1 + exp(-z)) ? "1\n" : "0\n"
            text += line
        }
        try AtomicFile.write(Data(text.utf8), to: path)
    }
}
