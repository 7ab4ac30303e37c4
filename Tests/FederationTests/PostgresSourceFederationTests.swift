import AuditAgent
import AuditCore
import AuditTestSupport
import AuditWire
import Foundation
import Testing

/// A federated audit in which one site's agent reads its cohort from PostgreSQL (loaded by `psql
/// \copy` from the site's CSV file into typed columns) gives the same report bytes as the audit
/// in which that agent reads the CSV file: the same seed, spec and rows, a different source.
@Suite("A site agent reading PostgreSQL", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["FAIRUSE_TEST_POSTGRES_URL"] != nil,
                "FAIRUSE_TEST_POSTGRES_URL is unset: no PostgreSQL server for the agent's warehouse source (bash .ci/postgres start, then source its env)"))
struct PostgresSourceFederationTests {
    static let environment = ProcessInfo.processInfo.environment

    /// Runs `psql` on `database` of the test server (TLS verified against its CA) with `commands`.
    static func psql(_ database: String, _ commands: [String]) throws {
        let url = environment["FAIRUSE_TEST_POSTGRES_URL"]!
        let address = url.dropFirst("postgres://".count)
        let user = String(address[..<address.firstIndex(of: "@")!])
        let hostPort = address[address.index(after: address.firstIndex(of: "@")!)..<address.firstIndex(of: "/")!]
        let password = try String(contentsOfFile: environment["FAIRUSE_TEST_POSTGRES_PASSWORD_FILE"]!, encoding: .utf8)
            .split(separator: "\n").first.map(String.init) ?? ""
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", String(hostPort.split(separator: ":")[0]),
                             "-p", String(hostPort.split(separator: ":")[1]), "-U", user, "-d", database] + commands.flatMap { ["-c", $0] }
        process.environment = environment.merging(["PGPASSWORD": password, "PGSSLMODE": "verify-full",
                                                   "PGSSLROOTCERT": environment["FAIRUSE_TEST_POSTGRES_CA"]!]) { $1 }
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CancellationError() }
    }

    @Test func aWarehouseSiteGivesTheSameReportAsItsCSVFile() async throws {
        let adminDatabase = String(Self.environment["FAIRUSE_TEST_POSTGRES_URL"]!.split(separator: "/").last!)
        let database = "fairuse_fed_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try Self.psql(adminDatabase, ["CREATE DATABASE \(database)"])
        defer { try? Self.psql(adminDatabase, ["DROP DATABASE IF EXISTS \(database) WITH (FORCE)"]) }
        try Self.psql(database, [
            """
            CREATE TABLE cohort (id serial PRIMARY KEY, sex text, age_group varchar(8), sample_yr integer, kappa numeric,
                                 lambda double precision, flc_grp smallint, creatinine real, mgus bigint, death_5y integer)
            """,
            "\\copy cohort (sex, age_group, sample_yr, kappa, lambda, flc_grp, creatinine, mgus, death_5y) FROM '\(BundledSites.data("olmsted-north"))' CSV HEADER",
        ])
        var spec = try BundledSites.spec(bootstrap: 50)
        spec.techniques = [.onehot, .intersectional]
        let reports = try await FederationHarness.withFederation { federation in
            let agents = try await federation.bundledAgents()
            let fromFiles = try await federation.withAgents(agents) {
                try await federation.runAudit(spec, sites: BundledSites.names, rootSeed: 20_261_204)
            }
            // The same north agent, its data now the warehouse query (own state and ledger).
            let file = federation.root + "/olmsted-north.yaml"
            let server = Self.environment["FAIRUSE_TEST_POSTGRES_URL"]!
            let url = server[..<server.lastIndex(of: "/")!] + "/" + database
            let yaml = try String(contentsOfFile: file, encoding: .utf8)
                .replacingOccurrences(of: "data: { csv: \(BundledSites.data("olmsted-north")) }", with: """
                    data:
                      postgres: \(url)
                      password_file: \(Self.environment["FAIRUSE_TEST_POSTGRES_PASSWORD_FILE"]!)
                      ca: \(Self.environment["FAIRUSE_TEST_POSTGRES_CA"]!)
                      query: SELECT sex, age_group, sample_yr, kappa, lambda, flc_grp, creatinine, mgus, death_5y FROM cohort ORDER BY id
                    """)
                .replacingOccurrences(of: "olmsted-north-state", with: "olmsted-north-pg-state")
                .replacingOccurrences(of: "olmsted-north-ledger", with: "olmsted-north-pg-ledger")
            try yaml.write(toFile: file, atomically: true, encoding: .utf8)
            let warehouse = try AgentConfiguration.load(path: file)
            guard case .postgres = warehouse.data else { throw CancellationError() }
            let fromWarehouse = try await federation.withAgents(agents.map { $0.site == "olmsted-north" ? warehouse : $0 }) {
                try await federation.runAudit(spec, sites: BundledSites.names, rootSeed: 20_261_204)
            }
            return (fromFiles, fromWarehouse)
        }
        let (files, warehouse) = reports
        #expect(files.summary.state.rawValue == "complete" && warehouse.summary.state.rawValue == "complete")
        let same = warehouse.report.replacingOccurrences(of: warehouse.summary.id.rawValue, with: files.summary.id.rawValue)
        #expect(Data(same.utf8) == Data(files.report.utf8), "the audit with north reading PostgreSQL gave a different report")
    }
}
