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

    @Test("the OMOP-style query of Deploy/README.md reads a small CDM: one row per person, typed as the spec needs")
    func omopExample() async throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Deploy/README.md").standardized
        let text = try String(contentsOf: readme, encoding: .utf8)
        // The query block of the documented postgres example: the indented lines after "query: |".
        let lines = text.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex { $0.hasPrefix("  query: |") })
        let query = lines[(start + 1)...].prefix { $0.hasPrefix("    ") }.map { String($0.dropFirst(4)) }.joined(separator: "\n")
        #expect(query.hasPrefix("SELECT g.concept_name AS sex,") && query.hasSuffix("ORDER BY p.person_id"))
        try await PostgresTestServer.withDatabase { connection, name in
            for sql in [
                "CREATE SCHEMA cdm",
                "CREATE TABLE cdm.concept (concept_id integer PRIMARY KEY, concept_name varchar(255))",
                "CREATE TABLE cdm.person (person_id bigint PRIMARY KEY, gender_concept_id integer, year_of_birth integer)",
                "CREATE TABLE cdm.measurement (measurement_id bigint, person_id bigint, measurement_concept_id integer, measurement_date date, value_as_number numeric)",
                "CREATE TABLE cdm.death (person_id bigint, death_date date)",
                "INSERT INTO cdm.concept VALUES (8507, 'MALE'), (8532, 'FEMALE')",
                "INSERT INTO cdm.person SELECT i, CASE WHEN i % 2 = 0 THEN 8507 ELSE 8532 END, 1930 + i % 40 FROM generate_series(1, 200) AS i",
                "INSERT INTO cdm.measurement SELECT i, i, 3016723, DATE '2001-01-01' + i, 0.5 + (i % 17) / 10.0 FROM generate_series(1, 200) AS i WHERE i % 9 <> 0",
                "INSERT INTO cdm.measurement SELECT 1000 + i, i, 3016723, DATE '2009-01-01', 99 FROM generate_series(1, 200) AS i",
                "INSERT INTO cdm.death SELECT i, DATE '2012-06-30' FROM generate_series(1, 200) AS i WHERE i % 7 = 0",
            ] {
                try await connection.query(PostgresQuery(unsafeSQL: sql), logger: PostgresTestServer.logger)
            }
            let source = try PostgresTestServer.source(database: name, query: query)
            #expect(try await DataHeader.read(source).columns == ["sex", "age_group", "creatinine", "death_5y"])
            let read = try await PostgresSource.read(PostgresTestServer.location(source), query: query, label: "q", kinds: [:])
            #expect(read.table.rowCount == 200)
            // Expected values from the fixture's own formulas: person i is MALE when even, born 1930 + i % 40
            // (65+ in 2010 when born before 1946), first creatinine 0.5 + (i % 17) / 10 unless i % 9 = 0 (then the 2009 value, 99),
            // dead before 2015 when i % 7 = 0.
            let people = 1...200
            guard case .categorical(let sexLevels, let sexCodes)? = read.table.column(named: "sex")?.values,
                  case .categorical(let ageLevels, let ageCodes)? = read.table.column(named: "age_group")?.values,
                  case .numeric(let creatinine)? = read.table.column(named: "creatinine")?.values,
                  case .numeric(let death)? = read.table.column(named: "death_5y")?.values else {
                Issue.record("unexpected column kinds: \(read.table.columns.map(\.kind))"); return
            }
            #expect(people.map { sexLevels[Int(sexCodes[$0 - 1])] } == people.map { $0 % 2 == 0 ? "MALE" : "FEMALE" })
            #expect(people.map { ageLevels[Int(ageCodes[$0 - 1])] } == people.map { 2010 - (1930 + $0 % 40) >= 65 ? "65+" : "<65" })
            #expect(creatinine == people.map { $0 % 9 == 0 ? 99 : Double("\(Decimal($0 % 17) / 10 + Decimal(string: "0.5")!)")! })
            #expect(death == people.map { $0 % 7 == 0 ? 1 : 0 })
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
            let server = "\(PostgresTestServer.userAtHostPort)/\(name)"
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
            let twice = await Self.failure {
                try await SiteData(try PostgresTestServer.source(database: name, query: "SELECT sex, sex FROM cohort")).load(spec: spec)
            }
            #expect(twice == "data.query (postgres \(server)): column 'sex': the result names this column more than once; names must be unique")
            let empty = await Self.failure {
                try await SiteData(try PostgresTestServer.source(database: name, query: Self.query.replacingOccurrences(of: "FROM cohort", with: "FROM cohort WHERE false"))).load(spec: spec)
            }
            #expect(empty == "data.query (postgres \(server)): no data rows; expected the query to return at least one row")
        }
    }
}
