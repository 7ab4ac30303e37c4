import AuditCore
import AuditSpec
import AuditWire
import Foundation
import Testing
@testable import AuditAgent

/// The release register: one private file, schema-versioned, that survives restarts and names
/// itself when it cannot be read.
@Suite("Release register")
struct ReleaseRegisterTests {
    static func folder() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fairuse-register-\(UUID().uuidString.prefix(8))").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func record(task: TaskID) -> ReleaseRecord {
        let spec = AuditSpec(name: "s", outcome: OutcomeSpec(column: "death"), groups: [GroupAttributeSpec(column: "sex")])
        let result = TaskResult(task: task, audit: AuditID.generate(),
                                site: try! SiteID(validating: "north"), round: 1, specSHA256: SiteTask.specDigest(spec), rootSeed: 0,
                                agentVersion: "t", techniques: [], suppressed: [], rowCounts: RowCounts(total: 40, train: 32, test: 8))
        return ReleaseRecord(result: result, spec: spec, released: ["sex=F"], dataset: "abc", cohort: "csv", minCell: 5)
    }

    @Test func recordsSurviveARestartAndTheFileIsPrivate() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let t1 = TaskID.generate(), t2 = TaskID.generate()
        try ReleaseRegister(stateDirectory: folder).record(Self.record(task: t1), releasedAt: Date(timeIntervalSince1970: 0))
        try ReleaseRegister(stateDirectory: folder).record(Self.record(task: t2), releasedAt: Date(timeIntervalSince1970: 1))
        // A resend of the same task replaces its record.
        try ReleaseRegister(stateDirectory: folder).record(Self.record(task: t1), releasedAt: Date(timeIntervalSince1970: 2))
        let again = ReleaseRegister(stateDirectory: folder)
        let records = try again.releases()
        #expect(records.map(\.task) == [t2.rawValue, t1.rawValue])
        #expect(records.last?.releasedAt == "1970-01-01T00:00:02.000Z")
        #expect(records.first?.releasedGroups == ["sex=F"] && records.first?.rowCounts.total == 40)
        #expect(try again.releases(onDataset: "other").isEmpty)
        let mode = try FileManager.default.attributesOfItem(atPath: again.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let text = try String(contentsOfFile: again.path, encoding: .utf8)
        #expect(text.contains("\"schema_version\" : 1"))
        #expect(try AuditSpec.parse(yaml: records[0].specYAML, source: "register").groups.map(\.column) == ["sex"])
    }

    @Test func anUnreadableRegisterNamesItselfAndWhatWasExpected() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let register = ReleaseRegister(stateDirectory: folder)
        try Data("{\"schema_version\": 9, \"releases\": []}".utf8).write(to: URL(fileURLWithPath: register.path))
        #expect { try register.releases() } throws: { error in
            "\(error)".contains(register.path) && "\(error)".contains("schema_version 9, expected 1")
        }
        try Data("not json".utf8).write(to: URL(fileURLWithPath: register.path))
        #expect { try register.releases() } throws: { "\($0)".contains(register.path) && "\($0)".contains("expected a release register") }
    }
}
