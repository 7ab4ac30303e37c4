import AsyncHTTPClient
import AuditAgent
import AuditCoordinator
import AuditClient
import AuditCore
import AuditPKI
import AuditSpec
import AuditWire
import Foundation
import Logging
import NIOSSL
import ServiceLifecycle

/// A coordinator running in-process on a loopback port with mutual TLS, a throwaway PKI and
/// store in a temporary folder, and helpers to start agents and make certificates.
final class FederationHarness: Sendable {
    let root: String
    let pki: PKIStore
    let ca: CertificateAuthority
    let url: String
    let port: Int
    let configuration: CoordinatorConfiguration
    let running: Running

    /// The current coordinator process-in-a-task (replaced by `restartCoordinator`).
    final class Running: @unchecked Sendable {
        // Invariant: mutated only by the test's single task (start/stop are awaited in sequence).
        var group: ServiceGroup?
        var task: Task<Void, Error>?
    }

    static let logger: Logger = {
        var logger = Logger(label: "fairuse.test")
        logger.logLevel = .warning   // keep CI output to what matters
        return logger
    }()

    /// Starts a coordinator (port 0) and waits until it listens.
    init(longPoll: Int = 2, researchers: [CoordinatorConfiguration.ResearcherToken] = []) async throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("fairuse-fed-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        pki = PKIStore(directory: root + "/pki")
        ca = try CertificateAuthority.create(commonName: "test CA")
        try pki.save(ca)
        try pki.save(try ca.issueCoordinator(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"]))
        try pki.save(try ca.issueOperator(name: try OperatorName(certificateName: "op")))
        var configuration = CoordinatorConfiguration(
            host: "127.0.0.1", port: 0, certificatePath: pki.certificatePath(for: .coordinator),
            keyPath: pki.keyPath(for: .coordinator), caPath: pki.caCertificatePath, databasePath: root + "/coordinator.db",
            longPollSeconds: longPoll)
        configuration.researchers = researchers
        running = Running()
        port = try await Self.start(configuration, into: running)
        configuration.port = port
        self.configuration = configuration
        url = "https://127.0.0.1:\(port)"
    }

    static func start(_ configuration: CoordinatorConfiguration, into running: Running) async throws -> Int {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let (_, services) = try CoordinatorService.services(configuration: configuration, logger: Self.logger) { port in
            continuation.yield(port)
        }
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, logger: Self.logger))
        running.group = group
        // The harness owns this task and ends it in `stop()` / `restartCoordinator()`.
        running.task = Task { try await group.run() }
        for await p in ports { return p }
        return 0
    }

    /// Stops the coordinator gracefully and starts a new one on the same port and database.
    func restartCoordinator() async throws {
        await running.group?.triggerGracefulShutdown()
        _ = try? await running.task?.value
        _ = try await Self.start(configuration, into: running)
    }

    /// Stops the coordinator and removes the folder.
    func stop() async {
        await running.group?.triggerGracefulShutdown()
        _ = try? await running.task?.value
        try? FileManager.default.removeItem(atPath: root)
    }

    func operatorClient() throws -> OperatorClient {
        let role = CertificateRole.operator(try OperatorName(certificateName: "op"))
        return try OperatorClient(baseURL: url, certificatePath: pki.certificatePath(for: role), keyPath: pki.keyPath(for: role),
                                  caPath: pki.caCertificatePath)
    }

    /// Issues a site certificate and registers it (unless `register` is false).
    @discardableResult
    func addSite(_ id: String, register: Bool = true) async throws -> IssuedCertificate {
        let issued = try ca.issueSite(try SiteID(certificateName: id))
        try pki.save(issued, overwrite: true)
        if register {
            let client = try operatorClient()
            _ = try await client.register(site: try SiteID(validating: id), fingerprint: issued.fingerprint.hex)
            try await client.shutdown()
        }
        return issued
    }

    /// An agent configuration for a registered site over `dataPath`.
    func agentConfiguration(site: String, dataPath: String, minCell: Int = 1,
                            models: String = "logistic_regression", metrics: String = "error, auc, ece") throws -> AgentConfiguration {
        let yaml = """
            site: \(site)
            coordinator: \(url)
            tls: { certificate: \(pki.certificatePath(for: .site(try SiteID(certificateName: site)))), key: \(pki.keyPath(for: .site(try SiteID(certificateName: site)))), ca: \(pki.caCertificatePath) }
            data: { csv: \(dataPath) }
            policy: { allowed_models: [\(models)], allowed_metrics: [\(metrics)], allowed_techniques: [onehot, intersectional, decoupled], min_cell: \(minCell) }
            ledger: \(root)/\(site)-ledger.jsonl
            state_dir: \(root)/\(site)-state
            poll_seconds: 1
            """
        let path = root + "/\(site).yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try AgentConfiguration.load(path: path)
    }

    /// Polls until the audit reaches a final state (or 120 s pass).
    func waitForEnd(_ audit: AuditID) async throws -> AuditSummary {
        let client = try operatorClient()
        defer { Task { try? await client.shutdown() } }
        for _ in 0..<1200 {
            let summary = try await client.audit(audit)
            if summary.state.isFinal { return summary }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CancellationError()
    }
}

/// The bundled site shares of the flchain data.
enum BundledSites {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sites").standardized.path
    static let names = ["olmsted-central", "olmsted-north", "olmsted-south"]
    static func data(_ name: String) -> String { "\(root)/\(name)/data.csv" }
    static func spec(bootstrap: Int) throws -> AuditSpec {
        var spec = try AuditSpec.load(path: "\(root)/specs/flchain_5y_mortality.yaml")
        spec.tests.bootstrapReplicates = bootstrap
        return spec
    }
}

/// An HTTPS client with no client certificate, to check that the handshake is refused.
struct BareClient {
    let client: HTTPClient
    let url: String

    init(url: String, ca: String) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv13
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        self.url = url
    }

    func handshakeFails() async -> Bool {
        var request = HTTPClientRequest(url: url + "/v1/agent/tasks")
        request.headers.add(name: "Fairuse-Protocol", value: "2.0")
        do {
            _ = try await client.execute(request, timeout: .seconds(10))
            return false
        } catch {
            return true
        }
    }

    func shutdown() async { try? await client.shutdown() }
}
