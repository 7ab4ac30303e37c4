import AuditCore
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The replicas' link through the PostgreSQL they share: one dedicated session per replica that
/// `LISTEN`s on ``channel`` and forwards each notification to this process's long-polls, sends the
/// `NOTIFY` of this replica's transitions, and holds the sweep's advisory lock.
///
/// The session is reconnected after a loss with exponential backoff (``backoff``); on each
/// (re)connection every local long-poll is woken once, since notifications sent while the session
/// was down are lost. While it is down, wake-ups stay local, other replicas' agents learn of new
/// tasks at their long-poll's timeout, and this replica does not sweep (another one does).
///
/// The sweep lock is a session-level `pg_try_advisory_lock(``sweepLockKey``)`: the first replica to
/// take it keeps it for the life of its session, so one replica sweeps; when it dies or loses its
/// session PostgreSQL releases the lock and the next replica's attempt takes it.
final class PostgresReplicaChannel: WakeUpBroadcast, SweepLock, Service {
    /// Opens a new session (``AuditPostgres/PostgresLocation/connect(logger:id:environment:connectTimeout:on:)``).
    typealias Connector = @Sendable (Logger) async throws -> PostgresConnection

    /// The `LISTEN`/`NOTIFY` channel; the payload is comma-separated site ids.
    static let channel = "fairuse_tasks"
    /// The advisory lock key of the sweep: the bytes of "fairuse\u{1}" as a big-endian Int64.
    static let sweepLockKey: Int64 = 0x6661_6972_7573_6501
    /// A `NOTIFY` payload must stay under 8000 bytes; longer site lists are sent in several.
    static let maxPayloadBytes = 7000

    private struct Session {
        var connection: PostgresConnection
        /// The server process of the session (`pg_backend_pid()`), for logs and `pg_locks`.
        var backendPID: Int32
        var holdsSweepLock = false
    }

    let signals: TaskSignals
    let connect: Connector
    let logger: Logger
    /// First and longest wait between reconnection attempts.
    let backoff: (first: Duration, longest: Duration)
    private let session = Mutex<Session?>(nil)
    /// How many sessions were established, for the backoff (reset once a session was up) and tests.
    private let sessions = Mutex(0)

    init(signals: TaskSignals, logger: Logger, backoff: (first: Duration, longest: Duration) = (.milliseconds(250), .seconds(10)),
         connect: @escaping Connector) {
        self.signals = signals
        self.connect = connect
        self.logger = logger
        self.backoff = backoff
    }

    /// Whether the `LISTEN` session is up (for tests and logs).
    var isConnected: Bool { session.withLock { $0 != nil } }

    /// The server process id of the current session, if it is up.
    var backendPID: Int32? { session.withLock { $0?.backendPID } }

    /// How many times a listening session was established (1 until the first loss).
    var sessionCount: Int { sessions.withLock { $0 } }

    /// Keeps a listening session open until shutdown, reconnecting with backoff.
    func run() async throws {
        var delay = backoff.first
        var failures = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let sessionsBefore = sessions.withLock { $0 }
            do {
                let connection = try await connect(logger)
                defer { drop(connection) }
                do {
                    try await cancelWhenGracefulShutdown { try await self.listen(on: connection) }
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            } catch {
                if Task.isShuttingDownGracefully || Task.isCancelled { break }
                if sessions.withLock({ $0 }) != sessionsBefore { delay = backoff.first; failures = 0 }
                failures += 1
                // PostgresLocation's errors name user@host:port/db and the key; PSQLError's description
                // is generic by design. Neither carries the password.
                logger.warning("the link to the other replicas (PostgreSQL LISTEN) failed; wake-ups stay local and long-polls re-read at their timeout until it is back",
                               metadata: ["error": "\(Self.describe(error))", "failures": "\(failures)", "retry_in": "\(delay)"])
            }
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            let wait = delay
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
            delay = min(delay * 2, backoff.longest)
        }
    }

    /// Listens on `connection` until it closes or the task is cancelled.
    private func listen(on connection: PostgresConnection) async throws {
        var pid: Int32 = 0
        for try await value in try await connection.query("SELECT pg_backend_pid()", logger: logger).decode(Int32.self) { pid = value }
        let backendPID = pid
        try await connection.listen(on: Self.channel) { notifications in
            let count = sessions.withLock { count in
                count += 1
                return count
            }
            session.withLock { $0 = Session(connection: connection, backendPID: backendPID) }
            logger.info("listening for the other replicas' wake-ups (PostgreSQL LISTEN \(Self.channel))",
                        metadata: ["session": "\(count)", "backend_pid": "\(backendPID)"])
            // Anything sent while the session was down is lost: every waiting long-poll re-reads.
            await signals.notifyAll()
            for try await notification in notifications {
                await signals.notify(Self.sites(in: notification.payload))
            }
        }
    }

    private func drop(_ connection: PostgresConnection) {
        session.withLock { current in
            if current?.connection === connection { current = nil }
        }
    }

    /// Wakes this replica's long-polls at once, then every replica's through `NOTIFY` (which comes
    /// back here too; a second wake-up only makes a poll re-read).
    func wake(_ sites: [SiteID]) async {
        guard !sites.isEmpty else { return }
        await signals.notify(sites)
        guard let connection = session.withLock({ $0?.connection }) else { return }
        for payload in Self.payloads(sites) {
            do {
                try await connection.query("SELECT pg_notify(\(Self.channel), \(payload))", logger: logger)
            } catch {
                logger.warning("could not notify the other replicas; their long-polls re-read at their timeout", metadata: ["error": "\(Self.describe(error))"])
                return
            }
        }
    }

    /// Runs `body` if this replica holds (or now takes) the sweep's advisory lock on its session.
    func runExclusively(_ body: @Sendable () async -> Void) async -> Bool {
        guard let (connection, holds) = session.withLock({ $0.map { ($0.connection, $0.holdsSweepLock) } }) else { return false }
        if !holds {
            do {
                let rows = try await connection.query("SELECT pg_try_advisory_lock(\(Self.sweepLockKey))", logger: logger)
                var taken = false
                for try await value in rows.decode(Bool.self) { taken = value }
                guard taken else { return false }
            } catch {
                return false
            }
            let kept = session.withLock { current -> Bool in
                guard current?.connection === connection else { return false }
                current?.holdsSweepLock = true
                return true
            }
            guard kept else { return false }
            logger.info("this replica now runs the sweep (PostgreSQL advisory lock taken)")
        }
        await body()
        return true
    }

    /// The `NOTIFY` payloads for `sites`: comma-separated ids, each payload under ``maxPayloadBytes``.
    static func payloads(_ sites: [SiteID]) -> [String] {
        var out: [String] = [], current = ""
        for site in Set(sites).map(\.rawValue).sorted() {
            if !current.isEmpty && current.utf8.count + 1 + site.utf8.count > maxPayloadBytes {
                out.append(current)
                current = ""
            }
            current += current.isEmpty ? site : "," + site
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// The site ids in a payload; anything that is not a site id is ignored (a notification is only
    /// a hint to re-read the store, whoever sent it).
    static func sites(in payload: String) -> [SiteID] {
        payload.split(separator: ",").compactMap { SiteID(rawValue: String($0)) }
    }
}

extension ReplicaLink {
    /// Replicas sharing a PostgreSQL store: wake-ups by `LISTEN`/`NOTIFY` and the sweep under an
    /// advisory lock, on one dedicated session per replica opened by `connect`.
    public static func postgres(connect: @escaping @Sendable (Logger) async throws -> PostgresConnection) -> ReplicaLink {
        ReplicaLink { signals, logger in
            let channel = PostgresReplicaChannel(signals: signals, logger: logger, connect: connect)
            return (channel, channel, channel)
        }
    }
}

extension PostgresReplicaChannel {
    /// An error for the log: postgres-nio's code and the server's message and SQLSTATE (e.g.
    /// `server: terminating connection due to administrator command (57P01)`), never the query's
    /// arguments or the password; other errors (``AuditPostgres``'s connection errors name the key
    /// and `user@host:port/db`) as they describe themselves.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        var text = "\(error.code)"
        if let message = error.serverInfo?[.message] { text += ": \(message)" }
        if let state = error.serverInfo?[.sqlState] { text += " (\(state))" }
        return text
    }
}
