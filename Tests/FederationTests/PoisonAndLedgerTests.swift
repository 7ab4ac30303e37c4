import AuditAgent
import AuditClient
import AuditCoordinator
import AuditCore
import AuditPKI
import AuditSpec
import AuditTestSupport
import AuditWire
import Foundation
import Testing

/// Issue 11, items 2 and 3, in a real federation (mutual TLS on loopback, the real store): a
/// poisoned result cannot complete an audit, and the ledger proves what left.
@Suite("Poisoned results and the egress ledger")
struct PoisonAndLedgerTests {
    static let policy = SitePolicy(allowedModels: ["logistic_regression"], allowedMetrics: ["error"],
                                   allowedTechniques: ["onehot", "intersectional", "decoupled"], minCell: 1)

    static func spec() throws -> AuditSpec {
        var spec = try BundledSites.spec(bootstrap: 0)
        spec.metrics = [.error]
        return spec
    }

    /// A site's honest result for its task, computed by the agent's own runner on bundled data.
    static func result(for task: SiteTask, site: String, data: String) async throws -> TaskResult {
        let runner = TaskRunner(site: try SiteID(validating: site), policy: policy, data: .csv(path: BundledSites.data(data)))
        guard case .result(let result) = await runner.run(task) else { throw CancellationError() }
        return result
    }

    /// The 1.7e308 log-loss attack: refused with 422 naming the field and the bound, nothing stored,
    /// the site's task failed with that reason; the audit ends `partial`, never `complete`, with
    /// the site named in the report and no absurd value in it.
    @Test func aPoisonedLogLossCannotCompleteTheAudit() async throws {
        try await FederationHarness.withFederation { federation in
            try await federation.addSite("alpha")
            try await federation.addSite("beta")
            let launch = LaunchAuditRequest(specYAML: try Self.spec().yaml(),
                                            sites: [try SiteID(validating: "alpha"), try SiteID(validating: "beta")], minSites: 1)
            let audit = try await federation.withOperator { try await $0.launch(launch) }.id
            let error = try await federation.withSiteClient("alpha") { alpha -> AgentError? in
                let task = try #require(try await alpha.tasks(wait: 0).first)
                var poisoned = try await Self.result(for: task, site: "alpha", data: "olmsted-north")
                poisoned.techniques[0].statistics.groups[0]?.logLossSum[0] = 1.7e308
                do { _ = try await alpha.submit(task: task.id, json: try PayloadCodec.encodeJSON(poisoned)); return nil } catch let e as AgentError { return e }
            }
            #expect(error?.code == .rejected && error?.wireCode == .inconsistentCounts)
            #expect(error?.message.hasPrefix("1.7e+308 exceeds the group's count") == true, "\(String(describing: error))")
            try await federation.withSiteClient("beta") { beta in
                let task = try #require(try await beta.tasks(wait: 0).first)
                _ = try await beta.submit(task: task.id, json: try PayloadCodec.encodeJSON(try await Self.result(for: task, site: "beta", data: "olmsted-south")))
            }
            let end = try await federation.waitForEnd(audit)
            #expect(end.state == .partial)
            let alphaStatus = try #require(end.sites.first { $0.site.rawValue == "alpha" })
            #expect(alphaStatus.state == .failed)
            #expect(alphaStatus.detail?.contains("result rejected: techniques[0].statistics.groups[0].log_loss_sum[0]: 1.7e+308 exceeds") == true,
                    "\(String(describing: alphaStatus.detail))")
            let store = try await Store.open(path: federation.configuration.databasePath)
            #expect(try await store.submissions(of: audit).count == 1)   // beta's only
            let report = try await federation.withOperator { try await $0.report(audit, format: "json") }
            #expect(report.contains("not in the pooled result: alpha (failed: result rejected: "))
            // The only huge number in the report is the one the rejection names; no statistic holds it.
            #expect(report.components(separatedBy: "e+30").count == report.components(separatedBy: "1.7e+308 exceeds").count)
            #expect(!report.contains("Infinity"))
        }
    }

    /// A send that fails is a `failed` entry; the retry resends the ledgered bytes (same SHA-256),
    /// acknowledged once, with the coordinator's receipt holding the attempt's head; the hello is
    /// ledgered; the coordinator's record of the head proves a later truncation.
    @Test func theLedgerRecordsAttemptsAndAcknowledgementsAndProvesTruncation() async throws {
        try await FederationHarness.withFederation { federation in
            let certificate = try await federation.addSite("alpha")
            _ = certificate
            let launch = LaunchAuditRequest(specYAML: try Self.spec().yaml(), sites: [try SiteID(validating: "alpha")])
            let audit = try await federation.withOperator { try await $0.launch(launch) }.id
            let root = federation.root + "/alpha-ledger-test"
            let path = root + "/egress-ledger.jsonl", state = root + "/state"
            let ledger = try EgressLedger(path: path, stateDirectory: state)
            let role = CertificateRole.site(try SiteID(validating: "alpha"))
            // A coordinator that cannot be reached (nothing listens on port 9 of loopback).
            let unreachable = try CoordinatorClient(baseURL: "https://127.0.0.1:9", certificatePath: federation.pki.certificatePath(for: role),
                                                    keyPath: federation.pki.keyPath(for: role), caPath: federation.pki.caCertificatePath)
            try await federation.withSiteClient("alpha") { client in
                let sender = LedgeredClient(client: client, ledger: ledger, destination: federation.url)
                let hello = try await sender.hello(AgentHello(agentVersion: "test", site: try SiteID(validating: "alpha"),
                                                              policy: PolicySummary(allowedModelClasses: [], allowedMetrics: [], minCell: 5,
                                                                                    maxGroups: 16, manualApproval: false)))
                #expect(hello.ledgerHead?.sequence == 1)
                let task = try #require(try await sender.tasks(wait: 0).first)
                let result = try await Self.result(for: task, site: "alpha", data: "olmsted-north")
                let offline = LedgeredClient(client: unreachable, ledger: ledger, destination: "https://127.0.0.1:9")
                await #expect(throws: AgentError.self) { _ = try await offline.submit(result) }
                guard case .unacknowledged(let attempt) = try ledger.delivery(of: task.id.rawValue) else {
                    Issue.record("the failed attempt is not pending"); return
                }
                let receipt = try await sender.resend(attempt)
                #expect(try ledger.delivery(of: task.id.rawValue) == .acknowledged)
                let entries = try LedgerVerifier.entries(path: path)
                #expect(entries.map(\.kind) == [.attempt, .ack, .attempt, .failed, .attempt, .ack])
                #expect(entries[3].retry == true && entries[3].answers == 3)
                #expect(entries[4].payloadSHA256 == entries[2].payloadSHA256 && entries[4].payload == entries[2].payload)
                #expect(receipt.idempotencyKey == entries[2].payloadSHA256)
                #expect(receipt.ledgerHead == entries[4].head && entries[5].coordinatorHead == entries[4].head.description)
                #expect(entries.filter { $0.kind == .ack && $0.task == task.id.rawValue }.count == 1)
                // The coordinator's record, and verification against it.
                let record = try await client.ledgerHead()
                #expect(record.head == entries[4].head)
                #expect(try LedgerVerifier.verify(path: path, stateDirectory: state, coordinatorHead: record.head) == 6)
                ledger.close()
                // Remove the last two entries and make the local head mark agree: only the coordinator's record tells.
                let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
                try (lines.prefix(4).joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
                try (entries[3].head.description + "\n").write(toFile: EgressLedger.headPath(stateDirectory: state), atomically: true, encoding: .utf8)
                let problem = #expect(throws: LedgerVerifier.Problem.self) {
                    try LedgerVerifier.verify(path: path, stateDirectory: state, coordinatorHead: record.head)
                }
                #expect(problem?.description.contains("truncated: the coordinator's record of this site's ledger head is entry 5") == true)
            }
            try? await unreachable.shutdown()
            _ = audit
        }
    }
}
