import AuditTestSupport
import AuditWire
import Foundation
import Testing
@testable import AuditAgent

@Suite("Egress ledger")
struct LedgerTests {
    /// A fresh ledger file and state folder.
    static func place() -> (ledger: String, state: String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return (root + "/egress-ledger.jsonl", root + "/state")
    }

    /// Three deliveries: a hello acknowledged, a result that failed in transit, the same bytes acknowledged.
    static func written(_ place: (ledger: String, state: String), clock: AuditClock = .system) throws -> [LedgerEntry] {
        let ledger = try EgressLedger(path: place.ledger, stateDirectory: place.state, clock: clock)
        defer { ledger.close() }
        let hello = try ledger.attempt(.hello, audit: nil, task: nil, destination: "https://c", payload: Data("{\"a\":1}".utf8))
        try ledger.acknowledge(hello, answer: Data("{}".utf8), coordinatorHead: hello.head)
        let first = try ledger.attempt(.result, audit: "aud_x", task: "tsk_y", destination: "https://c", payload: Data("{\"b\":2}".utf8))
        try ledger.fail(first, reason: "coordinator unreachable", retry: true)
        let second = try ledger.attempt(.result, audit: "aud_x", task: "tsk_y", destination: "https://c", payload: first.payloadData)
        try ledger.acknowledge(second, answer: Data("{\"receipt\":1}".utf8), coordinatorHead: second.head)
        return try LedgerVerifier.entries(path: place.ledger)
    }

    static func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    static func problem(_ place: (ledger: String, state: String), coordinatorHead: LedgerHead? = nil) -> LedgerVerifier.Problem? {
        do {
            try LedgerVerifier.verify(path: place.ledger, stateDirectory: place.state, coordinatorHead: coordinatorHead)
            return nil
        } catch {
            return error as? LedgerVerifier.Problem
        }
    }

    @Test func attemptsAndOutcomesChainAndVerify() throws {
        let place = Self.place()
        let entries = try Self.written(place)
        #expect(entries.map(\.kind) == [.attempt, .ack, .attempt, .failed, .attempt, .ack])
        #expect(entries.map(\.sequence) == Array(1...6))
        #expect(entries[3].answers == 3 && entries[3].retry == true && entries[5].answers == 5)
        #expect(entries[2].payloadSHA256 == entries[4].payloadSHA256)
        #expect(entries[5].coordinatorHead == "5:\(entries[4].hash)")
        #expect(try LedgerVerifier.verify(path: place.ledger, stateDirectory: place.state, coordinatorHead: entries[4].head) == 6)
        for path in [place.ledger, EgressLedger.keyPath(stateDirectory: place.state)] {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "\(path)")
        }
    }

    /// Removing the last entries is truncation, named as such: by the state folder's head mark,
    /// and by the coordinator's record of the head even when the head mark was rewritten to match.
    @Test func truncationIsDetected() throws {
        let place = Self.place()
        let entries = try Self.written(place)
        let lines = try Self.lines(place.ledger)
        try (lines.prefix(4).joined(separator: "\n") + "\n").write(toFile: place.ledger, atomically: true, encoding: .utf8)
        let local = try #require(Self.problem(place))
        #expect(local.line == 5)
        #expect(local.description.contains("truncated: the agent's head mark"))
        #expect(local.description.contains("is entry 6, but the ledger ends at line 4 (2 entries removed)"))
        // The head mark rewritten to the new end: the coordinator still holds entry 5.
        try (entries[3].head.description + "\n").write(toFile: EgressLedger.headPath(stateDirectory: place.state), atomically: true, encoding: .utf8)
        #expect(Self.problem(place) == nil)
        let remote = try #require(Self.problem(place, coordinatorHead: entries[4].head))
        #expect(remote.description == "ledger line 5: truncated: the coordinator's record of this site's ledger head is entry 5, "
                + "but the ledger ends at line 4 (1 entry removed)")
    }

    /// An edited payload with its SHA-256 and the whole chain recomputed (unkeyed, as anyone could)
    /// fails at the edited line: the entry hashes are keyed with the ledger key.
    @Test func anEditWithTheChainRecomputedIsDetected() throws {
        let place = Self.place()
        _ = try Self.written(place)
        var entries = try LedgerVerifier.entries(path: place.ledger)
        entries[2].payload = "{\"b\":3}"
        var previous = String(repeating: "0", count: 64)
        for i in entries.indices {
            entries[i].payloadSHA256 = EgressLedger.sha256(entries[i].payloadData)
            entries[i].previousHash = previous
            let fields = [String(entries[i].sequence), entries[i].recordedAt, entries[i].kind.rawValue, entries[i].payloadSHA256, previous]
            entries[i].hash = EgressLedger.sha256(Data(fields.joined(separator: "\u{1F}").utf8))
            previous = entries[i].hash
        }
        let text = try entries.map { String(decoding: try EgressLedger.encoder.encode($0), as: UTF8.self) }.joined(separator: "\n") + "\n"
        try text.write(toFile: place.ledger, atomically: true, encoding: .utf8)
        let problem = try #require(Self.problem(place))
        #expect(problem.line == 1)   // the first recomputed hash is already not the keyed one
        #expect(problem.message.contains("not the keyed hash"))
        // Only the payload edited, its hash updated: the keyed hash of line 3 no longer matches.
        let fresh = Self.place()
        _ = try Self.written(fresh)
        var lines = try Self.lines(fresh.ledger)
        var entry = try JSONDecoder().decode(LedgerEntry.self, from: Data(lines[2].utf8))
        entry.payload = "{\"b\":3}"
        entry.payloadSHA256 = EgressLedger.sha256(entry.payloadData)
        lines[2] = String(decoding: try EgressLedger.encoder.encode(entry), as: UTF8.self)
        try (lines.joined(separator: "\n") + "\n").write(toFile: fresh.ledger, atomically: true, encoding: .utf8)
        #expect(Self.problem(fresh)?.description == "ledger line 3: hash is not the keyed hash of the entry's fields "
                + "(the entry was edited and its chain recomputed without the ledger key)")
    }

    /// One writer: a second handle on the same ledger, and a second process holding its lock, are
    /// refused with an error naming the ledger file; nothing is written by the refused one.
    @Test func aSecondWriterIsRefused() throws {
        let place = Self.place()
        let first = try EgressLedger(path: place.ledger, stateDirectory: place.state)
        try first.attempt(.hello, audit: nil, task: nil, destination: "d", payload: Data("{}".utf8))
        let error = try #require(throws: LedgerError.self) { try EgressLedger(path: place.ledger, stateDirectory: place.state) }
        #expect(error.file == place.ledger)
        #expect(error.description.hasPrefix("\(place.ledger): the egress ledger is in use by another agent process"))
        first.close()
        // Another process (flock(1)) holds the lock.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = ["--exclusive", place.ledger, "sleep", "30"]
        try holder.run()
        defer { holder.terminate() }
        var refused: LedgerError?
        for _ in 0..<100 where refused == nil {
            do { try EgressLedger(path: place.ledger, stateDirectory: place.state).close(); Thread.sleep(forTimeInterval: 0.05) } catch let e as LedgerError { refused = e }
        }
        #expect(refused?.file == place.ledger)
        #expect(try LedgerVerifier.entries(path: place.ledger).count == 1)
    }

    /// Entries are stamped by the ledger's injected clock, in UTC with milliseconds.
    @Test func timestampsComeFromTheInjectedClock() throws {
        let time = ManualClock(start: Date(timeIntervalSince1970: 1_700_000_000.25))
        let place = Self.place()
        let ledger = try EgressLedger(path: place.ledger, stateDirectory: place.state, clock: time.clock)
        defer { ledger.close() }
        let first = try ledger.attempt(.hello, audit: nil, task: nil, destination: "d", payload: Data("{}".utf8))
        time.advance(by: 90)
        let second = try ledger.fail(first, reason: "x", retry: true)
        #expect(first.recordedAt == "2023-11-14T22:13:20.250Z")
        #expect(second.recordedAt == "2023-11-14T22:14:50.250Z")
    }

    /// Where a task's delivery stands decides whether the agent computes, resends or stops.
    @Test func deliveryFollowsTheLastAttempt() throws {
        let place = Self.place()
        let ledger = try EgressLedger(path: place.ledger, stateDirectory: place.state)
        defer { ledger.close() }
        #expect(try ledger.delivery(of: "tsk_y") == .none)
        let attempt = try ledger.attempt(.result, audit: "a", task: "tsk_y", destination: "d", payload: Data("{}".utf8))
        #expect(try ledger.delivery(of: "tsk_y") == .unacknowledged(attempt))
        try ledger.fail(attempt, reason: "unreachable", retry: true)
        #expect(try ledger.delivery(of: "tsk_y") == .unacknowledged(attempt))
        try ledger.fail(attempt, reason: "rejected", retry: false)
        #expect(try ledger.delivery(of: "tsk_y") == .rejected)
        try ledger.acknowledge(attempt, answer: Data(), coordinatorHead: nil)
        #expect(try ledger.delivery(of: "tsk_y") == .acknowledged)
    }

    /// A ledger whose key was removed cannot be extended or verified, naming the key file.
    @Test func aMissingKeyIsNamed() throws {
        let place = Self.place()
        _ = try Self.written(place)
        try FileManager.default.removeItem(atPath: EgressLedger.keyPath(stateDirectory: place.state))
        let error = try #require(throws: LedgerError.self) { try EgressLedger(path: place.ledger, stateDirectory: place.state) }
        #expect(error.file == EgressLedger.keyPath(stateDirectory: place.state))
        #expect(throws: LedgerError.self) { try LedgerVerifier.verify(path: place.ledger, stateDirectory: place.state) }
    }

    /// A ledger written by a protocol 2 agent (unkeyed entries) is not extended: the error names
    /// the file, the line and what to do, and the file is left as it was.
    @Test func anOldUnkeyedLedgerIsNamedNotExtended() throws {
        let place = Self.place()
        let old = #"{"destination":"d","hash":"x","kind":"hello","payload":"{}","payload_sha256":"y","previous_hash":"z","recorded_at":"t","sequence":1}"# + "\n"
        try old.write(toFile: place.ledger, atomically: true, encoding: .utf8)
        let error = try #require(throws: LedgerError.self) { try EgressLedger(path: place.ledger, stateDirectory: place.state) }
        #expect(error.description == "\(place.ledger): ledger line 1: an entry of the unkeyed ledger of protocol 2 agents; keep that file "
                + "as their record and give this agent a new ledger file; the agent appends only to a ledger it can read")
        #expect(try String(contentsOfFile: place.ledger, encoding: .utf8) == old)
    }
}
