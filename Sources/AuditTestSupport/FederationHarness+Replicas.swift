import AuditCoordinator
import Foundation

extension FederationHarness {
    /// Runs `body` with a second coordinator replica on its own loopback port, sharing this
    /// federation's configuration, CA and store (the same SQLite file, opened again as a second
    /// process would), stopped gracefully afterwards. `body` gets the replica's URL and coordinator.
    public func withReplica<T>(_ body: (_ url: String, _ replica: Coordinator) async throws -> T) async throws -> T {
        var configuration = self.configuration
        configuration.port = 0
        configuration.portFile = nil
        configuration.observability = nil
        let running = RunningCoordinator(logger: Self.logger)
        let port = try await running.start(configuration, clock: clock)
        do {
            guard let replica = running.coordinator else { throw CancellationError() }
            let value = try await body("https://127.0.0.1:\(port)", replica)
            await running.stop()
            return value
        } catch {
            await running.stop()
            throw error
        }
    }
}

extension FederationHarness {
    /// Runs `body` with a handle of its own on the federation's store (the SQLite file, or the
    /// PostgreSQL database), as another coordinator process would open it, closed afterwards
    /// (a PostgreSQL store's connections must be closed before it is released).
    public func withOwnStore<T>(_ body: (Store) async throws -> T) async throws -> T {
        let store = if let postgres = configuration.postgres {
            try await Store.open(postgres: postgres, connections: 2)
        } else {
            try await Store.open(path: configuration.databasePath)
        }
        do {
            let value = try await body(store)
            await store.close()
            return value
        } catch {
            await store.close()
            throw error
        }
    }
}
