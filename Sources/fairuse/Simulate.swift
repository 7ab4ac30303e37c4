import ArgumentParser
import AuditCore
import AuditStats
import Foundation
import Synchronization

/// `fairuse simulate`: the null-simulation harness. Simulates audits in which every true gain is
/// 0 and measures each primary test's type-I error (with its binomial standard error), the Holm
/// family-wise violation rate and the BH false-discovery rate; `--power` adds power curves for a
/// harmed group, the calibration test against the percentile bootstrap it replaced.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure every primary test's level (and power) by simulation under the null.",
        discussion: """
        Each simulated audit has --groups groups of --min-rows … --max-rows rows; the true risk is \
        σ(−1 + x), x ~ N(0, 1), and h0 and every h(·, g′) predict σ(logit ρ + shift + τε) with \
        independent noise ε (τ = --noise): the models are exchangeable, so every rationality and \
        envy-freeness gain is 0 in truth. The audits run through the real pipeline (site \
        statistics, pooling, McNemar, DeLong, the calibration test, Holm, BH). Rates are counted \
        at raw p ≤ α per test, and per audit for Holm and BH. Release build recommended: \
        swift run -c release fairuse simulate. See Docs/methods.md, "Measured levels".
        """)

    @Option(help: "Simulated audits.") var audits: Int = 2000
    @Option(help: "Groups per audit.") var groups: Int = 5
    @Option(help: "Smallest group (rows).") var minRows: Int = 100
    @Option(help: "Largest group (rows).") var maxRows: Int = 400
    @Option(help: "Sites the rows are spread over.") var sites: Int = 1
    @Option(help: "Noise τ of each model's logit.") var noise: Double = 0.5
    @Option(help: "Logit shift shared by every model (common miscalibration).") var shift: Double = 0
    @Option(help: "Nominal level α.") var alpha: Double = 0.10
    @Option(help: "Monte Carlo draws of the calibration test (tests.bootstrap).") var draws: Int = 2000
    @Option(help: "Root seed.") var seed: UInt64 = 20261204
    @Option(help: "Also run the replaced percentile-bootstrap ECE test with this many replicates (0: no).")
    var legacyReplicates: Int = 0
    @Flag(help: "Power curves: calibration harms (logit shift of group 0's own model) and discrimination harms (extra noise).")
    var power = false
    @Flag(help: "Print one JSON object instead of tables.") var json = false

    func validate() throws {
        guard audits >= 1 else { throw ValidationError("--audits must be at least 1") }
        guard groups >= 2 else { throw ValidationError("--groups must be at least 2") }
        guard minRows >= 2, maxRows >= minRows else { throw ValidationError("--min-rows must be ≥ 2 and ≤ --max-rows") }
        guard sites >= 1 else { throw ValidationError("--sites must be at least 1") }
        guard noise >= 0 else { throw ValidationError("--noise must be ≥ 0") }
        guard alpha > 0, alpha < 1 else { throw ValidationError("--alpha must be in (0, 1)") }
        guard draws >= 2 else { throw ValidationError("--draws must be at least 2") }
    }

    func run() throws {
        var design = SimulationDesign()
        design.groups = groups; design.minRows = minRows; design.maxRows = maxRows
        design.sites = sites; design.noise = noise; design.shift = shift
        let settings = EvaluationSettings(alpha: alpha, correction: .holm, calibrationDraws: draws, seed: seed)
        let started = Date()
        let null = simulate(design, label: "null")
        var curves: [(String, Double, SimulationResult)] = []
        if power {
            for delta in [0.1, 0.2, 0.3, 0.4, 0.6] {
                var harmed = design
                harmed.calibrationHarm = delta
                curves.append(("calibration", delta, simulate(harmed, label: "calibration harm \(delta)")))
            }
            for extra in [0.5, 1.0, 1.5] {
                var harmed = design
                harmed.noiseHarm = extra
                curves.append(("noise", extra, simulate(harmed, label: "noise harm \(extra)")))
            }
        }
        let seconds = Date().timeIntervalSince(started)
        if json {
            printJSON(null: null, curves: curves, seconds: seconds)
        } else {
            printTables(null: null, curves: curves, seconds: seconds)
        }

        func simulate(_ design: SimulationDesign, label: String) -> SimulationResult {
            let counter = ProgressCounter(total: audits, label: label)
            return NullSimulation.run(design: design, audits: audits, settings: settings, seed: seed,
                                      legacyReplicates: legacyReplicates) { _ in counter.tick() }
        }
    }

    private func percent(_ r: (rate: Double, se: Double)) -> String {
        r.rate.isNaN ? "—" : String(format: "%5.2f%% ± %4.2f", 100 * r.rate, 100 * r.se)
    }

    private func printTables(null: SimulationResult, curves: [(String, Double, SimulationResult)], seconds: Double) {
        print("Null simulation: \(null.audits) audits × \(groups) groups of \(minRows)–\(maxRows) rows, \(sites) site(s), τ = \(noise), shift = \(shift); α = \(alpha), calibration draws B = \(draws)")
        print("Every true gain is 0. Rates are raw one-sided p ≤ α per test (± binomial SE); Holm and BH per audit over the metric's whole violation family.\n")
        let header = ["metric", "test", "family", "tests", "violation side", "gain side", "Holm FWER", "BH (FDR)"]
        var rows: [[String]] = []
        for metric in Metric.binaryMetrics {
            guard let r = null.rationality[metric], let e = null.envy[metric] else { continue }
            rows.append([metric.rawValue, metric.primaryTest, "rationality", String(r.tests), percent(r.violationRate),
                         percent(r.gainRate), percent(r.holmRate), percent(r.bhRate)])
            rows.append(["", "", "envy-freeness", String(e.tests), percent(e.violationRate), percent(e.gainRate), "", ""])
        }
        if let legacy = null.legacyRationality {
            rows.append(["ece", "percentile bootstrap (replaced)", "rationality", String(legacy.tests),
                         percent(legacy.violationRate), "", "", ""])
        }
        print(table(header, rows))
        if !curves.isEmpty {
            print("\nPower of group 0's rationality violation test (raw p ≤ α), by harm of its own model:")
            var rows: [[String]] = [["none (null)", percent(null.harmedGroup[.ece]?.violationRate ?? (.nan, .nan)),
                                     null.legacyHarmedGroup.map { percent($0.violationRate) } ?? "—",
                                     percent(null.harmedGroup[.error]?.violationRate ?? (.nan, .nan)),
                                     percent(null.harmedGroup[.auc]?.violationRate ?? (.nan, .nan))]]
            for (kind, size, result) in curves {
                rows.append(["\(kind == "calibration" ? "logit shift" : "extra noise") \(size)",
                             percent(result.harmedGroup[.ece]?.violationRate ?? (.nan, .nan)),
                             result.legacyHarmedGroup.map { percent($0.violationRate) } ?? "—",
                             percent(result.harmedGroup[.error]?.violationRate ?? (.nan, .nan)),
                             percent(result.harmedGroup[.auc]?.violationRate ?? (.nan, .nan))])
            }
            print(table(["harm", "ECE: calibration_z", "ECE: percentile bootstrap", "error: McNemar", "AUC: DeLong"], rows))
        }
        print(String(format: "\n%.1f s", seconds))
    }

    private func table(_ header: [String], _ rows: [[String]]) -> String {
        let widths = header.indices.map { c in ([header[c]] + rows.map { $0[c] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        return ([line(header), line(widths.map { String(repeating: "─", count: $0) })] + rows.map(line)).joined(separator: "\n")
    }

    private func printJSON(null: SimulationResult, curves: [(String, Double, SimulationResult)], seconds: Double) {
        func tally(_ t: RejectionTally?) -> [String: Any] {
            guard let t else { return [:] }
            return ["tests": t.tests, "violation_rate": t.violationRate.rate, "violation_se": t.violationRate.se,
                    "gain_rate": t.gainRate.rate, "gain_se": t.gainRate.se, "holm_fwer": t.holmRate.rate, "bh_rate": t.bhRate.rate]
        }
        func metrics(_ r: SimulationResult) -> [String: Any] {
            var out: [String: Any] = [:]
            for m in Metric.binaryMetrics {
                out[m.rawValue] = ["rationality": tally(r.rationality[m]), "envy": tally(r.envy[m]),
                                   "harmed_group": tally(r.harmedGroup[m])]
            }
            if let l = r.legacyRationality { out["ece_percentile_bootstrap"] = ["rationality": tally(l), "harmed_group": tally(r.legacyHarmedGroup)] }
            return out
        }
        let object: [String: Any] = [
            "design": ["audits": audits, "groups": groups, "min_rows": minRows, "max_rows": maxRows, "sites": sites,
                       "noise": noise, "shift": shift, "alpha": alpha, "draws": draws, "seed": seed],
            "null": metrics(null),
            "power": curves.map { ["harm": $0.0, "size": $0.1, "metrics": metrics($0.2)] as [String: Any] },
            "seconds": seconds,
        ]
        if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]) {
            print(String(decoding: data, as: UTF8.self))
        }
    }
}

/// Progress on standard error: one line per tenth of the audits.
final class ProgressCounter: Sendable {
    private let done = Mutex(0)
    private let total: Int
    private let label: String
    private let started = Date()

    init(total: Int, label: String) { self.total = total; self.label = label }

    func tick() {
        done.withLock { done in
            done += 1
            if done == total || done % max(1, total / 10) == 0 {
                FileHandle.standardError.write(Data(String(format: "%@: %d/%d audits, %.0f s\n", label, done, total,
                                                          Date().timeIntervalSince(started)).utf8))
            }
        }
    }
}
