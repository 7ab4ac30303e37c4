import AuditCore
import AuditPostgres
import AuditTestSupport
import Foundation
import Synchronization
import Testing
@testable import AuditCoordinator

/// The backends a store test runs on.
enum StoreBackendKind: String, Sendable, CaseIterable {
    case sqlite
    case postgres
}

/// What one run of a test opened, so it can be closed and dropped afterwards.
final class StoreScope: Sendable {
    let backend: StoreBackendKind
    private let stores = Mutex<[Store]>([])
    private let databases = Mutex<[PostgresLocation]>([])
    private let directories = Mutex<[URL]>([])

    init(backend: StoreBackendKind) { self.backend = backend }

    func track(_ store: Store) { stores.withLock { $0.append(store) } }
    func track(_ database: PostgresLocation) { databases.withLock { $0.append(database) } }
    func track(_ directory: URL) { directories.withLock { $0.append(directory) } }

    /// Closes every store, drops every database and removes every directory this run made.
    func cleanUp() async {
        for store in stores.withLock({ $0 }) { await store.close() }
        for database in databases.withLock({ $0 }) {
            do { try await TestPostgres.dropDatabase(database) } catch { Issue.record("could not drop \(database): \(error)") }
        }
        for directory in directories.withLock({ $0 }) { try? FileManager.default.removeItem(at: directory) }
    }
}

/// Runs each test of a suite twice: on SQLite, then on PostgreSQL (each run with databases of its own,
/// dropped at the end). Without `FAIRUSE_TEST_POSTGRES_URL` only the SQLite run happens, and
/// ``StorePostgresAvailability`` shows the skip.
struct BothStoreBackends: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    func scopeProvider(for test: Test, testCase: Test.Case?) -> BothStoreBackends? {
        test.isSuite ? nil : self
    }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        for backend in StoreFixture.backends {
            let scope = StoreScope(backend: backend)
            do {
                try await StoreFixture.$scope.withValue(scope) { try await function() }
            } catch {
                await scope.cleanUp()
                throw error
            }
            await scope.cleanUp()
        }
    }
}

extension Trait where Self == BothStoreBackends {
    /// Runs every test twice, on SQLite and on PostgreSQL (see ``BothStoreBackends``).
    static var bothStoreBackends: Self { BothStoreBackends() }
}

/// Shows, as a skipped test, that the PostgreSQL half of the store suites did not run.
@Suite struct StorePostgresAvailability {
    @Test(.enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.skipReason)))
    func storeSuitesAlsoRunOnPostgreSQL() async throws {
        let location = try await TestPostgres.createDatabase()
        let store = try await Store.open(postgres: location, connections: 2)
        #expect(store.postgresLocation == location)
        await store.close()
        try await TestPostgres.dropDatabase(location)
    }

    /// A serving coordinator opens its pool at start, not during the first burst of requests; the
    /// count is the server's own (`pg_stat_activity`), seen from another session.
    @Test(.enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.skipReason)))
    func aPostgreSQLStoreOpensItsWholePoolAtOnce() async throws {
        let location = try await TestPostgres.createDatabase()
        let store = try await Store.open(postgres: location, connections: 3)
        let count = "SELECT COUNT(*)::text FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        #expect(try await TestPostgres.query(count, in: location) == ["1"], "one connection after opening: the migration's")
        #expect(await store.openConnections() == 3)
        #expect(try await TestPostgres.query(count, in: location) == ["3"])
        #expect(await store.openConnections() == 3, "a second call opens nothing more")
        #expect(try await TestPostgres.query(count, in: location) == ["3"])
        await store.close()
        try await TestPostgres.dropDatabase(location)
    }
}

/// Shared stores, launches and helpers for the store tests.
enum StoreFixture {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    static let deadline = t0.addingTimeInterval(3_600)

    /// The backends to run on: SQLite always, PostgreSQL when a test server is configured.
    static let backends: [StoreBackendKind] = TestPostgres.isAvailable ? [.sqlite, .postgres] : [.sqlite]

    /// The current run's scope (set by ``BothStoreBackends``); nil means SQLite without tracking.
    @TaskLocal static var scope: StoreScope?

    /// The backend of the current run.
    static var backend: StoreBackendKind { scope?.backend ?? .sqlite }

    /// An empty, migrated store on the current run's backend: in memory for SQLite, a new database
    /// (dropped after the test) for PostgreSQL.
    static func emptyStore() async throws -> Store {
        guard let scope, scope.backend == .postgres else { return try await Store.inMemory() }
        let location = try await TestPostgres.createDatabase()
        scope.track(location)
        let store = try await Store.open(postgres: location, connections: 4)
        scope.track(store)
        return store
    }

    /// A store with sites registered (fingerprints `fp-<id>`).
    static func store(sites: [SiteID] = ["a", "b", "c"]) async throws -> Store {
        let store = try await emptyStore()
        for site in sites { try await store.registerSite(id: site, fingerprint: "fp-\(site)", at: t0) }
        return store
    }

    /// Something that opens the same durable store again and again, as a restarted coordinator does:
    /// a SQLite file in a temporary directory, or one PostgreSQL database.
    static func durableStore() async throws -> @Sendable () async throws -> Store {
        let scope = scope ?? StoreScope(backend: .sqlite)
        switch scope.backend {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            scope.track(directory)
            let path = directory.appendingPathComponent("coordinator.sqlite").path
            return { try await Store.open(path: path) }
        case .postgres:
            let location = try await TestPostgres.createDatabase()
            scope.track(location)
            return {
                let store = try await Store.open(postgres: location, connections: 4)
                scope.track(store)
                return store
            }
        }
    }

    /// A launch over `sites` with task ids `<audit>-<site>`.
    static func audit(_ id: String = "audit-1", sites: [SiteID] = ["a", "b", "c"], minSites: Int = 2,
                      requiredSites: [SiteID] = ["a"], rootSeed: UInt64 = 42) -> NewAudit {
        NewAudit(id: AuditID(stringLiteral: id), name: "sepsis fairness", specYAML: "fairuse: 1\noutcome: died\n", specSHA256: "spec-sha",
                 sites: sites, minSites: minSites, requiredSites: requiredSites, deadline: deadline,
                 rootSeed: rootSeed, taskIDs: Dictionary(uniqueKeysWithValues: sites.map { ($0, TaskID(stringLiteral: "\(id)-\($0)")) }))
    }

    /// A store with audit-1 over a, b, c and audit-2 over the same sites, cancelled: a batch over
    /// both spans audits and holds a rejection (the batch tests' set-up).
    static func twoAuditsSecondCancelled() async throws -> Store {
        let store = try await store()
        try await store.createAudit(audit("audit-1"), at: t0)
        try await store.createAudit(audit("audit-2", minSites: 1, requiredSites: []), at: t0)
        try await AuditLifecycle(store: store).apply(.cancelRequested, to: "audit-2", at: t0)
        return store
    }

    /// A temporary directory, removed after `body`.
    static func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(directory)
    }

    /// The number of rows in `table`.
    static func count(_ table: String, in store: Store) async throws -> Int {
        Int(try await store.column(raw: "SELECT COUNT(*) FROM \(table)").first??.description ?? "0") ?? 0
    }
}
