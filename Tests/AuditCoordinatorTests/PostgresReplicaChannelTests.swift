import AuditCore
import AuditPostgres
import Foundation
import Logging
import PostgresNIO
import Synchronization
import Testing
@testable import AuditCoordinator

/// The replicas' link through a real PostgreSQL server (one fresh database per test): wake-ups by
/// LISTEN/NOTIFY reach the other replica's long-polls, one replica holds the sweep's advisory lock
/// (checked against `pg_locks`) until its session dies, and a lost session is re-established.
@Suite("Replicas over PostgreSQL: LISTEN/NOTIFY and the sweep lock", .serialized,
       .enabled(if: ReplicaTestDatabase.isAvailable, ReplicaTestDatabase.skipReason))
struct PostgresReplicaChannelTests {
    typealias Replica = (channel: PostgresReplicaChannel, signals: TaskSignals)

    /// Runs `count` replica channels on `location` while `body` runs, each connected first.
    static func withReplicas<T: Sendable>(_ count: Int, on location: PostgresLocation,
                                          _ body: ([Replica]) async throws -> T) async throws -> T {
        let replicas: [Replica] = (0..<count).map { index in
            let signals = TaskSignals()
            var logger = ReplicaTestDatabase.logger
            logger[metadataKey: "replica"] = "\(index)"
            let channel = PostgresReplicaChannel(signals: signals, logger: logger, backoff: (.milliseconds(50), .milliseconds(400))) { logger in
                try await location.connect(logger: logger)
            }
            return (channel, signals)
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for replica in replicas { group.addTask { try await replica.channel.run() } }
            do {
                for replica in replicas {
                    let up = await ReplicaTestDatabase.eventually { replica.channel.isConnected }
                    try #require(up, "a replica's LISTEN session did not come up")
                }
                let value = try await body(replicas)
                group.cancelAll()
                return value
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    /// Runs one statement on its own connection (an administrator's, or a hostile sender's).
    static func execute(_ sql: String, on location: PostgresLocation) async throws {
        try await location.withConnection(logger: ReplicaTestDatabase.logger) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: ReplicaTestDatabase.logger)
        }
    }

    /// The server processes holding the sweep's advisory lock in this test's database, from
    /// `pg_locks` (the key's high and low 32 bits are `classid` and `objid`; other databases of the
    /// cluster, e.g. other tests', hold the same key).
    static func sweepLockHolders(on location: PostgresLocation) async throws -> [Int32] {
        let key = PostgresReplicaChannel.sweepLockKey
        let high = Int64(key >> 32), low = Int64(key & 0xFFFF_FFFF)
        return try await location.withConnection(logger: ReplicaTestDatabase.logger) { connection in
            var pids: [Int32] = []
            let rows = try await connection.query("""
                SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                AND classid::bigint = \(high) AND objid::bigint = \(low) AND objsubid = 1
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """, logger: ReplicaTestDatabase.logger)
            for try await pid in rows.decode(Int32.self) { pids.append(pid) }
            return pids
        }
    }

    @Test func aWakeUpOnOneReplicaReachesTheOthersLongPolls() async throws {
        try await ReplicaTestDatabase.withDatabase { location in
            try await Self.withReplicas(2, on: location) { replicas in
                let (a, b) = (replicas[0], replicas[1])
                let seenBeta = await b.signals.generation(of: "beta")
                // A long-poll parked on replica b for 60 s, woken by a transition on replica a.
                let woken = Flag()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    let seen = await b.signals.generation(of: "alpha")
                    group.addTask {
                        await b.signals.wait(site: "alpha", seen: seen, timeout: .seconds(60))
                        woken.set()
                    }
                    try await Task.sleep(for: .milliseconds(100))
                    await a.channel.wake(["alpha"])
                    #expect(await ReplicaTestDatabase.eventually { woken.isSet }, "the long-poll on the other replica was not woken")
                    group.cancelAll()
                }
                #expect(await b.signals.generation(of: "beta") == seenBeta, "a site nobody notified was woken")

                // Anyone with access to the database can NOTIFY: malformed ids are ignored, valid ones only wake.
                let before = await b.signals.generation(of: "gamma"), upper = await b.signals.generation(of: "beta")
                try await Self.execute("SELECT pg_notify('fairuse_tasks', 'BETA,../etc/passwd,,gamma,' || repeat('x', 100))", on: location)
                #expect(await ReplicaTestDatabase.eventually { await b.signals.generation(of: "gamma") != before })
                #expect(await b.signals.generation(of: "beta") == upper)
            }
        }
    }

    @Test func oneReplicaHoldsTheSweepLockUntilItsSessionDies() async throws {
        try await ReplicaTestDatabase.withDatabase { location in
            try await Self.withReplicas(2, on: location) { replicas in
                let (a, b) = (replicas[0].channel, replicas[1].channel)
                let swept = Log()
                #expect(await a.runExclusively { swept.append("a") })
                #expect(await b.runExclusively { swept.append("b") } == false)
                #expect(await a.runExclusively { swept.append("a") })
                #expect(swept.entries == ["a", "a"])
                let aPID = try #require(a.backendPID)
                #expect(try await Self.sweepLockHolders(on: location) == [aPID])

                // Replica a's session dies (as when its process is killed): PostgreSQL releases the
                // lock, replica b takes it, and a, reconnected, no longer sweeps.
                try await Self.execute("SELECT pg_terminate_backend(\(aPID))", on: location)
                #expect(await ReplicaTestDatabase.eventually { await b.runExclusively {} })
                #expect(await ReplicaTestDatabase.eventually { a.sessionCount == 2 && a.isConnected })
                #expect(await a.runExclusively {} == false)
                let bPID = try #require(b.backendPID)
                #expect(try await Self.sweepLockHolders(on: location) == [bPID])
            }
        }
    }

    @Test func aLostSessionIsReestablishedAndWakesItsWaiters() async throws {
        try await ReplicaTestDatabase.withDatabase { location in
            try await Self.withReplicas(2, on: location) { replicas in
                let (a, b) = (replicas[0], replicas[1])
                let woken = Flag()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    // A long-poll on b for a site nobody notifies: the reconnection wakes it to re-read
                    // the store, since notifications sent while b was away are lost.
                    let seen = await b.signals.generation(of: "delta")
                    group.addTask {
                        await b.signals.wait(site: "delta", seen: seen, timeout: .seconds(60))
                        woken.set()
                    }
                    try await Task.sleep(for: .milliseconds(100))
                    try await Self.execute("SELECT pg_terminate_backend(\(try #require(b.channel.backendPID)))", on: location)
                    #expect(await ReplicaTestDatabase.eventually { b.channel.sessionCount == 2 && b.channel.isConnected })
                    #expect(await ReplicaTestDatabase.eventually { woken.isSet })
                    group.cancelAll()
                }
                let before = await b.signals.generation(of: "gamma")
                await a.channel.wake(["gamma"])
                #expect(await ReplicaTestDatabase.eventually { await b.signals.generation(of: "gamma") != before })
            }
        }
    }
}

/// The NOTIFY payload format, without a server.
@Suite("Replica wake-up payloads")
struct ReplicaWakeUpPayloadTests {
    /// Many sites are sent in several NOTIFY payloads, each under PostgreSQL's 8000-byte limit, together naming every site once.
    @Test func longSiteListsAreSplitUnderThePayloadLimit() throws {
        let sites = try (0..<2000).map { try SiteID(validating: "site-\(String(repeating: "x", count: 20))-\($0)") }
        let payloads = PostgresReplicaChannel.payloads(sites + sites.prefix(10))
        #expect(payloads.count > 1)
        #expect(payloads.allSatisfy { $0.utf8.count <= 7000 })
        let named = payloads.flatMap { PostgresReplicaChannel.sites(in: $0) }
        #expect(named.count == sites.count && Set(named) == Set(sites))
    }

    @Test func aPayloadNamesOnlyValidSiteIDs() {
        #expect(PostgresReplicaChannel.sites(in: "alpha,BETA,,../x,beta-2,a b") == ["alpha", "beta-2"])
        #expect(PostgresReplicaChannel.sites(in: "").isEmpty)
        #expect(PostgresReplicaChannel.payloads([]).isEmpty)
    }
}

/// A flag set from another task.
final class Flag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

/// Lines appended from other tasks.
final class Log: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var entries: [String] { lines.withLock { $0 } }
}
