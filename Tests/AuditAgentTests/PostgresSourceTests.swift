import AuditCore
import AuditPostgres
import AuditTable
import AuditTestSupport
import AuditWire
import Foundation
import PostgresNIO
import Testing
@testable import AuditAgent

/// The PostgreSQL source against the real throwaway server: the bundled sites loaded into typed
/// and text tables give the CSV files' result bytes (the CSV path is the oracle), the digest of a
/// text table is `sha256sum` of the file, numeric text matches the server's own `::text`, and
/// each refusal names the key and `user@host:port/db`, never the password or a value.
@Suite("PostgreSQL data source", .enabled(if: PostgresTestServer.isAvailable, PostgresTestServer.skipReason))
struct PostgresSourceTests {
    static let query = "SELECT sex, age_group, sample_yr, kappa, lambda, flc_grp, creatinine, mgus, death_5y FROM cohort ORDER BY id"

    static func task(bootstrap: Int) throws -> SiteTask {
        SiteTask(id: TaskID.generate(), audit: AuditID.generate(), spec: try BundledSites.spec(bootstrap: bootstrap), rootSeed: 11,
                 createdAt: Date(timeIntervalSince1970: 1_700_000_000), deadline: nil)
    }

    /// The error `body` throws, as text (records an issue when it throws none).
    static func failure(_ body: () async throws -> some Any) async -> String {
        do {
            _ = try await body()
            Issue.record("expected an error")
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test("a site's rows in PostgreSQL (typed or text columns) give the CSV file's result bytes",
          arguments: ["olmsted-north", "olmsted-central", "olmsted-south"])
    func sameResultAsTheCSV(site: String) async throws {
        let task = try Self.task(bootstrap: 20)
        guard case .result(let expected) = try await SQLiteSourceTests.runner(site, .csv(path: BundledSites.data(site))).run(task) else {
            Issue.record("the CSV run was refused"); return
        }
        for typed in [true, false] {
            try await PostgresTestServer.withDatabase { connection, name in
                try await PostgresTestServer.loadSite(site, typed: typed, into: connection)
                let source = try PostgresTestServer.source(database: name, query: Self.query)
                guard case .result(let result) = try await SQLiteSourceTests.runner(site, source).run(task) else {
                    Issue.record("the PostgreSQL run was refused (typed: \(typed))"); return
                }
                #expect(try PayloadCodec.encodeJSON(result) == PayloadCodec.encodeJSON(expected), "typed: \(typed)")
            }
        }
    }

    @Test("the digest of a text or typed table is sha256sum of the CSV file, stable across reads")
    func digest() async throws {
        let spec = try BundledSites.spec(bootstrap: 0)
        try await PostgresTestServer.withDatabase { connection, name in
            try await PostgresTestServer.loadSite("olmsted-south", typed: false, into: connection)
            let data = SiteData(try PostgresTestServer.source(database: name, query: Self.query))
            #expect(try await data.load(spec: spec, digest: true).digest == (try SQLiteSourceTests.sha256sum(BundledSites.data("olmsted-south"))))
        }
        try await PostgresTestServer.withDatabase { connection, name in
            try await PostgresTestServer.loadSite("olmsted-south", typed: true, into: connection)
            let data = SiteData(try PostgresTestServer.source(database: name, query: Self.query))
            let first = try await data.load(spec: spec, digest: true).digest
            #expect(try await data.load(spec: spec, digest: true).digest == first)
            // numeric keeps the file's digits (0.87), integers are plain, and every real and double
            // in the file is already in its shortest round-trip form (1.0, 0.683): the same bytes.
            #expect(first == (try SQLiteSourceTests.sha256sum(BundledSites.data("olmsted-south"))))
        }
    }

    @Test("numeric cells keep the server's exact decimal text")
    func numericText() async throws {
        let values = ["0", "0.0001", "1.50", "-123456789.000100", "1e-20", "10000", "99999999999999999999.99", "0.00", "100",
                      "-0.5", "123456789012345678901234567890.123456789", "NaN", "Infinity", "-Infinity", "1.0000"]
        try await PostgresTestServer.withDatabase { connection, _ in
            let list = values.map { "'\($0)'::numeric" }.joined(separator: ", ")
            let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT v, v::text AS t FROM unnest(ARRAY[\(list)]) AS v"),
                                                  logger: PostgresTestServer.logger)
            var seen = 0
            for try await row in rows {
                let cells = Array(row)
                let expected = try cells[1].decode(String.self)
                #expect(try PostgresSource.cell(cells[0], row: 1, label: "q") == .text(expected))
                seen += 1
            }
            #expect(seen == values.count)
        }
    }

    @Test("agent check runs the query with LIMIT 0 and names the columns a spec lacks")
    func header() async throws {
        try await PostgresTestServer.withDatabase { connection, name in
            try await PostgresTestServer.loadSite("olmsted-south", typed: true, into: connection)
            let header = try await DataHeader.read(try PostgresTestServer.source(
                database: name, query: "SELECT sex, kappa AS k, death_5y FROM cohort WHERE 1 / (id - id) = 1;  "))
            // The division by zero would fail on any row: LIMIT 0 read none.
            #expect(header.columns == ["sex", "k", "death_5y"])
            #expect(header.missing(for: try BundledSites.spec(bootstrap: 0)) == ["age_group", "sample_yr", "kappa", "lambda", "flc_grp", "creatinine", "mgus"])
        }
    }

    @Test("a wrong password, a closed port, a failing query, a data exception and a date column are named by key, never by secret or value")
    func errors() async throws {
        let spec = try BundledSites.spec(bootstrap: 0)
        let wrong = FileManager.default.temporaryDirectory.appendingPathComponent("pgpw-\(UUID().uuidString)").path
        try Data("Not-The-Password-71\n".utf8).write(to: URL(fileURLWithPath: wrong))
        defer { try? FileManager.default.removeItem(atPath: wrong) }
        try await PostgresTestServer.withDatabase { connection, name in
            try await PostgresTestServer.loadSite("olmsted-south", typed: true, into: connection)
            let server = "fairuse@127.0.0.1:55432/\(name)"
            let password = await Self.failure {
                try await SiteData(try PostgresTestServer.source(database: name, query: Self.query, passwordFile: wrong)).load(spec: spec)
            }
            #expect(password.hasPrefix("data.password_file: password authentication failed for \(server)"), "\(password)")
            #expect(!password.contains("Not-The-Password-71"))
            let closed = await Self.failure {
                try await DataHeader.read(try PostgresTestServer.source(database: name, query: Self.query, port: 1))
            }
            #expect(closed.hasPrefix("data.postgres: ") && closed.contains("127.0.0.1:1"), "\(closed)")
            let missing = await Self.failure {
                try await DataHeader.read(try PostgresTestServer.source(database: name, query: "SELECT * FROM no_such_cohort"))
            }
            #expect(missing == "data.query: the server refused the query on \(server) (SQLSTATE 42P01: relation \"no_such_cohort\" does not exist); expected a SELECT that yields the cohort table")
            let column = await Self.failure {
                try await SiteData(try PostgresTestServer.source(database: name, query: "SELECT sex, kappaa FROM cohort")).load(spec: spec)
            }
            #expect(column.hasPrefix("data.query: the server refused the query on \(server) (SQLSTATE 42703: column \"kappaa\" does not exist"), "\(column)")
            let exception = await Self.failure {
                try await SiteData(try PostgresTestServer.source(
                    database: name, query: "SELECT sex, (CASE WHEN id = 5 THEN 'secret-71' ELSE '1' END)::integer AS x FROM cohort ORDER BY id")).load(spec: spec)
            }
            #expect(exception == "data.query: the query failed on \(server) with SQLSTATE 22P02 (the server's message is withheld: it may quote a value of the data); run the query in psql to see it")
            let date = await Self.failure {
                try await DataHeader.read(try PostgresTestServer.source(database: name, query: "SELECT sex, DATE '2020-01-01' + id AS visit FROM cohort"))
            }
            #expect(date.hasPrefix("data.query: column 'visit' of the query on \(server) has PostgreSQL type DATE; expected smallint"), "\(date)")
            let notNumber = await Self.failure {
                try await SiteData(try PostgresTestServer.source(
                    database: name, query: Self.query.replacingOccurrences(of: "kappa,", with: "CASE WHEN id = 4 THEN 'secret-72' ELSE kappa::text END AS kappa,"))).load(spec: spec)
            }
            #expect(notNumber == "data.query (postgres \(server)): row 4: column 'kappa': expected a number (the column is declared numeric), found a non-numeric value")
        }
    }
}
