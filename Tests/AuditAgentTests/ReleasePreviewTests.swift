import AuditCore
import AuditSpec
import AuditStats
import AuditWire
import Foundation
import Testing
@testable import AuditAgent

/// `fairuse agent approve` shows what a task would send before the approver decides: computed by
/// the agent's own task runner on a small fixture site (240 rows, four groups, one of them with too
/// few negatives), and from counts alone.
@Suite("Approver's preview of what leaves")
struct ReleasePreviewTests {
    static let spec = """
        fairuse: 1
        name: preview-fixture
        outcome: { column: y, positive: "1" }
        groups: [sex, age]
        features: { numeric: [x] }
        model: { class: logistic_regression }
        techniques: [onehot, intersectional]
        metrics: [error, auc]
        split: { test_fraction: 0.5, seed: 0 }
        tests: { bootstrap: 0, ece_bins: 10 }
        """

    /// 60 rows per group; group sex=M;age=old has 56 positives and 4 negatives (2 in the test split).
    static func fixtureSite() throws -> (runner: TaskRunner, task: SiteTask, directory: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("preview-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var csv = "x,sex,age,y\n"
        for (g, (sex, age)) in [("F", "young"), ("F", "old"), ("M", "young"), ("M", "old")].enumerated() {
            for i in 0..<60 {
                let y = g == 3 ? (i < 56 ? 1 : 0) : ((i * 7 + g) % 10 < 4 ? 1 : 0)
                let x = Double(y) * 1.2 + Double((i * 13 + g * 5) % 17) / 10 - 0.8
                csv += "\(x),\(sex),\(age),\(y)\n"
            }
        }
        try csv.write(toFile: directory + "/data.csv", atomically: true, encoding: .utf8)
        let spec = try AuditSpec.parse(yaml: Self.spec, source: "preview.yaml")
        let policy = SitePolicy(allowedModels: ["logistic_regression"], allowedMetrics: ["error", "auc", "ece"],
                                allowedTechniques: ["onehot", "intersectional"], minCell: 5)
        let runner = TaskRunner(site: try SiteID(validating: "fixture"), policy: policy, data: .csv(path: directory + "/data.csv"))
        let task = SiteTask(id: TaskID(rawValue: "tsk_3vpe6yk2hq7ma4tn5wrs")!, audit: AuditID(rawValue: "aud_7k2mq4zt3xw5bn6ra2cd")!,
                            spec: spec, rootSeed: 7, createdAt: Date(timeIntervalSince1970: 1_772_442_000))
        return (runner, task, directory)
    }

    @Test func computedPreviewIsWhatTheRunnerWouldSend() async throws {
        let (runner, task, directory) = try Self.fixtureSite()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let preview = await ReleasePreview.computed(task, runner: runner)
        print(preview.text)
        #expect(preview.basis == .computed && preview.refusal == nil)
        #expect(preview.withheld == ["sex=M;age=old"])
        #expect(preview.released.sorted() == ["sex=F;age=old", "sex=F;age=young", "sex=M;age=young"])
        // The same code path as the agent: the preview describes exactly the result the runner returns.
        guard case .result(let result) = await runner.run(task) else {
            Issue.record("the fixture task was refused")
            return
        }
        #expect(ReleasePreview(result: result, spec: task.spec, minCell: 5) == preview)
        // The total is every number of the JSON that would leave, and the parts by kind add up to it.
        let parts = result.techniques.reduce(into: WireNumbers.Parts()) { $0.add(WireNumbers.parts($1.statistics)) }
        #expect(preview.numbers == WireNumbers.count(result))
        // Besides the statistics: round, root seed, three row counts, and each suppression's min_cell.
        #expect(preview.numbers == parts.total + 5 + result.suppressed.count)
        // The printed summary.
        let lines = preview.lines
        #expect(lines[0].hasPrefix("What task tsk_3vpe6yk2hq7ma4tn5wrs (preview-fixture) would send, computed now"))
        #expect(lines[1] == "policy: min_cell 5 · techniques onehot, intersectional · metrics error, auc · 10 ECE bins")
        #expect(lines.contains("groups: 3 of 4 released, 1 withheld, 0 without rows at this site"))
        #expect(lines.contains("  withheld  sex=M;age=old"))
        let released = lines.filter { $0.hasPrefix("  released  ") }
        #expect(released.count == 4)   // three groups and the population
        for line in released {
            let match = try #require(line.firstMatch(of: #/ECE on (\d+) of 10 bins for h0, ([\d–]+) for its own model/#))
            #expect((1...10).contains(Int(match.1) ?? 0))
        }
        #expect(lines.contains { $0.hasPrefix("  ece     ") && $0.hasSuffix("(not among the spec's metrics; sent all the same)") })
        #expect(lines.contains("numbers: \(preview.numbers ?? 0) in all (onehot \(WireNumbers.parts(result.techniques[0].statistics).total); "
                               + "intersectional \(WireNumbers.parts(result.techniques[1].statistics).total)): \(parts), round, root seed and row counts 5, "
                               + "min_cell of the \(result.suppressed.count) suppression entries"))
        #expect(lines.contains("withheld or merged:"))
        #expect(lines.contains("  sex=M;age=old · group: a cell at this site is below min_cell (5); the group's rows were withheld"))
        #expect(!preview.text.contains(directory))
    }

    @Test func countPreviewAgreesOnGroupsWithoutFitting() async throws {
        let (runner, task, directory) = try Self.fixtureSite()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let quick = await ReleasePreview.fromCounts(task, runner: runner)
        print(quick.text)
        #expect(quick.basis == .counts && quick.refusal == nil)
        #expect(quick.withheld == ["sex=M;age=old"])
        #expect(quick.released.sorted() == ["sex=F;age=old", "sex=F;age=young", "sex=M;age=young"])
        #expect(quick.lines.contains { $0.hasPrefix("not known without fitting the models:") })
        let computed = await ReleasePreview.computed(task, runner: runner)
        #expect((computed.numbers ?? 0) <= (quick.numbers ?? 0))
    }

    @Test func refusedTaskSendsOnlyTheRefusal() async throws {
        let (runner, task, directory) = try Self.fixtureSite()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var policy = runner.policy
        policy.allowedModels = []
        let strict = TaskRunner(site: runner.site, policy: policy, data: runner.data)
        for preview in [await ReleasePreview.computed(task, runner: strict), await ReleasePreview.fromCounts(task, runner: strict)] {
            #expect(preview.refusal?.code == "model_not_allowed")
            #expect(preview.lines.last == "Only this refusal would leave the site; no statistic would.")
        }
    }
}
