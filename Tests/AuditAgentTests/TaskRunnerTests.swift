import AuditCore
import AuditSpec
import AuditTestSupport
import AuditWire
import Foundation
import Testing
@testable import AuditAgent

/// The agent's task runner on the bundled sites, without a coordinator: re-running a task is
/// bit-identical, and nothing under a site's min_cell leaves it.
@Suite("Task runner")
struct TaskRunnerTests {
    static func runner(_ site: String, minCell: Int, techniques: [String] = ["onehot", "intersectional", "decoupled"]) throws -> TaskRunner {
        TaskRunner(site: try SiteID(validating: site),
                   policy: SitePolicy(allowedModels: ["logistic_regression"], allowedMetrics: ["error", "auc", "ece"],
                                      allowedTechniques: techniques, minCell: minCell),
                   data: .csv(path: BundledSites.data(site)))
    }

    static func task(_ spec: AuditSpec, seed: UInt64) -> SiteTask {
        SiteTask(id: TaskID.generate(), audit: AuditID.generate(), spec: spec, rootSeed: seed,
                 createdAt: Date(timeIntervalSince1970: 1_700_000_000), deadline: nil)
    }

    /// Re-running a task gives the same bytes, so a resend after an agent restart is a duplicate, not a conflict.
    @Test func rerunIsBitIdentical() async throws {
        var spec = try BundledSites.spec(bootstrap: 50)
        spec.techniques = [.onehot]
        let task = Self.task(spec, seed: 7)
        let runner = try Self.runner("olmsted-north", minCell: 5, techniques: ["onehot"])
        guard case .result(let a) = await runner.run(task), case .result(let b) = await runner.run(task) else {
            Issue.record("expected results"); return
        }
        #expect(try PayloadCodec.encodeJSON(a) == PayloadCodec.encodeJSON(b))
    }

    /// Everything a site sends respects its min_cell, and no row-level array leaves.
    @Test(arguments: [5, 10])
    func nothingBelowMinCellLeaves(minCell: Int) async throws {
        let spec = try BundledSites.spec(bootstrap: 20)
        for name in BundledSites.names {
            guard case .result(let result) = try await Self.runner(name, minCell: minCell).run(Self.task(spec, seed: 1)) else {
                Issue.record("\(name): refused"); continue
            }
            for technique in result.techniques {
                let stats = technique.statistics
                for group in stats.groups.compactMap({ $0 }) + [stats.population] {
                    for cell in [group.positives, group.negatives] { #expect(cell == 0 || cell >= minCell, "\(name) \(group.key)") }
                    for stratum in group.calibration {
                        for bins in stratum.bins { #expect(bins.counts.allSatisfy { $0 == 0 || $0 >= minCell }, "\(name) \(group.key) bins") }
                    }
                }
            }
            // Withheld groups are reported, and the released counts add up without them.
            let released = result.techniques[0].statistics.groups.compactMap { $0 }
            #expect(released.reduce(0) { $0 + $1.count } == result.rowCounts.test)
            #expect(result.suppressed.filter { $0.scope == "group" }.count == 4 - released.count)
            // No array as long as the site's test rows (row-level data would be).
            let json = try JSONSerialization.jsonObject(with: try PayloadCodec.encodeJSON(result))
            #expect(!Self.containsArray(of: result.rowCounts.test, in: json) || result.rowCounts.test == 0, "\(name)")
        }
    }

    /// Every integer-valued cell of every result the bundled sites send (binary outcome, three
    /// techniques, real data with small error cells) is 0 or ≥ min_cell (`SmallCellScan`).
    @Test(arguments: [5, 10])
    func noIntegerCellOfASentResultIsSmall(minCell: Int) async throws {
        let spec = try BundledSites.spec(bootstrap: 0)
        for name in BundledSites.names {
            guard case .result(let result) = try await Self.runner(name, minCell: minCell).run(Self.task(spec, seed: 1)) else {
                Issue.record("\(name): refused"); continue
            }
            #expect(try SmallCellScan.violations(in: result, minCell: minCell) == [], "\(name)")
        }
        // The scan is not vacuous: with disclosure control off (min_cell 1) it finds small cells,
        // McNemar cells among them.
        guard case .result(let open) = try await Self.runner("olmsted-south", minCell: 1).run(Self.task(spec, seed: 1)) else {
            Issue.record("refused"); return
        }
        let found = try SmallCellScan.violations(in: open, minCell: minCell)
        #expect(found.contains { $0.hasSuffix(".n10") || $0.hasSuffix(".n01") || $0.contains("both") }, "\(found.prefix(5))")
    }

    static func containsArray(of length: Int, in value: Any) -> Bool {
        if let array = value as? [Any] { return array.count == length || array.contains { containsArray(of: length, in: $0) } }
        if let object = value as? [String: Any] { return object.values.contains { containsArray(of: length, in: $0) } }
        return false
    }
}
