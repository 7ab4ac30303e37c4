import AuditCoordinator
import Foundation
import Testing
@testable import fairuse

/// The command line as a new user meets it: every argument explained, one error prefix, exit
/// statuses as documented, no usage text after a file error, and the README's table complete.
@Suite("The command line", .enabled(if: CommandRunner.executable != nil, "the fairuse executable is built beside the tests"))
struct CommandLineTests {
    /// Every argument of every subcommand, from `--experimental-dump-help`.
    struct Argument {
        var command: String, name: String, abstract: String, defaultValue: String?
    }

    static func arguments() throws -> [Argument] {
        let dump = try CommandRunner.run(["--experimental-dump-help"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(dump.output.utf8)) as? [String: Any])
        var out: [Argument] = []
        func walk(_ command: [String: Any], _ path: String) {
            for argument in command["arguments"] as? [[String: Any]] ?? [] {
                let names = (argument["names"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                out.append(Argument(command: path, name: names.first ?? argument["valueName"] as? String ?? "?",
                                    abstract: argument["abstract"] as? String ?? "", defaultValue: argument["defaultValue"] as? String))
            }
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                walk(sub, path + " " + (sub["commandName"] as? String ?? "?"))
            }
        }
        walk(try #require(json["command"] as? [String: Any]), "fairuse")
        return out
    }

    @Test func everyArgumentHasHelpAndNoDefaultIsPrintedTwice() throws {
        let arguments = try Self.arguments()
        #expect(arguments.count > 100)
        for argument in arguments where argument.command != "fairuse help" {   // ArgumentParser's own
            #expect(!argument.abstract.isEmpty, "\(argument.command) \(argument.name) has no help")
            if argument.defaultValue != nil {
                #expect(!argument.abstract.lowercased().contains("default"), "\(argument.command) \(argument.name) states its default by hand")
            }
        }
    }

    @Test func theReadmeListsEverySubcommand() throws {
        let readme = try String(contentsOf: CommandRunner.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let table = readme.split(separator: "\n").filter { $0.hasPrefix("| `fairuse") }.joined(separator: "\n")
        for command in Fairuse.configuration.subcommands {
            let name = command._commandName
            let rows = table.split(separator: "\n").filter { $0.contains("`fairuse \(name)") }
            #expect(!rows.isEmpty, "README's command table lacks fairuse \(name)")
            for sub in command.configuration.subcommands {
                #expect(rows.contains { $0.contains(sub._commandName) }, "README's command table lacks fairuse \(name) \(sub._commandName)")
            }
        }
    }

    @Test func helpDocumentsTheExitStatuses() throws {
        let help = try CommandRunner.run(["--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("Exit status: 0 success"))
        #expect(help.output.contains("64 usage error"))
    }

    @Test func aFileErrorHasThePrefixStatusTwoAndNoUsage() throws {
        for command in [["report", "/nonexistent/report.json"], ["compare", "/nonexistent/report.json"],
                        ["agent", "ledger", "show", "--config", "/nonexistent/agent.yaml"]] {
            let result = try CommandRunner.run(command)
            #expect(result.status == ExitStatus.failure, "\(command)")
            #expect(result.error.hasPrefix("fairuse: error: /nonexistent/"), "\(command): \(result.error)")
            #expect(!result.error.contains("Usage:"), "\(command)")
        }
    }

    @Test func aUsageErrorHasThePrefixStatus64AndTheUsage() throws {
        let result = try CommandRunner.run(["report", "x.json", "--format", "xml"])
        #expect(result.status == ExitStatus.usage)
        #expect(result.error.hasPrefix("fairuse: error: The value 'xml' is invalid for '--format <format>'"))
        #expect(result.error.contains("Usage: fairuse report"))
    }

    @Test func aMissingOutputFolderIsFoundBeforeTheAuditRuns() throws {
        let spec = CommandRunner.repository.appendingPathComponent("Sites/specs/flchain_5y_mortality.yaml").path
        let result = try CommandRunner.run(["local", "--spec", spec, "--out", "/nonexistent/out/report.json"])
        #expect(result.status == ExitStatus.failure)
        #expect(result.error == "fairuse: error: cannot write /nonexistent/out/report.json: the folder /nonexistent/out does not exist\n")
        #expect(result.output.isEmpty, "the audit ran before the folder was checked")
    }

    @Test func pkiErrorsNameTheOverwriteFlag() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try CommandRunner.run(["pki", "init", "--dir", folder.path]).status == 0)
        let again = try CommandRunner.run(["pki", "init", "--dir", folder.path])
        #expect(again.status == ExitStatus.failure)
        #expect(again.error == "fairuse: error: \(folder.path)/ca.pem: already exists; pass --overwrite to replace it\n")
        #expect(try CommandRunner.run(["pki", "init", "--dir", folder.path, "--overwrite"]).status == 0)
    }

    @Test(arguments: ["0", "-3", "3651"])
    func aValidityOutsideOneToTenYearsIsAUsageErrorAndWritesNothing(_ days: String) throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try CommandRunner.run(["pki", "init", "--dir", folder.path]).status == 0)
        let before = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        let result = try CommandRunner.run(["pki", "issue", "site", "alpha", "--dir", folder.path, "--days=\(days)"])
        #expect(result.status == ExitStatus.usage)
        #expect(result.error.contains("--days must be 1 … 3650, found \(days)"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == before, "no certificate was written")
    }

    /// The documented deployment: the site makes its key and request, the operator signs the request.
    @Test func aSiteRequestsAndTheOperatorSigns() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try CommandRunner.run(["pki", "init", "--dir", "pki"], in: folder).status == 0)
        let request = try CommandRunner.run(["pki", "request", "--site", "st-olav", "--out", "site"], in: folder)
        #expect(request.status == 0, "\(request.error)")
        let key = folder.appendingPathComponent("site/site-st-olav-key.pem").path
        #expect(try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int == 0o600)
        let signed = try CommandRunner.run(["pki", "sign", "--csr", "site/site-st-olav.csr", "--dir", "pki", "--days", "30"], in: folder)
        #expect(signed.status == 0, "\(signed.error)")
        #expect(signed.output.hasPrefix("site st-olav certificate written to pki/site-st-olav.pem; fingerprint "))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("pki/site-st-olav-key.pem").path),
                "the CA machine never holds the site's key")
        let both = try CommandRunner.run(["pki", "request", "--site", "a", "--operator", "b", "--out", "x"], in: folder)
        #expect(both.status == ExitStatus.usage && both.error.contains("give exactly one of --site ID or --operator NAME"))
    }

    /// A request for a CA certificate is refused with the file and the reason, and the CA writes nothing.
    @Test func aHostileRequestIsRefusedAndNothingIsWritten() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try CommandRunner.run(["pki", "init", "--dir", "pki"], in: folder).status == 0)
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.currentDirectoryURL = folder
        openssl.arguments = ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "k.pem",
                             "-subj", "/CN=fairuse site x1", "-addext", "basicConstraints=critical,CA:true", "-out", "ca-please.csr"]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        let before = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("pki").path).sorted()
        let result = try CommandRunner.run(["pki", "sign", "--csr", "ca-please.csr", "--dir", "pki"], in: folder)
        #expect(result.status == ExitStatus.failure)
        #expect(result.error == "fairuse: error: ca-please.csr: expected no requested extension but subjectAltName "
                + "\"urn:fairuse:site:x1\" (the CA sets usages and constraints itself), found extension basicConstraints (2.5.29.19)\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("pki").path).sorted() == before)
    }

    @Test(arguments: ["alice", "@alice", "dr.smith@hospital.org"])
    func coordinatorTokenPrintsOnlyLinesTheCoordinatorAccepts(_ name: String) throws {
        let result = try CommandRunner.run(["coordinator", "token", name])
        #expect(result.status == 0)
        let yaml = "tls: { certificate: c.pem, key: k.pem, ca: ca.pem }\ndatabase: sqlite:f.db\n" + result.output
        let configuration = try CoordinatorConfiguration.parse(yaml: yaml, file: "coordinator.yaml")
        #expect(configuration.researchers.map(\.name) == [name])
        #expect(result.error.contains("(shown once)"))
    }

    @Test func aContinuousOutcomeReportNamesOnlyItsOwnTests() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = CommandRunner.repository.appendingPathComponent("Sites/specs/flchain_creatinine.yaml").path
        let local = try CommandRunner.run(["local", "--spec", spec, "--bootstrap", "0", "--no-interventions", "--quiet"], in: folder)
        #expect(local.status == 0, "\(local.error)")
        for format in ["table", "md", "csv", "html"] {
            let rendered = try CommandRunner.run(["report", "fairuse-report.json", "--format", format], in: folder)
            #expect(rendered.status == 0)
            #expect(!rendered.output.contains("McNemar") && !rendered.output.contains("DeLong"), "--format \(format)")
        }
        let compared = try CommandRunner.run(["compare", "fairuse-report.json", "--format", "html"], in: folder)
        #expect(compared.status == 0)
        #expect(!compared.output.contains("McNemar") && !compared.output.contains("DeLong"))
    }

    @Test func theDemoRunsFromAnyFolder() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["demo", "--bootstrap", "0", "--work", folder.appendingPathComponent("work").path], in: folder)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("· audit complete"))
        // The demo coordinator serves /metrics; the demo reads it back after the audit.
        #expect(result.output.contains("· metrics and health on http://127.0.0.1:"))
        #expect(result.output.contains("fairuse_audits{state=\"complete\"} 1"))
    }
}

@Suite("Command-line pieces")
struct CommandPieceTests {
    @Test func outputFoldersAreCheckedForExistence() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try OutputPaths.check(files: [folder.appendingPathComponent("r.json").path, nil], folders: [folder.appendingPathComponent("a/b").path])
        #expect(throws: CommandError.self) { try OutputPaths.check(files: [folder.appendingPathComponent("missing/r.json").path]) }
        #expect(throws: CommandError.self) { try OutputPaths.check(files: [folder.path]) }
    }

    @Test func theBundledSitesAreFoundFromTheCurrentFolderTheExecutableOrTheCheckout() throws {
        let candidates = BundledSites.candidates(currentDirectory: "/tmp/x", executable: "/repo/.build/debug/fairuse",
                                                 sourceFile: "/checkout/Sources/fairuse/BundledSites.swift")
        #expect(candidates == ["/tmp/x/Sites", "/repo/.build/debug/Sites", "/repo/.build/Sites", "/repo/Sites",
                               "/checkout/Sites"])
        let found = try BundledSites.locate(currentDirectory: "/", executable: "/nonexistent/fairuse",
                                            sourceFile: CommandRunner.repository.appendingPathComponent("Sources/fairuse/BundledSites.swift").path)
        #expect(found == CommandRunner.repository.appendingPathComponent("Sites").path)
    }

    @Test func theFormatOptionListsTheSharedFormats() {
        #expect(ReportFormat.allValueStrings == ["table", "json", "md", "csv", "html"])
        #expect(ReportFormat(argument: "none") == .silent)
    }
}
