import Foundation
import Testing

/// The test server of `.ci/postgres`, reached with `psql` (an oracle that shares no code with fairuse).
enum PostgresShell {
    static let environment = ProcessInfo.processInfo.environment
    static let isAvailable = environment["FAIRUSE_TEST_POSTGRES_URL"] != nil
    static let skipReason: Comment = "FAIRUSE_TEST_POSTGRES_URL is unset: no PostgreSQL server to test against (bash .ci/postgres start, then source its env)"

    /// user, host and port of the server's URL, parsed here with Foundation's URL parser.
    static var server: (user: String, host: String, port: Int) {
        let url = URLComponents(string: environment["FAIRUSE_TEST_POSTGRES_URL"] ?? "")
        return (url?.user ?? "", url?.host ?? "", url?.port ?? 5432)
    }
    static var passwordFile: String { environment["FAIRUSE_TEST_POSTGRES_PASSWORD_FILE"] ?? "" }
    static var ca: String { environment["FAIRUSE_TEST_POSTGRES_CA"] ?? "" }

    /// Runs one statement with `psql -At` on `database` over verified TLS and returns its output lines.
    static func psql(_ sql: String, database: String = "postgres") throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        let (user, host, port) = server
        process.arguments = ["-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql,
                             "host=\(host) port=\(port) user=\(user) dbname=\(database) sslmode=verify-full sslrootcert=\(ca)"]
        var env = environment
        env["PGPASSWORD"] = try String(contentsOfFile: passwordFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Creates a database with a unique name, runs `body` with it, and drops it.
    static func withDatabase<T>(_ body: (String) throws -> T) throws -> T {
        let name = "fairuse_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        _ = try psql("CREATE DATABASE \(name)", database: "fairuse")
        defer { _ = try? psql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", database: "fairuse") }
        return try body(name)
    }
}

@Suite("fairuse demo --database postgres://…", .enabled(if: PostgresShell.isAvailable, PostgresShell.skipReason))
struct DemoOnPostgresTests {
    @Test func theDemoRunsWithItsCoordinatorOnPostgreSQLAndWritesNoSQLiteFile() throws {
        try PostgresShell.withDatabase { database in
            let folder = try CommandRunner.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let work = folder.appendingPathComponent("work")
            let (user, host, port) = PostgresShell.server
            let result = try CommandRunner.run(["demo", "--bootstrap", "0", "--work", work.path,
                                                "--database", "postgres://\(user)@\(host):\(port)/\(database)",
                                                "--database-password-file", PostgresShell.passwordFile,
                                                "--database-ca", PostgresShell.ca], in: folder)
            #expect(result.status == 0, "\(result.error)")
            #expect(result.output.contains("· store: PostgreSQL \(user)@\(host):\(port)/\(database) (TLS verify-full); no SQLite file"))
            #expect(result.output.contains("· audit complete"))
            // The database, asked with psql: the audit completed with a stored report, one submission per site.
            #expect(try PostgresShell.psql("SELECT state, result_json IS NOT NULL FROM audit", database: database) == ["complete|t"])
            let sites = try PostgresShell.psql("SELECT count(*) FROM site", database: database)
            #expect(sites != ["0"])
            #expect(try PostgresShell.psql("SELECT count(*) FROM submission", database: database) == sites)
            #expect(try PostgresShell.psql("SELECT count(*) FROM schema_migrations", database: database) != ["0"])
            // And nothing of SQLite in the demo's folder.
            let files = FileManager.default.enumerator(atPath: work.path)?.compactMap { $0 as? String } ?? []
            let sqlite = files.filter { [".db", ".sqlite", "-wal", "-shm"].contains(where: $0.hasSuffix) }
            #expect(sqlite.isEmpty, "\(sqlite)")
            #expect(!files.isEmpty)
            // The coordinator shut down cleanly (no crash report in its log).
            let log = try String(contentsOf: work.appendingPathComponent("logs/coordinator.log"), encoding: .utf8)
            #expect(!log.contains("crashed") && !log.contains("Assertion failed"))
        }
    }

    @Test func aWrongPasswordIsNamedWithItsFlagBeforeAnythingStarts() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let wrong = folder.appendingPathComponent("wrong-password")
        try Data("Not-The-Password-77\n".utf8).write(to: wrong)
        let work = folder.appendingPathComponent("work")
        let (user, host, port) = PostgresShell.server
        let result = try CommandRunner.run(["demo", "--bootstrap", "0", "--work", work.path,
                                            "--database", "postgres://\(user)@\(host):\(port)/fairuse",
                                            "--database-password-file", wrong.path, "--database-ca", PostgresShell.ca], in: folder)
        #expect(result.status != 0)
        #expect(result.error.contains("--database-password-file: password authentication failed for \(user)@\(host):\(port)/fairuse"),
                "\(result.error)")
        #expect(!result.error.contains("Not-The-Password-77") && !result.output.contains("Not-The-Password-77"))
        let real = try String(contentsOfFile: PostgresShell.passwordFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!result.error.contains(real) && !result.output.contains(real))
        // Nothing started: no coordinator log, no PKI.
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("logs/coordinator.log").path))
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("pki").path))
    }
}

@Suite("fairuse demo --database refusals")
struct DemoDatabaseRefusalTests {
    @Test func aPasswordInTheURLIsRefusedWithoutBeingShown() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["demo", "--work", folder.appendingPathComponent("work").path,
                                            "--database", "postgres://fairuse:Sup3rSecret@db.example.org/fairuse"], in: folder)
        #expect(result.status != 0)
        #expect(result.error.contains("--database: the URL contains a password"), "\(result.error)")
        #expect(result.error.contains("--database-password-file"))
        #expect(!result.error.contains("Sup3rSecret") && !result.output.contains("Sup3rSecret"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("work").path))
    }

    @Test func databaseFlagsWithoutADatabaseAreRefused() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["demo", "--work", folder.appendingPathComponent("work").path,
                                            "--database-tls", "require"], in: folder)
        #expect(result.status != 0)
        #expect(result.error.contains("need --database postgres://"), "\(result.error)")
    }
}
