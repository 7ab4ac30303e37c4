import AuditAgent
import AuditTestSupport
import Foundation
import Testing

/// `fairuse agent check` and `fairuse agent ledger verify` as a hospital runs them (the built
/// executable) against a real coordinator: the check's hello is ledgered, a running agent's ledger
/// is not touched, and verify asks the coordinator for its record of the head.
@Suite("Agent command and the ledger")
struct AgentCommandLedgerTests {
    static let executable: URL? = {
        let folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let candidate = folder.appendingPathComponent("fairuse")
        return FileManager.default.isExecutableFile(atPath: candidate.path) ? candidate : nil
    }()

    /// Runs `fairuse arguments…` without blocking a concurrency thread; returns status and output.
    static func run(_ arguments: [String], root: String) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = try #require(executable)
        process.arguments = arguments
        let out = root + "/out-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        while process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        try handle.close()
        return (process.terminationStatus, try String(contentsOfFile: out, encoding: .utf8))
    }

    @Test func theCheckHelloIsLedgeredAndVerifiedAgainstTheCoordinator() async throws {
        try await FederationHarness.withFederation { federation in
            try await federation.addSite("alpha")
            let configuration = try federation.agentConfiguration(site: "alpha", dataPath: BundledSites.data("olmsted-north"))
            let config = federation.root + "/alpha.yaml"
            let check = try await Self.run(["agent", "check", "--config", config], root: federation.root)
            #expect(check.status == 0, "\(check.output)")
            #expect(check.output.contains("hello ledgered in \(configuration.ledgerPath)"))
            let entries = try LedgerVerifier.entries(path: configuration.ledgerPath)
            #expect(entries.map(\.kind) == [.attempt, .ack] && entries[0].message == .hello)
            #expect(entries[1].coordinatorHead == entries[0].head.description)

            let verify = try await Self.run(["agent", "ledger", "verify", "--config", config], root: federation.root)
            #expect(verify.status == 0, "\(verify.output)")
            #expect(verify.output.contains("ledger intact: 2 entries; chain, payload and keyed hashes verified; coordinator holds entry 1"))

            // While an agent holds the ledger, check sends nothing and says why.
            let held = try EgressLedger(path: configuration.ledgerPath, stateDirectory: configuration.stateDirectory)
            let busy = try await Self.run(["agent", "check", "--config", config], root: federation.root)
            held.close()
            #expect(busy.status == 1)
            #expect(busy.output.contains("\(configuration.ledgerPath): the egress ledger is in use by another agent process"))
            #expect(try LedgerVerifier.entries(path: configuration.ledgerPath).count == 2)

            // The last entry removed: verify fails and names it.
            let lines = try String(contentsOfFile: configuration.ledgerPath, encoding: .utf8).split(separator: "\n")
            try (lines[0] + "\n").write(toFile: configuration.ledgerPath, atomically: true, encoding: .utf8)
            let truncated = try await Self.run(["agent", "ledger", "verify", "--config", config], root: federation.root)
            #expect(truncated.status != 0)
            #expect(truncated.output.contains("ledger line 2: truncated: the agent's head mark"), "\(truncated.output)")
        }
    }
}
