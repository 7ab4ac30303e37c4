import AuditCore
import AuditPKI
import AuditTable
import AuditWire
import Foundation
import Hummingbird
import HummingbirdHTTP2
import Logging
import NIOSSL
import ServiceLifecycle
import X509

/// The coordinator process: the HTTPS API (TLS 1.3, client certificate required), the combiner
/// and the deadline watcher, run as one `ServiceGroup` with graceful shutdown on SIGTERM/SIGINT.
/// State lives in SQLite or PostgreSQL; on start the open audits are resumed (combining audits are combined
/// again, overdue ones expire).
public enum CoordinatorService {
    /// The coordinator's software version.
    public static let version = FairuseVersion.current

    /// Builds the services of a coordinator; `onListening` receives the bound port, and
    /// `onObservabilityListening` that of the plain metrics and health listener when one is
    /// configured. `clock` is the wall clock of deadlines and timestamps, and `deadlineSweep` how
    /// often overdue audits are looked for (a test with a manual clock sweeps often).
    public static func services(configuration: CoordinatorConfiguration, logger: Logger, clock: AuditClock = .system,
                                deadlineSweep: Duration = .seconds(1),
                                onObservabilityListening: @escaping @Sendable (Int) async -> Void = { _ in },
                                onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws
        -> (coordinator: Coordinator, services: [any Service]) {
        let store = if let postgres = configuration.postgres {
            try await Store.open(postgres: postgres, connections: configuration.postgresConnections)
        } else {
            try await Store.open(path: configuration.databasePath)
        }
        // Replicas sharing a PostgreSQL store wake each other and share the sweep through it (a session
        // of their own, opened with the same location); a SQLite store has one coordinator.
        let link: ReplicaLink = store.postgresLocation.map { location in
            .postgres(connect: { logger in try await location.connect(logger: logger) })
        } ?? .local
        let coordinator = Coordinator(configuration: configuration, store: store, logger: logger, clock: clock, link: link)
        await store.openConnections()
        // A wrong file is named with its configuration key here, before swift-nio-ssl reads it.
        try TLSFiles.check(certificate: configuration.certificatePath, key: configuration.keyPath, ca: configuration.caPath)
        let ca = try PKIStore.loadCertificate(path: configuration.caPath)
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(configuration.certificatePath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: configuration.keyPath, format: .pem)))
        tls.minimumTLSVersion = .tlsv13
        // Requires and verifies a client certificate at the handshake, unless researchers with
        // read-only tokens are configured; then a certificate is optional at the TLS layer and the
        // authentication middleware admits a certificate-less request only with a valid token.
        tls.certificateVerification = configuration.researchers.isEmpty ? .noHostnameVerification : .optionalVerification
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(configuration.caPath))

        let revocations = try configuration.revocationListPath.map {
            try RevocationListFile(path: $0, ca: ca, whenStale: configuration.revocationListWhenStale, logger: logger)
        }
        let router = Self.router(coordinator: coordinator, ca: ca, peer: TLSPeerCertificate(), revocations: revocations)
        let portFile = configuration.portFile
        let apiBound = SetOnceFlag()
        let app = Application(
            router: router, server: try .http2Upgrade(tlsConfiguration: tls),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                apiBound.set()
                coordinator.readiness.markAPIListening()
                let port = channel.localAddress?.port ?? 0
                if let portFile { try? AtomicFile.write(Data("\(port)\n".utf8), to: portFile) }
                await onListening(port)
            },
            logger: logger)
        let api = ListeningService(listener: app, address: ListenAddress(host: configuration.host, port: configuration.port).description,
                                   setting: "listen (host, port) in the coordinator's configuration", bound: apiBound)
        var services: [any Service] = []
        if let observability = configuration.observability {
            // First in the group, so it is the last to stop: /readyz answers "shutting down" while the API drains.
            let bound = SetOnceFlag()
            let server = ObservabilityServer.application(configuration: observability, coordinator: coordinator, logger: logger) { port in
                bound.set()
                if let file = observability.portFile { try? AtomicFile.write(Data("\(port)\n".utf8), to: file) }
                logger.info("metrics and health listening (plain HTTP)", metadata: [
                    "address": "\(ListenAddress(host: observability.listen.host, port: port))", "routes": "/metrics /healthz /readyz"])
                await onObservabilityListening(port)
            }
            services.append(ListeningService(listener: server, address: observability.listen.description,
                                             setting: "observability.listen in the coordinator's configuration", bound: bound))
        }
        if let link = coordinator.replicaService { services.append(link) }
        services += [api, CombinerService(coordinator: coordinator), DeadlineService(coordinator: coordinator, interval: deadlineSweep),
                     ShutdownWatcher(readiness: coordinator.readiness)]
        return (coordinator, services)
    }

    /// The API: error mapping, authentication of the caller from `peer`, and every route.
    static func router(coordinator: Coordinator, ca: Certificate, peer: any PeerCertificateSource,
                       revocations: RevocationListFile? = nil) -> Router<CoordinatorContext> {
        let router = Router(context: CoordinatorContext.self)
        let observation = ObservationMiddleware(metrics: coordinator.metrics, routes: RouteTemplates(), logger: coordinator.logger, peer: peer)
        router.add(middleware: ErrorMappingMiddleware())
        router.add(middleware: observation)
        router.add(middleware: MethodNotAllowedMiddleware(routes: observation.routes))
        router.add(middleware: AuthenticationMiddleware(
            chains: VerifiedClientChains(ca: ca), registry: SiteRegistry(store: coordinator.store),
            researchers: ResearcherTokens(entries: coordinator.configuration.researchers), clock: coordinator.clock, peer: peer,
            revocations: revocations))
        RevocationListRoute(revocations: revocations).register(on: router)
        AgentRoutes(coordinator: coordinator).register(on: router)
        let operatorRoutes = OperatorRoutes(coordinator: coordinator)
        operatorRoutes.register(on: router)
        OperatorCertificateRoutes(coordinator: coordinator).register(on: router)
        SiteRotationRoutes(coordinator: coordinator).register(on: router)
        DashboardRoutes(coordinator: coordinator, operatorRoutes: operatorRoutes).register(on: router)
        EventRoutes(coordinator: coordinator).register(on: router)
        observation.routes.set(router.routes.map { ("\($0.path)", $0.method) })
        return router
    }

    /// Runs a coordinator until SIGTERM or SIGINT.
    public static func run(configuration: CoordinatorConfiguration, logger: Logger) async throws {
        let (coordinator, services) = try await services(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) },
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            await coordinator.store.close()
            throw error
        }
        // Every service has stopped: close the store's connections (PostgreSQL) before exiting.
        await coordinator.store.close()
    }
}
