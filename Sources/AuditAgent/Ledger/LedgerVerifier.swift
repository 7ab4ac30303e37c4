import AuditWire
import Foundation

/// Checks an egress ledger (`fairuse agent ledger verify`) and names the first line that is wrong.
///
/// What it proves: every line is a ledger entry numbered by its line; each links to the one before;
/// each payload matches its SHA-256; each hash is the keyed hash of its fields (an edit, even with
/// the plain SHA-256 chain recomputed, fails without the key); every `ack` and `failed` answers an
/// earlier attempt; every head the coordinator acknowledged is still in the ledger with the same
/// hash; and the ledger reaches the state folder's head mark and, when given, the coordinator's
/// record of the site's head — so removing the last entries is detected. What it cannot prove:
/// that nothing left without an entry (a process that bypasses the agent), or, against someone who
/// holds the key and rewrites the tail the coordinator never saw (the acks and failures after the
/// last request), anything about that tail.
public enum LedgerVerifier {
    /// A problem found, at a line of the ledger file.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// 1-based line of the ledger file.
        public var line: Int
        /// What is wrong.
        public var message: String
        /// "ledger line N: message".
        public var description: String { "ledger line \(line): \(message)" }
    }

    /// Every entry, in order (an absent file is an empty ledger); a line that is not an entry is a
    /// ``Problem`` naming it.
    public static func entries(path: String) throws -> [LedgerEntry] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw LedgerError(file: path, message: "the egress ledger cannot be read as UTF-8 text")
        }
        guard !text.isEmpty else { return [] }
        return try text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0)
            .enumerated().map { index, line in
                do { return try JSONDecoder().decode(LedgerEntry.self, from: Data(line.utf8)) } catch {
                    let old = (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["kind"] as? String
                    if let old, ["hello", "result", "refusal", "progress"].contains(old) {
                        throw Problem(line: index + 1, message: "an entry of the unkeyed ledger of protocol 2 agents; "
                                      + "keep that file as their record and give this agent a new ledger file")
                    }
                    throw Problem(line: index + 1, message: "not a ledger entry")
                }
            }
    }

    /// Verifies the ledger at `path` with the key and head mark of `stateDirectory`, and against
    /// `coordinatorHead` (the coordinator's record, `GET /v1/agent/ledger-head`) when given.
    /// Returns the number of entries, or throws the first ``Problem``.
    @discardableResult
    public static func verify(path: String, stateDirectory: String, coordinatorHead: LedgerHead? = nil) throws -> Int {
        let all = try entries(path: path)
        let key = try LedgerKey(path: EgressLedger.keyPath(stateDirectory: stateDirectory), create: false)
        var previous = EgressLedger.genesis
        for (index, entry) in all.enumerated() {
            let line = index + 1
            guard entry.sequence == line else {
                throw Problem(line: line, message: "sequence \(entry.sequence), expected \(line) (an entry was removed, added or reordered)")
            }
            guard entry.previousHash == previous else {
                throw Problem(line: line, message: "chain broken: previous_hash is not the hash of line \(line - 1)")
            }
            guard EgressLedger.sha256(entry.payloadData) == entry.payloadSHA256 else {
                throw Problem(line: line, message: "the payload does not match its payload_sha256 (the payload was edited)")
            }
            guard EgressLedger.keyedHash(entry, key: key) == entry.hash else {
                throw Problem(line: line, message: "hash is not the keyed hash of the entry's fields "
                              + "(the entry was edited and its chain recomputed without the ledger key)")
            }
            try checkShape(entry, line: line, earlier: all[..<index])
            previous = entry.hash
        }
        for (index, entry) in all.enumerated() {
            guard let text = entry.coordinatorHead, let head = LedgerHead(text) else { continue }
            try reaches(head, all, by: "the coordinator's receipt in line \(index + 1)")
        }
        if let text = try? String(contentsOfFile: EgressLedger.headPath(stateDirectory: stateDirectory), encoding: .utf8) {
            guard let mark = LedgerHead(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw Problem(line: all.count, message: "the head mark \(EgressLedger.headPath(stateDirectory: stateDirectory)) is not <sequence>:<hash>")
            }
            try reaches(mark, all, by: "the agent's head mark (\(EgressLedger.headPath(stateDirectory: stateDirectory)))")
        } else if !all.isEmpty {
            throw Problem(line: all.count, message: "the head mark \(EgressLedger.headPath(stateDirectory: stateDirectory)) is missing")
        }
        if let coordinatorHead {
            try reaches(coordinatorHead, all, by: "the coordinator's record of this site's ledger head")
        }
        return all.count
    }

    /// An `ack` or `failed` answers an earlier attempt of the same task; an attempt names a message.
    private static func checkShape(_ entry: LedgerEntry, line: Int, earlier: ArraySlice<LedgerEntry>) throws {
        switch entry.kind {
        case .attempt:
            guard entry.message != nil, entry.answers == nil else {
                throw Problem(line: line, message: "an attempt must name its message and answer nothing")
            }
        case .ack, .failed:
            guard let answers = entry.answers, let attempt = earlier.first(where: { $0.sequence == answers }),
                  attempt.kind == .attempt, attempt.task == entry.task else {
                throw Problem(line: line, message: "\(entry.kind.rawValue) does not answer an earlier attempt of the same task")
            }
        }
    }

    /// The ledger still holds `head` unchanged: it is not shorter, and the entry has that hash.
    private static func reaches(_ head: LedgerHead, _ all: [LedgerEntry], by source: String) throws {
        guard head.sequence <= all.count else {
            throw Problem(line: all.count + 1, message: "truncated: \(source) is entry \(head.sequence), but the ledger ends "
                          + "at line \(all.count) (\(head.sequence - all.count) entr\(head.sequence - all.count == 1 ? "y" : "ies") removed)")
        }
        guard all[head.sequence - 1].hash == head.hash else {
            throw Problem(line: head.sequence, message: "rewritten: \(source) holds hash \(head.hash.prefix(16))… for this entry, "
                          + "the ledger \(all[head.sequence - 1].hash.prefix(16))…")
        }
    }
}
