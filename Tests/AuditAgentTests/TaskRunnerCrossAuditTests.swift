import AuditCore
import AuditSpec
import AuditWire
import Foundation
import Testing
@testable import AuditAgent

/// The task runner with a release register, without a coordinator: the history survives a new
/// runner (an agent restart), a continuous outcome is checked on rows alone, and nothing is
/// registered by the runner itself.
@Suite("Task runner across audits")
struct TaskRunnerCrossAuditTests {
    /// 12 rows of (F, <65) — 2 of them test rows, below min_cell 5 — and 150 of each other cell; a
    /// continuous outcome `chol` that depends on x1.
    static func writeSite(to path: String) throws {
        var lines = ["sex,age,x1,chol"]
        var state: UInt64 = 42
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        for (sex, young, rows) in [("F", true, 12), ("F", false, 150), ("M", true, 150), ("M", false, 150)] {
            for _ in 0..<rows {
                let x1 = uniform() * 4
                lines.append("\(sex),\(young ? 40 + Int(uniform() * 24) : 65 + Int(uniform() * 25)),\(x1),\(180 + 10 * x1 + uniform() * 5)")
            }
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func task(groups: [GroupAttributeSpec]) -> SiteTask {
        var spec = AuditSpec(name: "chol", outcome: OutcomeSpec(column: "chol", type: .continuous), groups: groups)
        spec.techniques = [.onehot]
        spec.tests.bootstrapReplicates = 0
        return SiteTask(id: TaskID.generate(), audit: AuditID.generate(), spec: spec, rootSeed: 3,
                        createdAt: Date(timeIntervalSince1970: 1_700_000_000), deadline: nil)
    }

    static func runner(data: String, state: String, action: SitePolicy.CrossAuditAction = .withhold) throws -> TaskRunner {
        TaskRunner(site: try SiteID(validating: "north"),
                   policy: SitePolicy(allowedModels: ["ridge_regression"], allowedMetrics: ["squared_error", "absolute_error"],
                                      allowedTechniques: ["onehot"], minCell: 5, crossAudit: action),
                   data: .csv(path: data), register: ReleaseRegister(stateDirectory: state))
    }

    @Test func aContinuousOutcomeIsCheckedAcrossARestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fairuse-xaudit-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let data = folder + "/data.csv", state = folder + "/state"
        try Self.writeSite(to: data)
        let first = Self.task(groups: [GroupAttributeSpec(column: "sex"), GroupAttributeSpec(column: "age", cuts: [65])])
        var drafted: ReleaseRecord?
        guard case .result(let one) = try await Self.runner(data: data, state: state).run(first, draft: { drafted = $0 }) else {
            Issue.record("audit 1 refused"); return
        }
        // (F, <65) has 2 test rows: withheld within the audit. The runner drafts, it does not register.
        #expect(one.suppressed.contains { $0.group == "sex=F;age=<65" && $0.scope == "group" })
        #expect(try ReleaseRegister(stateDirectory: state).releases().isEmpty)
        let record = try #require(drafted)
        #expect(record.releasedGroups == ["sex=F;age=65+", "sex=M;age=65+", "sex=M;age=<65"])
        #expect(record.rowCounts.total == 450 && record.cells.allSatisfy { $0.positives == nil })
        try ReleaseRegister(stateDirectory: state).record(record, releasedAt: Date())

        // A new runner (the agent restarted) reads the register: by sex alone, F would give
        // (F, <65) back as F − (F, 65+), so F is withheld and the total is M's rows only.
        let second = Self.task(groups: [GroupAttributeSpec(column: "sex")])
        guard case .result(let two) = try await Self.runner(data: data, state: state).run(second) else {
            Issue.record("audit 2 refused"); return
        }
        let finding = try #require(two.suppressed.first { $0.rule == "earlier_release" })
        #expect(finding.group == "sex=F" && finding.scope == "group")
        #expect(two.rowCounts.total == 300)
        #expect(two.regressionTechniques?.first?.statistics.groups.compactMap { $0?.key } == ["sex=M"])

        // Under refuse, the same task is refused with disclosure_risk, naming audit 1 and no count.
        guard case .refusal(let refusal) = try await Self.runner(data: data, state: state, action: .refuse).run(second) else {
            Issue.record("expected a refusal"); return
        }
        #expect(refusal.code == RefusalCode.disclosureRisk && refusal.reason.contains(first.audit.rawValue))
        #expect(!refusal.reason.contains("12") && !refusal.reason.contains(data))

        // The data changed (one more row): the earlier release is on another digest and not compared.
        try (String(contentsOfFile: data, encoding: .utf8) + "M,70,1.0,190\n").write(toFile: data, atomically: true, encoding: .utf8)
        guard case .result(let three) = try await Self.runner(data: data, state: state).run(second) else {
            Issue.record("audit 3 refused"); return
        }
        #expect(!three.suppressed.contains { $0.rule == "earlier_release" })

        // An unreadable register refuses (fail closed) and says so without a path.
        try Data("{".utf8).write(to: URL(fileURLWithPath: state + "/releases.json"))
        guard case .refusal(let broken) = try await Self.runner(data: data, state: state).run(second) else {
            Issue.record("expected a refusal"); return
        }
        #expect(broken.code == RefusalCode.failed && broken.reason.contains("release register") && !broken.reason.contains(state))
    }
}
