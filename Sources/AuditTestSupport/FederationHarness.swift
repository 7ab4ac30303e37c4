import AuditCoordinator
import AuditCore
import AuditPKI
import AuditPostgres
import AuditWire
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A coordinator running in-process on a loopback port with mutual TLS 1.3, a throwaway CA and
/// store in a temporary folder. Made and always stopped by ``withFederation(longPoll:researchers:clock:_:)``;
/// agents and clients are scoped the same way, so no test repeats the start/wait/stop sequence.
public final class FederationHarness: Sendable {
    /// The temporary folder (removed at the end).
    public let root: String
    /// The federation's certificates and keys under `root/pki`.
    public let pki: PKIStore
    /// The throwaway CA.
    public let ca: CertificateAuthority
    /// `https://127.0.0.1:<port>`.
    public let url: String
    /// The coordinator's configuration (with its bound port).
    public let configuration: CoordinatorConfiguration
    /// The wall clock of the coordinator and of the agents started here.
    public let clock: AuditClock
    /// `http://127.0.0.1:<port>` of the plain metrics and health listener, when it was asked for.
    public var observabilityURL: String? { running.observabilityPort.map { "http://127.0.0.1:\($0)" } }
    /// The running coordinator (its store and metrics registry).
    public var coordinator: Coordinator? { running.coordinator }
    private let running: RunningCoordinator

    /// The tests' logger: warnings and errors only.
    public static let logger: Logger = {
        var logger = Logger(label: "fairuse.test")
        logger.logLevel = .warning
        return logger
    }()

    /// A leaf certificate's validity from the federation's now: the coordinator verifies client
    /// certificates at its clock's time, which a test may hold still while real time runs on.
    static func leafValidity(_ clock: AuditClock) -> CertificateValidity {
        .days(CertificateValidity.defaultLeafDays, from: clock.now())
    }

    /// Runs `body` against a fresh coordinator, which is stopped and whose folder is removed
    /// afterwards, whether `body` returns or throws.
    /// With `revocationList`, the CA publishes an empty revocation list (`pki/crl.pem`) that the coordinator
    /// loads as `tls.crl`; a test revokes with `pki.recordRevocation` and `pki.publishRevocationList`.
    /// `observability` starts the plain `/metrics`, `/healthz`, `/readyz` listener on a free
    /// loopback port; `logger` receives the coordinator's log (tests capture security events).
    /// `postgres` puts the store in that (empty) PostgreSQL database instead of a SQLite file.
    public static func withFederation<T>(longPoll: Int = 2, researchers: [CoordinatorConfiguration.ResearcherToken] = [],
                                         clock: AuditClock = .system, revocationList: Bool = false, observability: Bool = false,
                                         logger: Logger = FederationHarness.logger, postgres: PostgresLocation? = nil,
                                         _ body: (FederationHarness) async throws -> T) async throws -> T {
        let harness = try await FederationHarness(longPoll: longPoll, researchers: researchers, clock: clock,
                                                  revocationList: revocationList, observability: observability, logger: logger,
                                                  postgres: postgres)
        do {
            let value = try await body(harness)
            await harness.stop()
            return value
        } catch {
            await harness.stop()
            throw error
        }
    }

    private init(longPoll: Int, researchers: [CoordinatorConfiguration.ResearcherToken], clock: AuditClock,
                 revocationList: Bool, observability: Bool, logger: Logger, postgres: PostgresLocation?) async throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("fairuse-fed-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        pki = PKIStore(directory: root + "/pki")
        ca = try CertificateAuthority.create(commonName: "test CA",
                                             validity: .days(CertificateValidity.defaultAuthorityDays, from: clock.now()))
        try pki.save(ca)
        try pki.save(try ca.issueCoordinator(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], validity: Self.leafValidity(clock)))
        try pki.save(try ca.issueOperator(name: try OperatorName(certificateName: "op"), validity: Self.leafValidity(clock)))
        var configuration = CoordinatorConfiguration(
            host: "127.0.0.1", port: 0, certificatePath: pki.certificatePath(for: .coordinator),
            keyPath: pki.keyPath(for: .coordinator), caPath: pki.caCertificatePath, databasePath: root + "/coordinator.db",
            longPollSeconds: longPoll)
        configuration.researchers = researchers
        configuration.postgres = postgres
        if revocationList {
            _ = try pki.publishRevocationList(days: 30, at: clock.now())
            configuration.revocationListPath = pki.revocationListPath
        }
        if observability { configuration.observability = ObservabilityConfiguration(listen: ListenAddress(host: "127.0.0.1", port: 0)) }
        let running = RunningCoordinator(logger: logger)
        configuration.port = try await running.start(configuration, clock: clock)
        self.running = running
        self.clock = clock
        self.configuration = configuration
        url = "https://127.0.0.1:\(configuration.port)"
    }

    /// Stops the coordinator gracefully and starts a new one on the same port and database.
    public func restartCoordinator() async throws {
        await running.stop()
        _ = try await running.start(configuration, clock: clock)
    }

    /// Stops the coordinator and removes the folder.
    private func stop() async {
        await running.stop()
        try? FileManager.default.removeItem(atPath: root)
    }
}

/// The coordinator's service group and the task that runs it (replaced on restart).
final class RunningCoordinator: Sendable {
    private let current = Mutex<(group: ServiceGroup, task: Task<Void, Error>, coordinator: Coordinator)?>(nil)
    private let metricsPort = Mutex<Int?>(nil)
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    var observabilityPort: Int? { metricsPort.withLock { $0 } }
    var coordinator: Coordinator? { current.withLock { $0?.coordinator } }

    /// Starts a coordinator and returns its port once it listens. The deadline sweep runs every
    /// 20 ms, so a test that steps a ``ManualClock`` past a deadline sees the audit close at once.
    func start(_ configuration: CoordinatorConfiguration, clock: AuditClock) async throws -> Int {
        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        let (metricsPorts, metricsListening) = AsyncStream.makeStream(of: Int.self)
        let (coordinator, services) = try await CoordinatorService.services(
            configuration: configuration, logger: logger, clock: clock, deadlineSweep: .milliseconds(20),
            onObservabilityListening: { port in
                metricsListening.yield(port)
                metricsListening.finish()
            }) { port in
            listening.yield(port)
            listening.finish()
        }
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, logger: logger))
        // Owned here: `stop()` ends this task and awaits it.
        let task = Task { try await group.run() }
        current.withLock { $0 = (group, task, coordinator) }
        if configuration.observability == nil {
            metricsListening.finish()
        } else {
            for await port in metricsPorts { metricsPort.withLock { $0 = port } }
        }
        for await port in ports { return port }
        await stop()
        throw CancellationError()
    }

    /// Shuts the coordinator down gracefully and waits until it has stopped.
    func stop() async {
        guard let (group, task, coordinator) = current.withLock({ running in defer { running = nil }; return running }) else { return }
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        // A PostgreSQL store's connections are closed before the store is released.
        await coordinator.store.close()
    }
}
