import Foundation
import Testing

/// `fairuse agent check` as a hospital's IT team runs it: every path the agent writes is probed,
/// and the data is checked against the spec, each failure a FAIL line naming the path or column
/// and the fix, with exit status 1.
@Suite("fairuse agent check", .enabled(if: CommandRunner.executable != nil, "the fairuse executable is built beside the tests"))
struct AgentCheckCommandTests {
    @Test func anUnwritableLedgerAndMissingColumnsAreFailLines() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let root = folder.path
        try Data("a file where the ledger's folder should be\n".utf8).write(to: URL(fileURLWithPath: root + "/blocked"))
        try Data("sex,kappa\nfemale,1\n".utf8).write(to: URL(fileURLWithPath: root + "/data.csv"))
        try """
            site: north
            coordinator: https://127.0.0.1:1
            tls: { certificate: site.pem, key: site-key.pem, ca: ca.pem }
            data: { csv: data.csv }
            policy: { allowed_models: [logistic_regression], allowed_metrics: [error], allowed_techniques: [onehot] }
            ledger: blocked/egress-ledger.jsonl
            state_dir: state
            """.write(toFile: root + "/agent.yaml", atomically: true, encoding: .utf8)
        let spec = CommandRunner.repository.appendingPathComponent("Sites/specs/flchain_5y_mortality.yaml").path
        let result = try CommandRunner.run(["agent", "check", "--config", root + "/agent.yaml", "--spec", spec], in: folder)
        #expect(result.status == 1)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.contains("ok   the state folder \(root)/state: writable (created, appended, synced, removed a probe)"))
        #expect(lines.contains("FAIL the egress ledger \(root)/blocked/egress-ledger.jsonl: \(root)/blocked is a file, not a folder — "
                               + "fix the path or its permissions for the agent's user, or change ledger in agent.yaml"))
        #expect(lines.contains("ok   data header: 2 columns"))
        let missing = try #require(lines.first { $0.hasPrefix("FAIL the data lacks columns ") })
        #expect(missing.contains("'death_5y'") && missing.contains("'age_group'") && !missing.contains("'sex'"))
        #expect(missing.hasSuffix("that \(spec) reads — add them to the data (or the SQL query), or ask the operator to change the spec"))
        // The state folder was made as the agent would make it, and no probe was left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/state").sorted() == ["approvals", "completed", "pending"])
    }
}
