import ArgumentParser
import AuditAgent
import AuditClient
import AuditCore
import AuditSpec
import AuditWire
import Foundation
import Logging
import ServiceLifecycle

/// `fairuse agent run|check|approve|ledger|releases`: the hospital side.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "Run the site agent and inspect what it sent.",
        subcommands: [Run.self, Check.self, Approve.self, Ledger.self, Releases.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Connect out to the coordinator and run audit tasks until SIGTERM.")
        @Option(help: "The agent's configuration file (agent.yaml).") var config: String
        @OptionGroup var logs: LogOptions
        func run() async throws {
            do {
                let configuration = try AgentConfiguration.load(path: config)
                logs.bootstrap(configuration.logging)
                let logger = Logger(label: "fairuse.agent.\(configuration.site)")
                let service = AgentService(configuration: configuration, logger: logger) { message in
                    FileHandle.standardError.write(Data("[\(configuration.site)] \(message)\n".utf8))
                }
                let group = ServiceGroup(configuration: .init(services: [.init(service: service)],
                                                              gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
                try await group.run()
            } catch { throw fail(error) }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Preflight: configuration, data against a spec, TLS handshake, clock skew.")
        @Option(help: "The agent's configuration file (agent.yaml).") var config: String
        @Option(help: "An audit spec to check the data against.") var spec: String?
        func run() async throws {
            var problems = 0
            func report(_ ok: Bool, _ text: String) { print("\(ok ? "ok  " : "FAIL") \(text)"); if !ok { problems += 1 } }
            let configuration: AgentConfiguration
            do { configuration = try AgentConfiguration.load(path: config); report(true, "configuration \(config)") } catch {
                report(false, "\(error)"); throw ExitCode(1)
            }
            for location in WritableLocation.all(for: configuration) {
                let problem = location.probe()
                report(problem == nil, problem ?? "\(location.what) \(location.path): writable (created, appended, synced, removed a probe)")
            }
            do {
                let header = try await DataHeader.read(configuration.data)
                report(header.problems.isEmpty, "data header: \(header.columns.count) columns"
                       + (header.problems.isEmpty ? "" : "; " + header.problems.joined(separator: "; ") + " — fix the data's header"))
                if let spec, let audit = try? AuditSpec.load(path: spec) {
                    let missing = header.missing(for: audit)
                    report(missing.isEmpty, missing.isEmpty
                           ? "the data has every column \(spec) reads (\(DataHeader.required(by: audit).count))"
                           : "the data lacks \(missing.count == 1 ? "column" : "columns") \(missing.map { "'\($0)'" }.joined(separator: ", ")) that \(spec) reads — add \(missing.count == 1 ? "it" : "them") to the data (or the SQL query), or ask the operator to change the spec")
                }
            } catch { report(false, "data: \(error) — check data in agent.yaml") }
            if configuration.policy.allowedModels.isEmpty || configuration.policy.allowedMetrics.isEmpty {
                report(false, "the policy allows no model or no metric: every audit will be refused (default-deny)")
            }
            if let spec {
                do {
                    let audit = try AuditSpec.load(path: spec)
                    if let refusal = configuration.policy.check(audit) { report(false, "the policy would refuse \(spec): \(refusal.reason)") }
                    var quick = audit
                    quick.tests.bootstrapReplicates = 0
                    let task = SiteTask(id: TaskID.generate(), audit: AuditID.generate(), spec: quick, rootSeed: 0, createdAt: Date(), deadline: nil)
                    switch await TaskRunner(site: try SiteID(validating: configuration.site), policy: configuration.policy, data: configuration.data).run(task) {
                    case .result(let r): report(true, "data fits \(spec): \(r.rowCounts.total) rows, \(r.suppressed.count) suppression finding(s)")
                    case .refusal(let r): report(false, "the task would be refused: \(r.code): \(r.reason)")
                    }
                } catch { report(false, "\(error)") }
            }
            do {
                // The check's hello leaves the site like any other message, so it is ledgered too;
                // while a running agent holds the ledger, no hello is sent.
                let ledger = try EgressLedger(path: configuration.ledgerPath, stateDirectory: configuration.stateDirectory)
                defer { ledger.close() }
                let client = try CoordinatorClient(baseURL: configuration.coordinatorURL, certificatePath: configuration.certificatePath,
                                                   keyPath: configuration.keyPath, caPath: configuration.caPath)
                let sender = LedgeredClient(client: client, ledger: ledger, destination: configuration.coordinatorURL)
                do {
                    let hello = try await sender.hello(AgentHello(
                        agentVersion: AuditAgentModule.version, site: try SiteID(validating: configuration.site),
                        policy: PolicySummary(allowedModelClasses: configuration.policy.allowedModels,
                                              allowedMetrics: configuration.policy.allowedMetrics, minCell: configuration.policy.minCell,
                                              maxGroups: configuration.policy.maxGroups, manualApproval: configuration.policy.manualApproval)))
                    report(true, "TLS 1.3 handshake and hello with \(configuration.coordinatorURL) (coordinator \(hello.coordinatorVersion)); "
                           + "hello ledgered in \(configuration.ledgerPath)")
                    let skew = abs(hello.serverTime.timeIntervalSinceNow)
                    report(skew < 300, "clock skew \(Int(skew)) s")
                } catch { report(false, "coordinator: \(error)") }
                try? await client.shutdown()
            } catch { report(false, "coordinator: \(error)") }
            if problems > 0 { throw ExitCode(1) }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve (or --decline) a task waiting for approval; without TASK, list them.",
            discussion: """
                Before recording an approval the command shows what the task would send: which groups are released or \
                withheld, which statistics per metric, how many numbers, and what the disclosure policy merges or \
                withholds (ECE on k of K bins). It computes this by running the task on the site's data exactly as the \
                agent would, sending nothing; --quick reads only the spec and the data's group counts instead.
                """)
        @Option(help: "The agent's configuration file (agent.yaml).") var config: String
        @Argument(help: "The task id shown by `fairuse agent approve` without one.") var task: String?
        @Flag(help: "Decline instead.") var decline = false
        @Flag(help: "Only show what would leave; record no decision.") var show = false
        @Flag(help: "Approve after showing what would leave, without asking.") var yes = false
        @Flag(help: "Do not fit the models: preview from the spec and the data's group counts only.") var quick = false
        func run() async throws {
            let configuration = try AgentConfiguration.load(path: config)
            let state = AgentState(directory: configuration.stateDirectory)
            guard let task else {
                for t in state.pending() { print("\(t.id)\t\(t.spec.name)\tspec \(t.specSHA256.prefix(16))…\tmetrics \(t.spec.metrics.map(\.rawValue).joined(separator: ","))") }
                print("fairuse agent approve --config \(config) TASK shows what a task would send, then asks.")
                return
            }
            if decline {
                try state.decide(task: task, approve: false)
                print("declined \(task)")
                return
            }
            guard let pending = state.pendingTask(task) else {
                throw CommandError("no pending task \(task) in \(configuration.stateDirectory)/pending")
            }
            // With the register, the preview shows the groups the cross-audit check would withhold.
            let runner = TaskRunner(site: try SiteID(validating: configuration.site), policy: configuration.policy,
                                    data: configuration.data, register: ReleaseRegister(stateDirectory: configuration.stateDirectory))
            if !quick {
                FileHandle.standardError.write(Data("running the task on this site's data to show exactly what it would send (as long as the task itself; --quick reads counts only)…\n".utf8))
            }
            let preview = quick ? await ReleasePreview.fromCounts(pending, runner: runner) : await ReleasePreview.computed(pending, runner: runner)
            print(preview.text, terminator: "")
            if show { return }
            if !yes {
                print("Approve task \(task)? [y/N] ", terminator: "")
                let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased()
                guard answer == "y" || answer == "yes" else {
                    print("not approved; no decision recorded")
                    return
                }
            }
            try state.decide(task: task, approve: true)
            print("approved \(task)")
        }
    }

    struct Ledger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or verify the egress ledger.",
            discussion: """
                verify checks every entry's numbering, chain link, payload hash and keyed hash (the key is \
                ledger-key in the state folder), that every acknowledgement answers an earlier attempt and still \
                matches the head the coordinator acknowledged, and that the ledger reaches the state folder's head \
                mark. It also asks the coordinator for its record of this site's ledger head (GET \
                /v1/agent/ledger-head) and checks the ledger still holds it; --offline skips that, \
                --require-coordinator fails when the coordinator cannot be asked.
                """)
        /// What to do with the ledger.
        enum Action: String, ExpressibleByArgument, CaseIterable { case show, verify }

        @Argument(help: "show: list the entries; verify: check the ledger (see below).") var action: Action
        @Option(help: "The agent's configuration file (agent.yaml).") var config: String
        @Flag(help: "verify: do not ask the coordinator for its record of the ledger head.") var offline = false
        @Flag(help: "verify: fail when the coordinator's record cannot be read.") var requireCoordinator = false
        func run() async throws {
            let configuration = try AgentConfiguration.load(path: config)
            switch action {
            case .show:
                for e in try LedgerVerifier.entries(path: configuration.ledgerPath) {
                    let what = e.message?.rawValue ?? e.answers.map { "→ \($0)" } ?? ""
                    print("\(e.sequence)\t\(e.recordedAt)\t\(e.kind.rawValue)\t\(what)\t\(e.audit ?? "-")\t\(e.task ?? "-")\t\(e.payload.utf8.count) bytes\tsha256 \(e.payloadSHA256.prefix(16))…")
                }
            case .verify:
                var coordinatorHead: LedgerHead?
                var source = "not asked (--offline)"
                if !offline {
                    do {
                        let record = try await Self.coordinatorRecord(configuration)
                        coordinatorHead = record.head
                        source = record.head.map { "holds entry \($0.sequence)" } ?? "holds no head for this site"
                    } catch {
                        if requireCoordinator { throw fail(CommandError("the coordinator's record of the ledger head could not be read: \(error)")) }
                        source = "unreachable (\(error)); verified against the local acknowledgements and head mark only"
                    }
                }
                do {
                    let count = try LedgerVerifier.verify(path: configuration.ledgerPath, stateDirectory: configuration.stateDirectory,
                                                          coordinatorHead: coordinatorHead)
                    print("ledger intact: \(count) entries; chain, payload and keyed hashes verified; coordinator \(source)")
                } catch {
                    throw fail(error)
                }
            }
        }

        static func coordinatorRecord(_ configuration: AgentConfiguration) async throws -> SiteLedgerHead {
            let client = try CoordinatorClient(baseURL: configuration.coordinatorURL, certificatePath: configuration.certificatePath,
                                               keyPath: configuration.keyPath, caPath: configuration.caPath)
            do {
                let record = try await client.ledgerHead()
                try await client.shutdown()
                return record
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }
}
