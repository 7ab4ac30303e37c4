import AuditAgent
import AuditCore
import AuditModels
import AuditReport
import AuditSpec
import AuditStats
import AuditWire
import Foundation
import ServiceLifecycle
import Testing

/// A federated audit of a random forest: each agent trains its forest through LocalAudit.train,
/// and the federated report equals the pooled analysis of the same predictions (sites as strata).
/// A site whose policy allows only logistic regression refuses the task.
@Suite("Federation with a random forest", .serialized)
struct FederatedModelClassTests {
    @Test func randomForestFederatedEqualsPooled() async throws {
        let harness = try await FederationHarness()
        var spec = try BundledSites.spec(bootstrap: 100)
        spec.model = ModelSpec(modelClass: .randomForest, forest: ForestSpec(trees: 25, seed: 3))
        let names = Array(BundledSites.names.prefix(2)), refusing = BundledSites.names[2]
        var agents: [AgentService] = []
        for name in BundledSites.names {
            try await harness.addSite(name)
            let models = name == refusing ? "logistic_regression" : "logistic_regression, random_forest"
            agents.append(AgentService(configuration: try harness.agentConfiguration(site: name, dataPath: BundledSites.data(name),
                                                                                     models: models),
                                       logger: FederationHarness.logger))
        }
        let agentGroup = ServiceGroup(configuration: .init(services: agents.map { .init(service: $0) }, logger: FederationHarness.logger))
        let agentTask = Task { try await agentGroup.run() }
        let client = try harness.operatorClient()
        let fetched: (AuditSummary, String)
        do {
            let launched = try await client.launch(LaunchAuditRequest(specYAML: spec.yaml(),
                                                                      sites: try BundledSites.names.map { try SiteID(validating: $0) },
                                                                      minSites: 2))
            fetched = (try await harness.waitForEnd(launched.id), try await client.report(launched.id, format: "json"))
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
        await agentGroup.triggerGracefulShutdown()
        _ = try? await agentTask.value

        let report = try ReportDocument.decode(Data(fetched.1.utf8))
        let federation = try #require(report.federation)
        #expect(report.spec?.model.modelClass == .randomForest)
        #expect(report.spec?.model.forest?.trees == 25)
        let states = Dictionary(uniqueKeysWithValues: federation.sites.map { ($0.site.rawValue, $0) })
        #expect(names.allSatisfy { states[$0]?.state == .submitted })
        #expect(states[refusing]?.state == .refused)
        #expect(states[refusing]?.detail?.contains("random_forest") == true)

        var perTechnique: [String: [Predictions]] = [:]
        for name in names {
            let trained = try LocalAudit.train(spec: spec, dataPath: BundledSites.data(name))
            #expect(trained.result.genericModel.modelClass == .randomForest)
            for t in trained.techniques {
                var p = t.predictions.predictions
                p.sites = Array(repeating: name, count: p.count)
                perTechnique[t.technique.rawValue, default: []].append(p)
            }
        }
        var extraction = LocalAudit.extractionSettings(spec)
        extraction.rootSeed = federation.rootSeed
        #expect(report.results.count == 3)
        for section in report.results {
            let parts = try #require(perTechnique[section.name])
            let pooled = FairUseAudit.run(FederatedEqualsPooledTests.concatenate(parts), extraction: extraction,
                                          evaluation: LocalAudit.evaluationSettings(spec, seed: extraction.rootSeed))
            #expect(pooled == section.evaluation, "technique \(section.name): federated ≠ pooled")
        }
        await harness.stop()
    }
}
