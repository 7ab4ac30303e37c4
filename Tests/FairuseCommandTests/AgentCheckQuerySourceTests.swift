import Foundation
import GRDB
import Testing

/// `fairuse agent check --spec` with a SQLite source runs the task the way the agent does, with
/// the rows streamed into memory: with TMPDIR pointing at a folder that does not exist (so no
/// temporary file can be made) the data still fits, and nothing but the state folder, the ledger
/// and the database is left in the site's folder.
@Suite("fairuse agent check with a query source", .enabled(if: CommandRunner.executable != nil, "the fairuse executable is built beside the tests"))
struct AgentCheckQuerySourceTests {
    @Test func aSQLiteSourceNeedsNoTemporaryFile() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let root = folder.path
        let csv = CommandRunner.repository.appendingPathComponent("Sites/olmsted-south/data.csv").path
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        let names = lines[0].split(separator: ",").map(String.init)
        let queue = try DatabaseQueue(path: root + "/warehouse.db")
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE cohort (" + names.map { "\($0) TEXT" }.joined(separator: ", ") + ")")
            let insert = try db.makeStatement(sql: "INSERT INTO cohort VALUES (" + names.map { _ in "?" }.joined(separator: ", ") + ")")
            for line in lines.dropFirst() {
                try insert.execute(arguments: StatementArguments(line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
            }
        }
        try queue.close()
        try """
            site: south
            coordinator: https://127.0.0.1:1
            tls: { certificate: site.pem, key: site-key.pem, ca: ca.pem }
            data: { sqlite: warehouse.db, query: "SELECT * FROM cohort ORDER BY rowid" }
            policy: { allowed_models: [logistic_regression], allowed_metrics: [error, auc, ece], allowed_techniques: [onehot, intersectional, decoupled] }
            ledger: egress-ledger.jsonl
            state_dir: state
            """.write(toFile: root + "/agent.yaml", atomically: true, encoding: .utf8)
        let spec = CommandRunner.repository.appendingPathComponent("Sites/specs/flchain_5y_mortality.yaml").path
        let result = try CommandRunner.run(["agent", "check", "--config", root + "/agent.yaml", "--spec", spec], in: folder,
                                           environment: ["TMPDIR": root + "/no-such-temporary-folder"])
        let out = result.output.split(separator: "\n").map(String.init)
        #expect(out.contains("ok   data header: 9 columns"), "\(result.output)")
        #expect(out.contains("ok   the data has every column \(spec) reads (9)"), "\(result.output)")
        // The task ran on the streamed rows (olmsted-south: 689 rows in the released groups).
        #expect(out.contains { $0.hasPrefix("ok   data fits \(spec): 689 rows, ") }, "\(result.output)")
        #expect(!out.contains { $0.contains("temporary folder") }, "the check no longer probes a temporary folder")
        #expect(!FileManager.default.fileExists(atPath: root + "/no-such-temporary-folder"))
        // Only the coordinator is unreachable (port 1): that is the one FAIL line.
        #expect(out.filter { $0.hasPrefix("FAIL") }.count == 1 && out.contains { $0.hasPrefix("FAIL coordinator: ") }, "\(result.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).sorted() == ["agent.yaml", "egress-ledger.jsonl", "state", "warehouse.db"])
    }
}
