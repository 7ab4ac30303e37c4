import AuditAgent
import AuditCore
import AuditReport
import AuditWire
import Foundation
import ServiceLifecycle
import Testing

/// A federated audit is reproducible from its root seed (decision D3; `Protocol/protocol.md` §3,
/// launch): the same seed, spec and data give a byte-identical JSON report, apart from the audit
/// id — the only field of the report that legitimately differs between two runs (the federated
/// report carries no timestamps or timings). Without a seed the coordinator draws one, records
/// it, and names it in the status, the report's federation section and the spec's `tests.seed`.
@Suite("Reproducible federated audits", .serialized)
struct ReproducibleAuditTests {
    @Test func sameSeedGivesTheSameReportBytes() async throws {
        let harness = try await FederationHarness()
        let spec = try BundledSites.spec(bootstrap: 100)
        var agents: [AgentService] = []
        for name in BundledSites.names {
            try await harness.addSite(name)
            agents.append(AgentService(configuration: try harness.agentConfiguration(site: name, dataPath: BundledSites.data(name)),
                                       logger: FederationHarness.logger))
        }
        let agentGroup = ServiceGroup(configuration: .init(services: agents.map { .init(service: $0) }, logger: FederationHarness.logger))
        let agentTask = Task { try await agentGroup.run() }
        let client = try harness.operatorClient()
        var runs: [(summary: AuditSummary, json: String)] = []
        do {
            for seed in [UInt64(20_230_701), 20_230_701, nil] {
                let launched = try await client.launch(LaunchAuditRequest(
                    specYAML: spec.yaml(), sites: try BundledSites.names.map { try SiteID(validating: $0) }, rootSeed: seed))
                let summary = try await harness.waitForEnd(launched.id)
                runs.append((summary, try await client.report(launched.id, format: "json")))
                #expect(launched.rootSeed == summary.rootSeed)
            }
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
        await agentGroup.triggerGracefulShutdown()
        _ = try? await agentTask.value
        await harness.stop()

        #expect(runs.map(\.summary.state.rawValue) == ["complete", "complete", "complete"])
        let first = runs[0], second = runs[1], drawn = runs[2]
        // Same seed: identical bytes once the second audit's id is replaced by the first's.
        let sameIDs = second.json.replacingOccurrences(of: second.summary.id.rawValue, with: first.summary.id.rawValue)
        #expect(Data(sameIDs.utf8) == Data(first.json.utf8), "two audits with seed 20230701 gave different reports")
        #expect(first.json.contains(first.summary.id.rawValue) && first.summary.id != second.summary.id)

        // The seed is recorded and shown: status, the report's federation section and spec.tests.seed.
        for run in runs {
            let document = try ReportDocument.decode(Data(run.json.utf8))
            let seed = try #require(run.summary.rootSeed)
            #expect(try #require(document.federation).rootSeed == seed)
            #expect(try #require(document.spec).tests.seed == seed)
        }
        #expect(first.summary.rootSeed == 20_230_701)
        // Without --seed the coordinator drew another seed, so the calibration test's draws differ.
        let drawnSeed = try #require(drawn.summary.rootSeed)
        if drawnSeed != 20_230_701 {
            let a = try ReportDocument.decode(Data(first.json.utf8)), b = try ReportDocument.decode(Data(drawn.json.utf8))
            let bootstrapP = { (d: ReportDocument) in
                d.results.flatMap { $0.evaluation.metrics.filter { $0.metric == .ece }.flatMap { $0.groups.compactMap { $0.rationality?.primary.standardError } } }
            }
            #expect(bootstrapP(a) != bootstrapP(b))
            #expect(a.results.map { $0.evaluation.metrics.map(\.familySize) } == b.results.map { $0.evaluation.metrics.map(\.familySize) })
        }
    }
}
