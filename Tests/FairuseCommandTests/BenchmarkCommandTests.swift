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
                                         "--think-ms", "0", "--ramp-ms", "300", "--bootstrap", "200",
                                         "--sites", CommandRunner.repository.path + "/Sites", "--json"])
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
        #expect(figures["think_ms"] as? Int == 0)
        #expect(figures["ramp_ms"] as? Int == 300)
        let endpoints = try #require(figures["endpoints"] as? [[String: Any]])
        var requests: [String: Int] = [:]
        for entry in endpoints {
            requests[try #require(entry["endpoint"] as? String)] = entry["requests"] as? Int
            #expect(entry["errors"] as? Int == 0)
        }
        // One hello per agent, one result per agent and audit, at least one progress report per task,
        // and the total is the sum of the endpoints.
        #expect(requests["hello"] == agents)
        // Every request carried a ledger head, as a real agent's does, and the coordinator holds each agent's last.
        #expect(figures["ledger_heads_recorded"] as? Int == agents)
        #expect(requests["result"] == agents * audits)
        #expect((requests["progress"] ?? 0) >= agents * audits)
        #expect((requests["tasks"] ?? 0) >= agents)
        #expect(figures["requests"] as? Int == requests.values.reduce(0, +))
        // The coordinator's own histogram (scraped from its /metrics) counted exactly the requests
        // the agents saw answered, endpoint by endpoint.
        let server = try #require(figures["coordinator_times"] as? [String: Any], "no coordinator_times")
        let serverEndpoints = try #require(server["endpoints"] as? [[String: Any]])
        #expect(serverEndpoints.compactMap { $0["endpoint"] as? String } == ["hello", "progress", "result"])
        for entry in serverEndpoints {
            let name = try #require(entry["endpoint"] as? String)
            #expect(entry["requests"] as? Int == requests[name], "\(name)")
            let share = try #require(entry["share_within_100_ms"] as? Double)
            #expect((0...1).contains(share))
        }
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
        // The phases split the median repetition itself: every part named, and they add up to it (the
        // remainder is `other`; what is left is the call into the combine, microseconds — an
        // accounting check, not a speed).
        let phases = try #require(figures["phases"] as? [String: Double])
        #expect(Set(phases.keys) == ["decode", "pool_evaluate", "heterogeneity", "outliers", "encode", "records", "other"])
        let total = phases.values.reduce(0, +)
        #expect(total <= seconds && total > 0.95 * seconds, "phases \(phases) vs \(seconds) s")
    }

    @Test(.enabled(if: CommandRunner.executable != nil, "needs the fairuse executable beside the tests"),
          arguments: [
            (["load", "--agents", "0"], "--agents must be between 1 and 5000"),
            (["load", "--agents", "2", "--tasks-per-agent", "0"], "--tasks-per-agent must be between 1 and 20"),
            (["load", "--agents", "2", "--database", "mysql://root@db/x"], "--database must be sqlite"),
            (["load", "--agents", "2", "--sites", "/nonexistent-sites"], "the bundled spec cannot be read"),
            (["load", "--agents", "2", "--database-ca", "/tmp/ca.pem"], "need --database postgres://"),
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

/// `fairuse benchmark load --database postgres://…` against the CI's throwaway PostgreSQL server
/// (`.ci/postgres`): the run creates a database of its own and drops it at the end. psql is the
/// oracle for what is left on the server. Serialized: each test compares the server's `fairuse_load_…`
/// databases before and after, so the other test's database must not come and go in between.
@Suite("fairuse benchmark load on PostgreSQL", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["FAIRUSE_TEST_POSTGRES_URL"] != nil,
                "FAIRUSE_TEST_POSTGRES_URL is unset: no PostgreSQL server to test against (bash .ci/postgres start, then source its env)"))
struct BenchmarkLoadOnPostgresTests {
    static let environment = ProcessInfo.processInfo.environment

    /// The databases named `fairuse_load_…` on the server, through psql over verified TLS.
    static func loadDatabases() throws -> [String] {
        let url = try #require(URLComponents(string: environment["FAIRUSE_TEST_POSTGRES_URL"] ?? ""))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = ["-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", "SELECT datname FROM pg_database WHERE datname LIKE 'fairuse_load_%'",
                             "host=\(url.host ?? "") port=\(url.port ?? 5432) user=\(url.user ?? "") dbname=\(url.path.dropFirst()) "
                             + "sslmode=verify-full sslrootcert=\(environment["FAIRUSE_TEST_POSTGRES_CA"] ?? "")"]
        var env = environment
        env["PGPASSWORD"] = try String(contentsOfFile: environment["FAIRUSE_TEST_POSTGRES_PASSWORD_FILE"] ?? "", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init).sorted()
    }

    @Test(.enabled(if: CommandRunner.executable != nil, "needs the fairuse executable beside the tests"))
    func loadRunsOnAPostgreSQLStoreOfItsOwnAndDropsIt() throws {
        let before = try Self.loadDatabases()
        let run = try CommandRunner.run(["benchmark", "load", "--agents", "3", "--think-ms", "0", "--bootstrap", "200",
                                         "--sites", CommandRunner.repository.path + "/Sites",
                                         "--database", Self.environment["FAIRUSE_TEST_POSTGRES_URL"] ?? "",
                                         "--database-password-file", Self.environment["FAIRUSE_TEST_POSTGRES_PASSWORD_FILE"] ?? "",
                                         "--database-ca", Self.environment["FAIRUSE_TEST_POSTGRES_CA"] ?? "", "--json"])
        #expect(run.status == 0, "\(run.error)")
        let figures = try BenchmarkCommandTests.object(run.output)
        #expect(figures["database"] as? String == "postgres")
        #expect(figures["errors"] as? Int == 0, "\(figures["error_messages"] ?? "")")
        #expect(figures["audit_state"] as? String == "complete")
        #expect(run.error.contains("store postgres"))
        // The run's own database is gone again.
        #expect(try Self.loadDatabases() == before)
    }

    @Test(.enabled(if: CommandRunner.executable != nil, "needs the fairuse executable beside the tests"))
    func aWrongPasswordIsNamedWithItsFlagAndNothingStarts() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let wrong = folder.appendingPathComponent("password")
        try "not-the-password\n".write(to: wrong, atomically: true, encoding: .utf8)
        let before = try Self.loadDatabases()
        let run = try CommandRunner.run(["benchmark", "load", "--agents", "2", "--think-ms", "0", "--bootstrap", "200",
                                         "--sites", CommandRunner.repository.path + "/Sites",
                                         "--database", Self.environment["FAIRUSE_TEST_POSTGRES_URL"] ?? "",
                                         "--database-password-file", wrong.path,
                                         "--database-ca", Self.environment["FAIRUSE_TEST_POSTGRES_CA"] ?? ""])
        #expect(run.status == 2)
        #expect(run.error.contains("--database"), "\(run.error)")
        #expect(!run.error.contains("not-the-password"))
        #expect(!run.error.contains("coordinator (pid"))
        #expect(try Self.loadDatabases() == before)
    }
}
