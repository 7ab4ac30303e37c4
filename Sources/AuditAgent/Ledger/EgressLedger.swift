import AuditWire
import Crypto
import Foundation
import Synchronization

/// The site's append-only record of everything it sent (ANCHORS.md §3 item 5), one JSON line per
/// ``LedgerEntry``: an `attempt` with the exact payload before every send, then an `ack` with the
/// coordinator's receipt or a `failed` entry with the reason. Entries are chained with a keyed hash
/// (``LedgerKey``), and the agent's state folder keeps a head mark (`ledger-head`) of the last
/// entry written, so `fairuse agent ledger verify` (``LedgerVerifier``) detects an edited entry, a
/// recomputed chain and a truncated tail; the coordinator's record of the head (protocol §13) does
/// so even against someone who holds the key.
///
/// One writer: opening takes an exclusive `flock` on the ledger file, held until the ledger is
/// closed (for the agent's lifetime), so a second agent on the same ledger is refused instead of
/// writing the same sequence numbers.
public final class EgressLedger: Sendable {
    /// The ledger file.
    public let path: String
    /// The head mark in the state folder: `sequence:hash` of the last entry written.
    public let headPath: String
    let key: LedgerKey
    let clock: AuditClock
    private let state: Mutex<State>
    static let genesis = String(repeating: "0", count: 64)

    struct State {
        var fd: Int32
        var last: LedgerEntry?
        var lastAttempt: LedgerEntry?
    }

    /// The key file and head mark of a ledger whose agent keeps its state in `stateDirectory`.
    public static func keyPath(stateDirectory: String) -> String { stateDirectory + "/ledger-key" }
    /// See ``keyPath(stateDirectory:)``.
    public static func headPath(stateDirectory: String) -> String { stateDirectory + "/ledger-head" }

    /// Opens (creating, 0600) the ledger at `path` for writing, with its key and head mark in
    /// `stateDirectory` (the key is created on first use). Throws ``LedgerError`` naming the file
    /// when another process holds the ledger, or when it cannot be opened or its key is missing.
    public init(path: String, stateDirectory: String, clock: AuditClock = .system) throws {
        self.path = path
        self.clock = clock
        headPath = Self.headPath(stateDirectory: stateDirectory)
        try? FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw LedgerError(file: path, message: "the egress ledger cannot be opened for writing (\(String(cString: strerror(errno))))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            Foundation.close(fd)
            throw LedgerError(file: path, message: "the egress ledger is in use by another agent process; "
                              + "one agent per ledger (stop the other agent, or give this one its own ledger and state_dir)")
        }
        do {
            let existing = try LedgerVerifier.entries(path: path)
            key = try LedgerKey(path: Self.keyPath(stateDirectory: stateDirectory), create: existing.isEmpty)
            state = Mutex(State(fd: fd, last: existing.last, lastAttempt: existing.last { $0.kind == .attempt }))
        } catch let problem as LedgerVerifier.Problem {
            Foundation.close(fd)
            throw LedgerError(file: path, message: "\(problem); the agent appends only to a ledger it can read")
        } catch {
            Foundation.close(fd)
            throw error
        }
    }

    deinit {
        state.withLock { state in
            if state.fd >= 0 { Foundation.close(state.fd) }
        }
    }

    /// Releases the lock and the file; later writes throw.
    public func close() {
        state.withLock { state in
            if state.fd >= 0 { Foundation.close(state.fd) }
            state.fd = -1
        }
    }

    /// The head of the last attempt, which every request carries (nil before the first).
    public var lastAttemptHead: LedgerHead? { state.withLock { $0.lastAttempt?.head } }

    /// Records a message about to be sent; the line is on disk (fsync) before this returns.
    @discardableResult
    public func attempt(_ message: LedgerEntry.Message, audit: String?, task: String?, destination: String,
                        payload: Data) throws -> LedgerEntry {
        try append(kind: .attempt, message: message, answers: nil, audit: audit, task: task, destination: destination,
                   payload: String(decoding: payload, as: UTF8.self), coordinatorHead: nil, retry: nil)
    }

    /// Records the coordinator's acknowledgement of `attempt`: its answer and the head it holds.
    @discardableResult
    public func acknowledge(_ attempt: LedgerEntry, answer: Data, coordinatorHead: LedgerHead?) throws -> LedgerEntry {
        try append(kind: .ack, message: nil, answers: attempt.sequence, audit: attempt.audit, task: attempt.task,
                   destination: attempt.destination, payload: String(decoding: answer, as: UTF8.self),
                   coordinatorHead: coordinatorHead?.description, retry: nil)
    }

    /// Records that `attempt` was not acknowledged, why, and whether resending its bytes can help.
    @discardableResult
    public func fail(_ attempt: LedgerEntry, reason: String, retry: Bool) throws -> LedgerEntry {
        try append(kind: .failed, message: nil, answers: attempt.sequence, audit: attempt.audit, task: attempt.task,
                   destination: attempt.destination, payload: reason, coordinatorHead: nil, retry: retry)
    }

    /// Where the delivery of a task's answer (result or refusal) stands, from the ledger.
    public enum Delivery: Sendable, Equatable {
        /// Nothing was attempted for the task.
        case none
        /// The last attempt was acknowledged.
        case acknowledged
        /// The last attempt was refused by the coordinator; resending cannot help.
        case rejected
        /// The last attempt has no outcome or failed in transit: resend its exact bytes.
        case unacknowledged(LedgerEntry)
    }

    /// The delivery of `task`'s result or refusal, judged by its last attempt.
    public func delivery(of task: String) throws -> Delivery {
        let entries = try LedgerVerifier.entries(path: path)
        guard let attempt = entries.last(where: { $0.kind == .attempt && $0.task == task
                                                  && ($0.message == .result || $0.message == .refusal) }) else { return .none }
        let outcome = entries.last { $0.answers == attempt.sequence }
        switch outcome?.kind {
        case .ack: return .acknowledged
        case .failed where outcome?.retry == false: return .rejected
        default: return .unacknowledged(attempt)
        }
    }

    private func append(kind: LedgerEntry.Kind, message: LedgerEntry.Message?, answers: Int?, audit: String?, task: String?,
                        destination: String, payload: String, coordinatorHead: String?, retry: Bool?) throws -> LedgerEntry {
        let recordedAt = Self.timestamp(clock.now())
        return try state.withLock { state in
            guard state.fd >= 0 else { throw LedgerError(file: path, message: "the egress ledger was closed") }
            var entry = LedgerEntry(sequence: (state.last?.sequence ?? 0) + 1, recordedAt: recordedAt, kind: kind,
                                    message: message, answers: answers, audit: audit, task: task, destination: destination,
                                    payloadSHA256: Self.sha256(Data(payload.utf8)), payload: payload,
                                    coordinatorHead: coordinatorHead, retry: retry,
                                    previousHash: state.last?.hash ?? Self.genesis, hash: "")
            entry.hash = Self.keyedHash(entry, key: key)
            var line = try Self.encoder.encode(entry)
            line.append(0x0A)
            let written = line.withUnsafeBytes { write(state.fd, $0.baseAddress, $0.count) }
            guard written == line.count, fsync(state.fd) == 0 else {
                throw LedgerError(file: path, message: "an entry could not be written in full (\(String(cString: strerror(errno)))); "
                                  + "nothing was sent")
            }
            state.last = entry
            if kind == .attempt { state.lastAttempt = entry }
            try writeHeadMark(entry.head)
            return entry
        }
    }

    /// The head mark: replaced atomically after every entry.
    private func writeHeadMark(_ head: LedgerHead) throws {
        do {
            try Data((head.description + "\n").utf8).write(to: URL(fileURLWithPath: headPath), options: .atomic)
        } catch {
            throw LedgerError(file: headPath, message: "the ledger head mark could not be written")
        }
    }

    /// HMAC-SHA256 with the ledger key over every field but `hash`, joined by the unit separator.
    static func keyedHash(_ e: LedgerEntry, key: LedgerKey) -> String {
        let fields = [String(e.sequence), e.recordedAt, e.kind.rawValue, e.message?.rawValue ?? "", e.answers.map(String.init) ?? "",
                      e.audit ?? "", e.task ?? "", e.destination, e.payloadSHA256, e.coordinatorHead ?? "",
                      e.retry.map { $0 ? "retry" : "final" } ?? "", e.previousHash]
        return key.mac(fields.joined(separator: "\u{1F}"))
    }

    /// Lowercase hex SHA-256.
    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
