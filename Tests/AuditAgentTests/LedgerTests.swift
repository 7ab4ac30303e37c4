import AuditTestSupport
import Foundation
import Testing
@testable import AuditAgent

@Suite("Egress ledger")
struct LedgerTests {
    static func path() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString).jsonl").path
    }

    @Test func appendsChainsAndVerifies() throws {
        let ledger = EgressLedger(path: Self.path())
        defer { try? FileManager.default.removeItem(atPath: ledger.path) }
        let a = try ledger.append(kind: "hello", audit: nil, task: nil, destination: "https://c", payload: Data("{\"a\":1}".utf8))
        let b = try ledger.append(kind: "result", audit: "aud_x", task: "tsk_y", destination: "https://c", payload: Data("{\"b\":2}".utf8))
        #expect(a.sequence == 1 && b.sequence == 2 && b.previousHash == a.hash)
        #expect(try ledger.verify() == 2)
        #expect(try ledger.entries().last?.payload == "{\"b\":2}")
        let attributes = try FileManager.default.attributesOfItem(atPath: ledger.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test func detectsTampering() throws {
        let ledger = EgressLedger(path: Self.path())
        defer { try? FileManager.default.removeItem(atPath: ledger.path) }
        for i in 0..<3 {
            try ledger.append(kind: "result", audit: "a", task: "t\(i)", destination: "d", payload: Data("{\"n\":\(i)}".utf8))
        }
        var text = try String(contentsOfFile: ledger.path, encoding: .utf8)
        text = text.replacingOccurrences(of: "{\\\"n\\\":1}", with: "{\\\"n\\\":7}")
        try text.write(toFile: ledger.path, atomically: true, encoding: .utf8)
        #expect(throws: EgressLedger.Problem.self) { try ledger.verify() }
        // Removing a line breaks the numbering.
        let lines = text.split(separator: "\n")
        try (lines[0] + "\n" + lines[2] + "\n").write(toFile: ledger.path, atomically: true, encoding: .utf8)
        #expect { try ledger.verify() } throws: { ($0 as? EgressLedger.Problem)?.line == 2 }
    }

    /// Entries are stamped by the ledger's injected clock, in UTC with milliseconds.
    @Test func timestampsComeFromTheInjectedClock() throws {
        let time = ManualClock(start: Date(timeIntervalSince1970: 1_700_000_000.25))
        let ledger = EgressLedger(path: Self.path(), clock: time.clock)
        defer { try? FileManager.default.removeItem(atPath: ledger.path) }
        let first = try ledger.append(kind: "hello", audit: nil, task: nil, destination: "d", payload: Data("{}".utf8))
        time.advance(by: 90)
        let second = try ledger.append(kind: "result", audit: "a", task: "t", destination: "d", payload: Data("{}".utf8))
        #expect(first.recordedAt == "2023-11-14T22:13:20.250Z")
        #expect(second.recordedAt == "2023-11-14T22:14:50.250Z")
        #expect(try ledger.verify() == 2)
    }
}
