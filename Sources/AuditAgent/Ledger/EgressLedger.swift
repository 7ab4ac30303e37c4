import AuditWire
import Crypto
import Foundation

/// The site's append-only record of everything it sent (ANCHORS.md §3 item 5): one JSON line per
/// outgoing message holding the exact payload, its SHA-256, and a SHA-256 chain over the entries,
/// so a hospital can show what left and detect any later edit or deletion (`fairuse agent ledger
/// show|verify`). The ledger is written *before* the payload is sent; a failed send leaves an
/// entry with `kind` … and a later `send_failed` note, never a silent gap.
public struct EgressLedger: Sendable {
    /// One entry.
    public struct Entry: Sendable, Codable, Equatable {
        /// 1-based position in the ledger.
        public var sequence: Int
        /// When the entry was written (UTC, ISO 8601 with milliseconds).
        public var recordedAt: String
        /// What was sent: "hello", "result", "refusal".
        public var kind: String
        /// The audit and task concerned, when any.
        public var audit: String?
        /// The task concerned, when any.
        public var task: String?
        /// The coordinator it was sent to.
        public var destination: String
        /// SHA-256 (hex) of the payload bytes.
        public var payloadSHA256: String
        /// The exact payload (the uncompressed JSON text that was compressed and sent).
        public var payload: String
        /// Hash of the previous entry (64 zeros for the first).
        public var previousHash: String
        /// SHA-256 over this entry's fields and `previousHash`.
        public var hash: String
    }

    /// A problem found by `verify`.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// 1-based line of the ledger file.
        public var line: Int
        /// What is wrong.
        public var message: String
        /// "ledger line N: message".
        public var description: String { "ledger line \(line): \(message)" }
    }

    /// The ledger file.
    public let path: String
    /// The clock of `recordedAt`.
    let clock: AuditClock
    static let genesis = String(repeating: "0", count: 64)

    /// A ledger at `path` (created on first append, with mode 0600), timestamped by `clock`.
    public init(path: String, clock: AuditClock = .system) {
        self.path = path
        self.clock = clock
    }

    /// Appends an entry for `payload` and returns it; the line is flushed to disk (fsync) before
    /// this returns, so the entry exists before anything is sent.
    @discardableResult
    public func append(kind: String, audit: String?, task: String?, destination: String, payload: Data) throws -> Entry {
        let date = clock.now()
        let existing = try entries()
        let previous = existing.last?.hash ?? Self.genesis
        var entry = Entry(sequence: existing.count + 1, recordedAt: Self.timestamp(date), kind: kind, audit: audit,
                          task: task, destination: destination, payloadSHA256: Self.sha256(payload),
                          payload: String(decoding: payload, as: UTF8.self), previousHash: previous, hash: "")
        entry.hash = Self.chainHash(entry)
        var line = try Self.encoder.encode(entry)
        line.append(0x0A)
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(fd) }
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(fd) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        return entry
    }

    /// Every entry, in order (an absent file is an empty ledger).
    public func entries() throws -> [Entry] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n", omittingEmptySubsequences: true).enumerated().map { index, line in
            do {
                return try JSONDecoder().decode(Entry.self, from: Data(line.utf8))
            } catch {
                throw Problem(line: index + 1, message: "not a ledger entry")
            }
        }
    }

    /// Checks every payload hash, every chain link and the numbering; returns the number of
    /// entries, or throws the first problem.
    @discardableResult
    public func verify() throws -> Int {
        let all = try entries()
        var previous = Self.genesis
        for (index, entry) in all.enumerated() {
            let line = index + 1
            guard entry.sequence == line else { throw Problem(line: line, message: "sequence \(entry.sequence), expected \(line) (an entry was removed or reordered)") }
            guard entry.previousHash == previous else { throw Problem(line: line, message: "chain broken: previous_hash does not match entry \(line - 1)") }
            guard Self.sha256(Data(entry.payload.utf8)) == entry.payloadSHA256 else { throw Problem(line: line, message: "payload does not match its SHA-256") }
            guard Self.chainHash(entry) == entry.hash else { throw Problem(line: line, message: "entry hash does not match its fields") }
            previous = entry.hash
        }
        return all.count
    }

    static func chainHash(_ e: Entry) -> String {
        let fields = [String(e.sequence), e.recordedAt, e.kind, e.audit ?? "", e.task ?? "", e.destination,
                      e.payloadSHA256, e.previousHash]
        return sha256(Data(fields.joined(separator: "\u{1F}").utf8))
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
