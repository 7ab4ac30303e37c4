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

/// A federated audit of a random forest: each agent trains its forest through LocalAudit.train,
/// and the federated report equals the pooled analysis of the same predictions (sites as strata).
/// A site whose policy allows only logistic regression refuses the task.
@Suite("Federation with a random forest", .serialized)
struct FederatedModelClassTests {
    @Test func randomForestFederatedEqualsPooled() async throws {
        var spec = try BundledSites.spec(bootstrap: 100)
        spec.model = ModelSpec(modelClass: .randomForest, forest: ForestSpec(trees: 25, seed: 3))
        let names = Array(BundledSites.names.prefix(2)), refusing = BundledSites.names[2]
        let (_, json, _) = try await FederationHarness.withFederation { federation in
            let agents = try await federation.bundledAgents { $0 == refusing ? "logistic_regression" : "logistic_regression, random_forest" }
            return try await federation.withAgents(agents) {
                try await federation.runAudit(spec, sites: BundledSites.names, minSites: 2)
            }
        }
        let report = try ReportDocument.decode(Data(json.utf8))
        let federation = try #require(report.federation)
        #expect(report.spec?.model.modelClass == .randomForest)
        #expect(report.spec?.model.forest?.trees == 25)
        let states = Dictionary(uniqueKeysWithValues: federation.sites.map { ($0.site.rawValue, $0) })
        #expect(names.allSatisfy { states[$0]?.state == .submitted })
        #expect(states[refusing]?.state == .refused)
        #expect(states[refusing]?.detail?.contains("random_forest") == true)

        let perTechnique = try FederatedEqualsPooledTests.sitePredictions(spec, sites: names)
        var extraction = LocalAudit.extractionSettings(spec)
        extraction.rootSeed = federation.rootSeed
        #expect(report.results.count == 3)
        for section in report.results {
            let parts = try #require(perTechnique[section.name])
            let pooled = FairUseAudit.run(FederatedEqualsPooledTests.concatenate(parts), extraction: extraction,
                                          evaluation: LocalAudit.evaluationSettings(spec, seed: extraction.rootSeed))
            #expect(pooled == section.evaluation, "technique \(section.name): federated ≠ pooled")
        }
    }
}
