import AuditAgent
import AuditCore
import AuditModels
import AuditReport
import AuditSpec
import AuditStats
import AuditTestSupport
import AuditWire
import Foundation
import Testing

/// A continuous outcome end to end over loopback mutual TLS: two agents fit ridge regressors on
/// their own rows, send regression sums, and the coordinator's report equals the pooled analysis
/// of the same predictions with the site as a stratum — t-tests and bootstrap included.
@Suite("Regression federation end to end", .serialized)
struct RegressionFederationTests {
    static let specText = """
        fairuse: 1
        name: creatinine-federated
        outcome: { column: creatinine, type: continuous }
        groups: [sex, age_group]
        features: { exclude: [death_5y] }
        model: { class: ridge_regression, alpha: 2.0 }
        tests: { bootstrap: 150 }
        """

    @Test func twoAgentsFederatedEqualsPooled() async throws {
        let spec = try AuditSpec.parse(yaml: Self.specText, source: "creatinine.yaml")
        let names = Array(BundledSites.names.prefix(2))
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("fairuse-creatinine-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        var dataPaths: [String: String] = [:]
        for name in names {
            // The sites' shares without the rows whose creatinine is missing (a continuous outcome needs a value).
            let text = try String(contentsOfFile: BundledSites.data(name), encoding: .utf8)
            let lines = text.split(separator: "\n")
            let kept = [lines[0]] + lines.dropFirst().filter { $0.split(separator: ",", omittingEmptySubsequences: false)[6] != "" }
            let path = work + "/\(name)-creatinine.csv"
            try (kept.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            dataPaths[name] = path
        }
        let (summary, json, _) = try await FederationHarness.withFederation { federation in
            var agents: [AgentConfiguration] = []
            for name in names {
                try await federation.addSite(name)
                agents.append(try federation.agentConfiguration(site: name, dataPath: try #require(dataPaths[name]),
                                                                models: "ridge_regression", metrics: "squared_error, absolute_error"))
            }
            return try await federation.withAgents(agents) { try await federation.runAudit(spec, sites: names) }
        }
        #expect(summary.state == .complete)
        let report = try ReportDocument.decode(Data(json.utf8))
        let federation = try #require(report.federation)
        #expect(federation.sites.map(\.state) == [.submitted, .submitted])

        var perTechnique: [String: [RegressionPredictions]] = [:]
        for name in names {
            for t in try LocalRegressionAudit.train(spec: spec, dataPath: try #require(dataPaths[name])).techniques {
                var p = t.predictions
                p.sites = Array(repeating: name, count: p.count)
                perTechnique[t.technique.rawValue, default: []].append(p)
            }
        }
        var extraction = LocalAudit.extractionSettings(spec)
        extraction.rootSeed = federation.rootSeed
        extraction.bootstrapReplicates = 0   // sites send no replicate sums (disclosure model)
        #expect(report.results.map(\.name) == ["onehot", "intersectional", "decoupled"])
        for section in report.results {
            let parts = try #require(perTechnique[section.name])
            let pooled = RegressionPredictions(
                keys: parts[0].keys, sites: parts.flatMap(\.sites), groups: parts.flatMap(\.groups),
                outcomes: parts.flatMap(\.outcomes), generic: parts.flatMap(\.generic), personalized: parts.flatMap(\.personalized))
            let expected = RegressionAudit.run(pooled, extraction: extraction, evaluation: LocalAudit.evaluationSettings(spec))
            #expect(expected == section.evaluation, "technique \(section.name): federated ≠ pooled")
            #expect(section.evaluation.metrics.map(\.metric) == [.squaredError, .absoluteError])
            #expect(!(section.heterogeneity ?? []).isEmpty)
        }
    }
}
