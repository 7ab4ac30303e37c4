import AuditSpec
import AuditTestSupport
import Foundation
import Testing
@testable import AuditAgent

/// What `agent check` and `agent run` probe before anything is sent: every path the agent writes,
/// and the data's header against a spec. Unwritable paths are made with a parent that is a
/// regular file, which stops root too (tests may run as root, where a chmod does not).
@Suite("Agent preflight: writable paths and the data's header")
struct PreflightTests {
    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fairuse-preflight-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func configuration(in root: String, ledger: String, state: String, data: String = BundledSites.data("olmsted-north")) throws
        -> AgentConfiguration {
        let yaml = """
            site: north
            coordinator: https://127.0.0.1:1
            tls: { certificate: c.pem, key: k.pem, ca: ca.pem }
            data: { csv: \(data) }
            ledger: \(ledger)
            state_dir: \(state)
            """
        return try AgentConfiguration.parse(yaml: yaml, file: root + "/agent.yaml")
    }

    @Test func writablePathsPassAndLeaveNothingBehind() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let configuration = try Self.configuration(in: root, ledger: "logs/ledger.jsonl", state: "state")
        let locations = WritableLocation.all(for: configuration)
        #expect(locations.map(\.path) == [root + "/state", root + "/state/completed", root + "/state/approvals", root + "/state/pending",
                                          root + "/logs/ledger.jsonl"])
        #expect(locations.compactMap { $0.probe() } == [])
        // The folders now exist (as the agent would make them), empty: every probe was removed.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/state").sorted() == ["approvals", "completed", "pending"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/logs") == [])
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/state/pending") == [])
        try WritableLocation.requireAll(for: configuration)
    }

    @Test func aLedgerUnderAFileNamesThePathAndTheSetting() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Data("not a folder\n".utf8).write(to: URL(fileURLWithPath: root + "/blocked"))
        let configuration = try Self.configuration(in: root, ledger: "blocked/ledger.jsonl", state: "state")
        let problems = WritableLocation.all(for: configuration).compactMap { $0.probe() }
        #expect(problems == ["the egress ledger \(root)/blocked/ledger.jsonl: \(root)/blocked is a file, not a folder — "
                             + "fix the path or its permissions for the agent's user, or change ledger in agent.yaml"])
        let error = try #require(throws: UnwritableLocationError.self) { try WritableLocation.requireAll(for: configuration) }
        #expect(error.problems == problems)
        // The file in the way is untouched.
        #expect(try String(contentsOfFile: root + "/blocked", encoding: .utf8) == "not a folder\n")
    }

    @Test func aStateFolderBelowAFileCannotBeCreated() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Data().write(to: URL(fileURLWithPath: root + "/file"))
        let configuration = try Self.configuration(in: root, ledger: "ledger.jsonl", state: "file/state")
        let problem = try #require(WritableLocation.all(for: configuration).first?.probe())
        #expect(problem.hasPrefix("the state folder \(root)/file/state: cannot create the folder \(root)/file/state: "))
        #expect(problem.hasSuffix(" — fix the path or its permissions for the agent's user, or change state_dir in agent.yaml"))
    }

    @Test func aLedgerThatIsAFolderIsNamed() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/ledger.jsonl", withIntermediateDirectories: true)
        let configuration = try Self.configuration(in: root, ledger: "ledger.jsonl", state: "state")
        #expect(WritableLocation.all(for: configuration).compactMap { $0.probe() }
                == ["the egress ledger \(root)/ledger.jsonl: \(root)/ledger.jsonl is a folder, not a file — "
                    + "fix the path or its permissions for the agent's user, or change ledger in agent.yaml"])
    }

    @Test func theHeaderNamesEveryColumnASpecNeedsAndLacks() async throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let header = try await DataHeader.read(.csv(path: BundledSites.data("olmsted-north")))
        #expect(header.columns == ["sex", "age_group", "sample_yr", "kappa", "lambda", "flc_grp", "creatinine", "mgus", "death_5y"])
        #expect(header.problems == [])
        let spec = try BundledSites.spec(bootstrap: 0)
        #expect(header.missing(for: spec) == [])
        // The same data without the outcome and one group attribute.
        let trimmed = root + "/trimmed.csv"
        try Data("\u{FEFF}\"sex\",kappa,\"lambda, free\",kappa\r\nfemale,1,2,3\r\n".utf8).write(to: URL(fileURLWithPath: trimmed))
        let cut = try await DataHeader.read(.csv(path: trimmed))
        #expect(cut.columns == ["sex", "kappa", "lambda, free", "kappa"])
        #expect(cut.problems == ["column 'kappa' appears twice"])
        #expect(cut.missing(for: spec) == DataHeader.required(by: spec).filter { !["sex", "kappa"].contains($0) })
        #expect(cut.missing(for: spec).contains(spec.outcome.column))
    }

    @Test func anEmptyOrMissingDataFileIsNamed() async throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Data().write(to: URL(fileURLWithPath: root + "/empty.csv"))
        await #expect(throws: DataHeaderError.self) { try await DataHeader.read(.csv(path: root + "/empty.csv")) }
        do { _ = try await DataHeader.read(.csv(path: root + "/empty.csv")) } catch {
            #expect("\(error)" == "\(root)/empty.csv: the data file is empty; expected a header line")
        }
        do { _ = try await DataHeader.read(.csv(path: root + "/absent.csv")) } catch {
            #expect("\(error)" == "\(root)/absent.csv: cannot open the data file for reading (No such file or directory)")
        }
    }
}
