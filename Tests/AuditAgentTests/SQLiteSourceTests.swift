import AuditCore
import AuditSpec
import AuditTable
import AuditTestSupport
import AuditWire
import Foundation
import GRDB
import Testing
@testable import AuditAgent

/// The SQLite source streams a query's rows into the audit's table: the bundled sites' CSV files
/// loaded into SQLite give the same result bytes as the files themselves (the CSV path is the
/// oracle), the digest is the SHA-256 of the rows' canonical CSV (`sha256sum` is the oracle), and
/// bad input gets errors naming the key, row and column, never a value.
@Suite("SQLite data source")
struct SQLiteSourceTests {
    /// The bundled site's CSV rows split on commas (the files have no quoted fields).
    static func rows(_ site: String) throws -> (names: [String], rows: [[String]]) {
        let lines = try String(contentsOfFile: BundledSites.data(site), encoding: .utf8).split(separator: "\n")
        let split = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return (split[0], Array(split.dropFirst()))
    }

    /// SQL column types of the bundled sites' columns.
    static let types = ["sex": "TEXT", "age_group": "TEXT", "sample_yr": "INTEGER", "kappa": "REAL", "lambda": "REAL",
                        "flc_grp": "INTEGER", "creatinine": "REAL", "mgus": "INTEGER", "death_5y": "INTEGER"]

    /// Writes a site's rows into table `cohort` of a new database: typed columns (empty fields as
    /// NULL, values converted by SQLite's column affinity) or every column TEXT as in the file.
    static func database(_ site: String, typed: Bool, in folder: String) throws -> String {
        let (names, rows) = try rows(site)
        let path = folder + "/\(site)-\(typed ? "typed" : "text").db"
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE cohort (id INTEGER PRIMARY KEY, "
                           + names.map { "\($0) \(typed ? types[$0]! : "TEXT")" }.joined(separator: ", ") + ")")
            let insert = try db.makeStatement(sql: "INSERT INTO cohort (\(names.joined(separator: ", "))) VALUES ("
                                              + names.map { _ in "?" }.joined(separator: ", ") + ")")
            for row in rows {
                try insert.execute(arguments: StatementArguments(row.map { typed && $0.isEmpty ? nil : $0 as String? }))
            }
        }
        try queue.close()
        return path
    }

    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fairuse-sqlite-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static let query = "SELECT sex, age_group, sample_yr, kappa, lambda, flc_grp, creatinine, mgus, death_5y FROM cohort ORDER BY id"

    static func runner(_ site: String, _ data: AgentConfiguration.DataSource) throws -> TaskRunner {
        TaskRunner(site: try SiteID(validating: site),
                   policy: SitePolicy(allowedModels: ["logistic_regression"], allowedMetrics: ["error", "auc", "ece"],
                                      allowedTechniques: ["onehot", "intersectional", "decoupled"], minCell: 5),
                   data: data)
    }

    /// SHA-256 of a file by `sha256sum` (coreutils), independent of the agent's hashing.
    static func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: output, as: UTF8.self).prefix(64))
    }

    @Test("a site's rows in SQLite (typed or text columns) give the CSV file's result bytes",
          arguments: ["olmsted-north", "olmsted-central", "olmsted-south"])
    func sameResultAsTheCSV(site: String) async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let spec = try BundledSites.spec(bootstrap: 20)
        let task = SiteTask(id: TaskID.generate(), audit: AuditID.generate(), spec: spec, rootSeed: 11,
                            createdAt: Date(timeIntervalSince1970: 1_700_000_000), deadline: nil)
        guard case .result(let expected) = try await Self.runner(site, .csv(path: BundledSites.data(site))).run(task) else {
            Issue.record("the CSV run was refused"); return
        }
        for typed in [true, false] {
            let path = try Self.database(site, typed: typed, in: folder)
            guard case .result(let result) = try await Self.runner(site, .sqlite(path: path, query: Self.query)).run(task) else {
                Issue.record("the SQLite run was refused (typed: \(typed))"); continue
            }
            #expect(try PayloadCodec.encodeJSON(result) == PayloadCodec.encodeJSON(expected), "typed: \(typed)")
        }
    }

    @Test("the digest of a query is the SHA-256 of its rows' canonical CSV, stable across reads")
    func digestIsTheCanonicalCSV() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let spec = try BundledSites.spec(bootstrap: 0)
        // Text columns hold the file's spellings: the canonical CSV is the file itself.
        let text = SiteData(.sqlite(path: try Self.database("olmsted-south", typed: false, in: folder), query: Self.query))
        let first = try await text.load(spec: spec, digest: true).digest
        #expect(first == (try Self.sha256sum(BundledSites.data("olmsted-south"))))
        #expect(try await text.load(spec: spec, digest: true).digest == first)
        // Typed columns: the canonical CSV spells integers in decimal, reals by their shortest
        // round-trip text and NULL as an empty field; written here by hand and hashed by sha256sum.
        let typed = SiteData(.sqlite(path: try Self.database("olmsted-south", typed: true, in: folder), query: Self.query))
        let (names, rows) = try Self.rows("olmsted-south")
        var csv = names.joined(separator: ",") + "\n"
        for row in rows {
            csv += zip(names, row).map { name, field in
                field.isEmpty ? "" : Self.types[name] == "REAL" ? "\(Double(field)!)" : Self.types[name] == "INTEGER" ? "\(Int(field)!)" : field
            }.joined(separator: ",") + "\n"
        }
        try csv.write(toFile: folder + "/canonical.csv", atomically: true, encoding: .utf8)
        #expect(try await typed.load(spec: spec, digest: true).digest == (try Self.sha256sum(folder + "/canonical.csv")))
    }

    @Test("agent check reads a query's columns without running it and names the missing ones")
    func headerOfAQuery() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try Self.database("olmsted-south", typed: true, in: folder)
        let header = try await DataHeader.read(.sqlite(path: path, query: "SELECT sex, kappa AS k, death_5y FROM cohort"))
        #expect(header.columns == ["sex", "k", "death_5y"])
        #expect(header.missing(for: try BundledSites.spec(bootstrap: 0)) == ["age_group", "sample_yr", "kappa", "lambda", "flc_grp", "creatinine", "mgus"])
    }

    @Test("a failing query, a missing database and a BLOB are named by key, row and column, never a value")
    func errors() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try Self.database("olmsted-south", typed: true, in: folder)
        let spec = try BundledSites.spec(bootstrap: 0)
        await #expect { try await SiteData(.sqlite(path: path, query: "SELECT * FROM no_such_cohort")).columns() } throws: { error in
            "\(error)" == "data.query: SQLite refused the query (no such table: no_such_cohort); expected a SELECT that yields the cohort table"
        }
        await #expect { try await SiteData(.sqlite(path: folder + "/absent.db", query: Self.query)).load(spec: spec) } throws: { error in
            "\(error)" == "data.sqlite: no SQLite database at the configured path; expected an existing file"
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/absent.db"), "opening read-only must not create the file")
        let blob = "SELECT sex, age_group, CASE WHEN id = 3 THEN x'c0ffee' ELSE kappa END AS kappa FROM cohort ORDER BY id"
        await #expect { try await SiteData(.sqlite(path: path, query: blob)).load(spec: spec) } throws: { error in
            "\(error)" == "data.query (sqlite): row 3: column 'kappa': expected text or a number, found a binary value (BLOB); cast it in data.query"
        }
        // A value that is not a number in a column the spec reads as numeric: the row and column, not the value.
        let text = "SELECT sex, age_group, sample_yr, CASE WHEN id = 5 THEN 'secret-71' ELSE kappa END AS kappa, lambda, flc_grp, creatinine, mgus, death_5y FROM cohort ORDER BY id"
        await #expect { try await SiteData(.sqlite(path: path, query: text)).load(spec: spec) } throws: { error in
            "\(error)" == "data.query (sqlite): row 5: column 'kappa': expected a number (the column is declared numeric), found a non-numeric value"
        }
    }
}
