import Foundation
import Testing

/// `fairuse benchmark load|combine` run end to end with small sizes in the debug build: a real
/// coordinator process, real mutual TLS on loopback, the real combine. Checks what the figures
/// must say (every key, no failed request, the audits complete, counts that follow from the
/// options), never how fast anything was.
@Suite("fairuse benchmark load and combine", .serialized)
struct BenchmarkCommandTests {
    static func object(_ text: String) throws -> [String: Any] {
        let line = try #require(text.split(separator: "\n").last, "no output")
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
    }

    @Test(.enabled(if: CommandRunner.executable != nil, "needs the fairuse executable beside the tests"))
    func loadRunsAgentsAgainstACoordinatorProcessAndReportsTheirFigures() throws {
        let agents = 3, audits = 2
        let run = try CommandRunner.run(["benchmark", "load", "--agents", "\(agents)", "--tasks-per-agent", "\(audits)",
                                         "--think-ms", "0", "--bootstrap", "200", "--sites", CommandRunner.repository.path + "/Sites",
                                         "--json"])
        #expect(run.status == 0, "\(run.error)")
        let figures = try Self.object(run.output)
        for key in ["p99_ms", "p50_ms", "max_ms", "errors", "requests", "endpoints", "rss_bytes", "rss_peak_bytes",
                    "audit_state", "audit_states", "agents", "tasks_per_agent", "database", "result_bytes"] {
            #expect(figures[key] != nil, "missing \(key)")
        }
        #expect(figures["errors"] as? Int == 0, "\(figures["error_messages"] ?? "")")
        #expect(figures["audit_state"] as? String == "complete")
        #expect(figures["audit_states"] as? [String] == Array(repeating: "complete", count: audits))
        #expect(figures["database"] as? String == "sqlite")
        let endpoints = try #require(figures["endpoints"] as? [[String: Any]])
        var requests: [String: Int] = [:]
        for entry in endpoints {
            requests[try #require(entry["endpoint"] as? String)] = entry["requests"] as? Int
            #expect(entry["errors"] as? Int == 0)
        }
        // One hello per agent, one result per agent and audit, at least one progress report per task,
        // and the total is the sum of the endpoints.
        #expect(requests["hello"] == agents)
        #expect(requests["result"] == agents * audits)
        #expect((requests["progress"] ?? 0) >= agents * audits)
        #expect((requests["tasks"] ?? 0) >= agents)
        #expect(figures["requests"] as? Int == requests.values.reduce(0, +))
        let rss = try #require(figures["rss_bytes"] as? Int), peak = try #require(figures["rss_peak_bytes"] as? Int)
        #expect(rss > 1 << 20 && peak >= rss)
        let p50 = try #require(figures["p50_ms"] as? Double), p99 = try #require(figures["p99_ms"] as? Double)
        let max = try #require(figures["max_ms"] as? Double)
        #expect(0 < p50 && p50 <= p99 && p99 <= max)
    }

    @Test(.enabled(if: CommandRunner.executable != nil, "needs the fairuse executable beside the tests"))
    func combineTimesTheCoordinatorsCombineOfSyntheticSites() throws {
        let run = try CommandRunner.run(["benchmark", "combine", "--sites", "3", "--groups", "4", "--bootstrap", "200",
                                         "--repetitions", "2", "--json"])
        #expect(run.status == 0, "\(run.error)")
        let figures = try Self.object(run.output)
        #expect(figures["sites"] as? Int == 3)
        #expect(figures["groups"] as? Int == 4)
        #expect(figures["bootstrap"] as? Int == 200)
        let all = try #require(figures["all_seconds"] as? [Double])
        #expect(all.count == 2)
        let seconds = try #require(figures["seconds"] as? Double), best = try #require(figures["best_seconds"] as? Double)
        #expect(best == all.min() && seconds >= best && seconds > 0)
        #expect((figures["report_sha256"] as? String)?.count == 64)
        #expect((figures["report_bytes"] as? Int ?? 0) > 0 && (figures["payload_bytes"] as? Int ?? 0) > 0)
    }

    @Test(.enabled(if: CommandRunner.executable != nil, "needs the fairuse executable beside the tests"),
          arguments: [
            (["load", "--agents", "0"], "--agents must be between 1 and 5000"),
            (["load", "--agents", "2", "--tasks-per-agent", "0"], "--tasks-per-agent must be between 1 and 20"),
            (["load", "--agents", "2", "--database", "mysql://root@db/x"], "--database must be sqlite"),
            (["load", "--agents", "2", "--sites", "/nonexistent-sites"], "the bundled spec cannot be read"),
            (["combine", "--sites", "0"], "--sites must be at least 1"),
            (["combine", "--groups", "1"], "--groups must be between 2 and 64"),
            (["combine", "--bootstrap", "5"], "--bootstrap must be between 100 and 100000"),
          ])
    func badOptionsAreRefusedByNameBeforeAnythingStarts(arguments: [String], message: String) throws {
        let before = try Self.loadFolders()
        let run = try CommandRunner.run(["benchmark"] + arguments)
        #expect(run.status == 2)
        #expect(run.error.contains(message), "\(run.error)")
        #expect(run.output.isEmpty)
        // No working folder (certificates, store) was made, so no coordinator ran.
        #expect(try Self.loadFolders() == before)
    }

    @Test(.enabled(if: CommandRunner.executable != nil, "needs the fairuse executable beside the tests"))
    func theAuditBenchmarkStaysTheDefaultSubcommand() throws {
        let help = try CommandRunner.run(["benchmark", "--help"])
        #expect(help.output.contains("audit (default)") && help.output.contains("load") && help.output.contains("combine"))
        // Today's flags still reach the audit benchmark without naming it.
        let bad = try CommandRunner.run(["benchmark", "--model-class", "bogus"])
        let named = try CommandRunner.run(["benchmark", "audit", "--model-class", "bogus"])
        #expect(bad.error.contains("--model-class must be one of") && bad.error == named.error)
    }

    static func loadFolders() throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix("fairuse-load-") })
    }
}
