import AuditAgent
import AuditCore
import AuditReport
import AuditTestSupport
import AuditWire
import Foundation
import Testing

/// A federated audit is reproducible from its root seed (decision D3; `Protocol/protocol.md` §3,
/// launch): the same seed, spec and data give a byte-identical JSON report, apart from the audit
/// id — the only field of the report that legitimately differs between two runs (the federated
/// report carries no timestamps or timings). Without a seed the coordinator draws one, records
/// it, and names it in the status, the report's federation section and the spec's `tests.seed`.
@Suite("Reproducible federated audits", .serialized)
struct ReproducibleAuditTests {
    @Test func sameSeedGivesTheSameReportBytes() async throws {
        let spec = try BundledSites.spec(bootstrap: 100)
        let runs = try await FederationHarness.withFederation { federation in
            try await federation.withAgents(try await federation.bundledAgents()) {
                var runs: [(summary: AuditSummary, json: String)] = []
                for seed in [UInt64(20_230_701), 20_230_701, nil] {
                    let (summary, json, launched) = try await federation.runAudit(spec, sites: BundledSites.names, rootSeed: seed)
                    #expect(launched.rootSeed == summary.rootSeed)
                    runs.append((summary, json))
                }
                return runs
            }
        }

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
