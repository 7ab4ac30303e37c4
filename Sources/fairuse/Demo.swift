import ArgumentParser
import AuditAgent
import AuditClient
import AuditCoordinator
import AuditCore
import AuditPKI
import AuditPostgres
import AuditReport
import AuditSpec
import AuditWire
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// `fairuse demo`: a whole federation on this machine. A throwaway PKI and store in a temporary
/// folder, a coordinator and one agent per bundled site (`Sites/<name>/`) as separate processes
/// talking mutual TLS 1.3 over loopback, an audit of the bundled flchain spec, live progress, and
/// the cross-site report, whose JSON and Markdown paths are printed at the end.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a federated audit of three bundled sites on this machine.")

    @Option(help: "Folder with the bundled sites and specs (default: the repository's Sites, found from the current folder or the executable).")
    var sites: String?
    @Option(help: "Audit spec (default: specs/flchain_5y_mortality.yaml in the sites folder).") var spec: String?
    @Option(help: "Bootstrap replicates (overrides the spec).") var bootstrap: Int?
    @Option(help: "Root seed of the bootstrap (default: the spec's tests.seed, so two demo runs give the same report).") var seed: UInt64?
    @Option(help: "Working folder (default: a new temporary folder).") var work: String?
    @Flag(help: "Keep the coordinator running after the audit, with its read-only dashboard, until Ctrl-C.") var serve = false
    @Option(help: "Run the coordinator on this PostgreSQL database, postgres://USER@HOST[:PORT]/DATABASE, instead of a SQLite file (no password in the URL).")
    var database: String?
    @OptionGroup var databaseFlags: DatabaseFlags

    func run() async throws {
        do {
            let folder = try sites ?? BundledSites.locate()
            let postgres = try databaseFlags.location(url: database)
            let runner = DemoRunner(sitesFolder: folder, specPath: spec ?? folder + "/" + BundledSites.demoSpec,
                                    bootstrap: bootstrap, seed: seed, work: work, serve: serve, postgres: postgres)
            try await runner.run()
        } catch { throw fail(error) }
    }
}

/// The demo's steps; child processes are always stopped, whatever happens.
struct DemoRunner {
    let sitesFolder: String, specPath: String, bootstrap: Int?, seed: UInt64?, work: String?, serve: Bool
    /// The coordinator's PostgreSQL database, or nil for a SQLite file in the working folder.
    var postgres: PostgresLocation? = nil

    /// The `database:` line and, for PostgreSQL, the `postgres:` section of the demo coordinator's YAML.
    func databaseYAML(root: String) -> String {
        guard let postgres else { return "database: sqlite:\(root)/coordinator.db" }
        return CoordinatorConfiguration.databaseYAML(postgres)
    }

    func say(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }

    func run() async throws {
        let start = Date()
        let root = work ?? FileManager.default.temporaryDirectory.appendingPathComponent("fairuse-demo-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: root + "/logs", withIntermediateDirectories: true)
        let siteNames = try FileManager.default.contentsOfDirectory(atPath: sitesFolder).filter {
            FileManager.default.fileExists(atPath: "\(sitesFolder)/\($0)/agent.yaml")
        }.sorted()
        guard !siteNames.isEmpty else { throw CommandError("no site folders with agent.yaml in \(sitesFolder)") }
        var auditSpec = try AuditSpec.load(path: specPath)
        if let bootstrap { auditSpec.tests.bootstrapReplicates = bootstrap }
        say("fairuse demo — working folder \(root)")
        if let postgres {
            // Reach the database now, so a wrong password or an untrusted server is named with its flag
            // before any process starts.
            try await postgres.withConnection(logger: Logger(label: "fairuse.demo", factory: { _ in SwiftLogNoOpLogHandler() })) { _ in }
            say("· store: PostgreSQL \(postgres) (TLS \(postgres.tls)); no SQLite file")
        }

        // 1. PKI.
        let pki = PKIStore(directory: root + "/pki")
        let ca = try CertificateAuthority.create(commonName: "fairuse demo CA", organization: "fairuse demo")
        try pki.save(ca)
        try pki.save(try ca.issueCoordinator(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"]))
        let operatorCert = try ca.issueOperator(name: try OperatorName(certificateName: "demo-operator"))
        try pki.save(operatorCert)
        var fingerprints: [String: String] = [:]
        for name in siteNames {
            let issued = try ca.issueSite(try SiteID(certificateName: name))
            try pki.save(issued)
            fingerprints[name] = issued.fingerprint.hex
        }
        say("· PKI: CA, coordinator, operator and \(siteNames.count) site certificates (P-256, TLS 1.3 only)")

        // 2. Coordinator, with a read-only researcher token for its dashboard.
        var generator = SystemRandomNumberGenerator()
        let researcherToken = (0..<24).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        let portFile = root + "/coordinator.port", metricsPortFile = root + "/metrics.port"
        let coordinatorYAML = """
            listen: { host: 127.0.0.1, port: 0 }
            observability: { listen: "127.0.0.1:0", port_file: \(metricsPortFile) }
            tls: { certificate: \(pki.certificatePath(for: .coordinator)), key: \(pki.keyPath(for: .coordinator)), ca: \(pki.caCertificatePath) }
            \(databaseYAML(root: root))
            port_file: \(portFile)
            limits: { long_poll_seconds: 5 }
            researchers:
              - { name: demo-researcher, token_sha256: \(WireDigest.sha256Hex(Array(researcherToken.utf8))) }
            """
        try coordinatorYAML.write(toFile: root + "/coordinator.yaml", atomically: true, encoding: .utf8)
        let processes = ChildProcesses()
        defer { processes.stopAll() }
        try processes.start(name: "coordinator", arguments: ["coordinator", "serve", "--config", root + "/coordinator.yaml"],
                            log: root + "/logs/coordinator.log")
        let port = try await waitForPort(portFile, processes: processes)
        let url = "https://127.0.0.1:\(port)"
        let metricsURL = "http://127.0.0.1:\(try await waitForPort(metricsPortFile, processes: processes))"
        say("· coordinator listening on \(url) (mutual TLS; log \(root)/logs/coordinator.log)")
        say("· metrics and health on \(metricsURL)/metrics, /healthz, /readyz (plain HTTP, loopback only)")

        // 3. Register sites and start their agents.
        let operatorClient = try OperatorClient(baseURL: url, certificatePath: pki.certificatePath(for: operatorCert.role),
                                                keyPath: pki.keyPath(for: operatorCert.role), caPath: pki.caCertificatePath)
        do {
            for name in siteNames {
                _ = try await operatorClient.register(site: try SiteID(validating: name), fingerprint: fingerprints[name]!)
                let folder = root + "/sites/" + name
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                let source = "\(sitesFolder)/\(name)"
                try FileManager.default.copyItem(atPath: source + "/data.csv", toPath: folder + "/data.csv")
                var yaml = try String(contentsOfFile: source + "/agent.yaml", encoding: .utf8)
                yaml = yaml.replacingOccurrences(of: "https://coordinator.example.org:8443", with: url)
                    .replacingOccurrences(of: "certificate: site.pem", with: "certificate: \(pki.certificatePath(for: .site(try SiteID(certificateName: name))))")
                    .replacingOccurrences(of: "key: site-key.pem", with: "key: \(pki.keyPath(for: .site(try SiteID(certificateName: name))))")
                    .replacingOccurrences(of: "ca: ca.pem", with: "ca: \(pki.caCertificatePath)")
                    .replacingOccurrences(of: "poll_seconds: 20", with: "poll_seconds: 5")
                try yaml.write(toFile: folder + "/agent.yaml", atomically: true, encoding: .utf8)
                try processes.start(name: name, arguments: ["agent", "run", "--config", folder + "/agent.yaml"],
                                    log: root + "/logs/\(name).log")
            }
            say("· \(siteNames.count) site agents started, each with its own share of the data: \(siteNames.joined(separator: ", "))")

            // 4. Launch and follow the audit.
            let launch = LaunchAuditRequest(specYAML: auditSpec.yaml(), sites: try siteNames.map { try SiteID(validating: $0) },
                                            minSites: max(1, siteNames.count - 1), requiredSites: nil,
                                            deadline: Date().addingTimeInterval(600), rootSeed: seed ?? auditSpec.tests.seed)
            let audit = try await operatorClient.launch(launch)
            say("· audit \(audit.id) launched: \(auditSpec.name), techniques \(auditSpec.techniques.map(\.rawValue).joined(separator: ", ")), B = \(auditSpec.tests.bootstrapReplicates), seed \(audit.rootSeed.map(String.init) ?? "?")")
            var seen: [String: String] = [:]
            var final = audit
            while true {
                final = try await operatorClient.audit(audit.id)
                for s in final.sites where seen[s.site.rawValue] != s.state.rawValue {
                    seen[s.site.rawValue] = s.state.rawValue
                    say("  \(String(format: "%5.1f", Date().timeIntervalSince(start))) s  \(s.site): \(s.state)\(s.detail.map { " — \($0)" } ?? "")")
                }
                if ["complete", "partial", "failed", "cancelled"].contains(final.state.rawValue) { break }
                if Date().timeIntervalSince(start) > 600 { throw CommandError("the audit did not finish in 10 minutes; see \(root)/logs") }
                if let dead = processes.exited() { throw CommandError("\(dead) stopped unexpectedly; see \(root)/logs/\(dead).log") }
                try await Task.sleep(for: .milliseconds(300))
            }
            say("· audit \(final.state)")
            guard final.state.rawValue != "failed" && final.state.rawValue != "cancelled" else {
                throw CommandError("the audit \(final.state); see \(root)/logs")
            }

            // 5. The report.
            let reports = root + "/reports"
            try FileManager.default.createDirectory(atPath: reports, withIntermediateDirectories: true)
            let table = try await operatorClient.report(audit.id, format: "table")
            try await operatorClient.report(audit.id, format: "json").write(toFile: reports + "/report.json", atomically: true, encoding: .utf8)
            let document = try ReportDocument.decode(Data(contentsOf: URL(fileURLWithPath: reports + "/report.json")))
            let written = try ReportFiles.write(document, alpha: auditSpec.tests.alpha, correction: auditSpec.tests.correction,
                                                html: reports + "/report.html", markdown: reports + "/report.md", csv: reports + "/csv")
            say("\n" + table)
            for name in siteNames {
                let path = root + "/sites/\(name)/egress-ledger.jsonl", state = root + "/sites/\(name)/state"
                let entries = (try? LedgerVerifier.entries(path: path)) ?? []
                let bytes = entries.filter { $0.message == .result }.map { $0.payload.utf8.count }.reduce(0, +)
                let verified = (try? LedgerVerifier.verify(path: path, stateDirectory: state)) ?? 0
                say("ledger \(name): \(verified) entries verified; result payload \(bytes / 1024) KiB of aggregates")
            }
            say("\n" + (try await DemoMetrics.summary(metricsURL)))
            say("\nJSON report:     \(reports)/report.json\n" + written.joined(separator: "\n") + "\nLedgers, logs, certificates: \(root)")
            say(String(format: "Done in %.1f s.", Date().timeIntervalSince(start)))
            try await operatorClient.shutdown()
            let dashboard = "\(url)/dashboard?token=\(researcherToken)"
            if serve {
                say("\nDashboard (read-only, researcher token; the demo CA is \(pki.caCertificatePath)):\n  \(dashboard)")
                say("Prometheus metrics: \(metricsURL)/metrics\nServing until Ctrl-C.")
                try await ServeUntilShutdown.run()
                say("stopping")
            } else {
                say("(`fairuse demo --serve` keeps the coordinator and its read-only dashboard running afterwards.)")
            }
        } catch {
            try? await operatorClient.shutdown()
            throw error
        }
    }

    func waitForPort(_ path: String, processes: ChildProcesses) async throws -> Int {
        for _ in 0..<600 {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return port
            }
            if let dead = processes.exited() { throw CommandError("\(dead) stopped during start-up; see its log") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CommandError("the coordinator did not start within 60 s")
    }
}

/// Child processes of the demo (this same executable), stopped with SIGTERM at the end.
final class ChildProcesses: Sendable {
    private let processes = Mutex<[(name: String, process: Process)]>([])

    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    func start(name: String, arguments: [String], log: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = arguments
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        processes.withLock { $0.append((name, process)) }
    }

    /// The name of a child that has exited, if any.
    func exited() -> String? {
        processes.withLock { all in all.first { !$0.process.isRunning }?.name }
    }

    func stopAll() {
        processes.withLock { all in
            for child in all.reversed() where child.process.isRunning { child.process.terminate() }
            for child in all { child.process.waitUntilExit() }
        }
    }
}

/// `demo --serve` after the audit: runs until SIGINT or SIGTERM, which the service group turns
/// into a graceful shutdown, so the demo returns and stops its children before exiting.
struct ServeUntilShutdown: Service {
    func run() async throws {
        try? await gracefulShutdown()
    }

    /// Runs until Ctrl-C or SIGTERM.
    static func run() async throws {
        let group = ServiceGroup(configuration: .init(services: [.init(service: ServeUntilShutdown())],
                                                      gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: Logger(label: "fairuse.demo")))
        try await group.run()
    }
}
