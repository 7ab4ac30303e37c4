import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The plain-HTTP listener of `observability.listen` (see ``ObservabilityConfiguration`` for why
/// it is plain and loopback by default): `GET /metrics` (Prometheus text format 0.0.4),
/// `GET /healthz` (the process answers) and `GET /readyz` (``Readiness``). Nothing else is served.
enum ObservabilityServer {
    /// The listener as a service; `onListening` receives the bound port.
    static func application(configuration: ObservabilityConfiguration, coordinator: Coordinator, logger: Logger,
                            onListening: @escaping @Sendable (Int) async -> Void) -> some Service {
        let router = router(coordinator: coordinator)
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.listen.host, port: configuration.listen.port), serverName: nil),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    static func router(coordinator: Coordinator) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("healthz") { _, _ in text("ok\n") }
        router.get("readyz") { _, _ in
            let checks = await coordinator.readiness.checks(store: coordinator.store)
            let body = checks.map { "\($0.name): \($0.passed ? "ok" : "FAIL") (\($0.detail))\n" }.joined()
            return text((checks.allSatisfy(\.passed) ? "ready\n" : "not ready\n") + body,
                        status: checks.allSatisfy(\.passed) ? .ok : .serviceUnavailable)
        }
        router.get("metrics") { _, _ in
            do {
                let counts = try await coordinator.store.stateCounts()
                return text(coordinator.metrics.exposition(counts: counts), contentType: "text/plain; version=0.0.4; charset=utf-8")
            } catch {
                coordinator.logger.error("metrics: the store cannot be read", metadata: ["error": "\(error)"])
                return text("the store cannot be read\n", status: .serviceUnavailable)
            }
        }
        return router
    }

    static func text(_ body: String, status: HTTPResponse.Status = .ok, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(status: status, headers: [.contentType: contentType, .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// Marks the coordinator not ready as soon as graceful shutdown begins. It is the last service of
/// the group, so the group tells it first, before the API listener starts draining.
struct ShutdownWatcher: Service {
    let readiness: Readiness

    func run() async throws {
        try? await gracefulShutdown()
        readiness.markShuttingDown()
    }
}
