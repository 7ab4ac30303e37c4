import Synchronization

/// What `/readyz` reports: ready when the API listener is up (so the TLS certificate, key and CA
/// were loaded and accepted), the store takes a write, and no shutdown has begun — a load balancer
/// then stops sending new work while the coordinator drains.
final class Readiness: Sendable {
    private let state = Mutex<(apiListening: Bool, shuttingDown: Bool)>((false, false))

    /// The API listener is bound with its TLS configuration.
    func markAPIListening() { state.withLock { $0.apiListening = true } }

    /// Graceful shutdown has begun.
    func markShuttingDown() { state.withLock { $0.shuttingDown = true } }

    /// One check: its name, whether it passed, and in words why not.
    struct Check: Sendable {
        let name: String
        let passed: Bool
        let detail: String
    }

    /// The checks, in a fixed order; the store is probed with a real write.
    func checks(store: Store) async -> [Check] {
        let (listening, stopping) = state.withLock { ($0.apiListening, $0.shuttingDown) }
        var storeDetail = "writable"
        var storeOK = true
        do { try await store.probeWrite() } catch {
            storeOK = false
            storeDetail = "not writable: \(error)"
        }
        return [
            Check(name: "tls", passed: listening, detail: listening ? "API listening with its certificate" : "API listener not started"),
            Check(name: "store", passed: storeOK, detail: storeDetail),
            Check(name: "shutdown", passed: !stopping, detail: stopping ? "shutting down" : "running"),
        ]
    }
}
