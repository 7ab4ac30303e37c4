import AuditAgent
import AuditCore
import AuditModels
import AuditPKI
import AuditReport
import AuditSpec
import AuditStats
import AuditTestSupport
import AuditWire
import Foundation
import Testing

/// End to end over real loopback mutual TLS: a coordinator and three agents, one audit, and the
/// federated report compared with the pooled analysis of the same predictions with the site as a
/// stratum — which must be identical, bootstrap included (methods spec §2.5, decision D1).
@Suite("Federation end to end", .serialized)
struct FederatedEqualsPooledTests {
    @Test func threeAgentsFederatedEqualsPooled() async throws {
        try await FederationHarness.withFederation { federation in
            let spec = try BundledSites.spec(bootstrap: 300)
            let (summary, json, _) = try await federation.withAgents(try await federation.bundledAgents()) {
                try await federation.runAudit(spec, sites: BundledSites.names)
            }
            // The dashboard serves the HTML rendering of exactly this JSON report.
            let page = try await federation.withPages(as: .operator(try OperatorName(certificateName: "op"))) {
                try await $0.get("/dashboard/audits/\(summary.id.rawValue)")
            }
            let report = try ReportDocument.decode(Data(json.utf8))
            #expect(page.status == 200)
            #expect(page.body == HTMLReport.render(report, alpha: spec.tests.alpha, correction: spec.tests.correction))
            #expect(page.body.contains("forest plot:"))
            #expect(summary.state == .complete)
            // The coordinator kept each site's last progress report.
            #expect(summary.sites.allSatisfy { $0.progress == "disclosure 10/10" })
            try Self.expectPooled(report, spec: spec)
            try Self.expectLedgers(root: federation.root)
        }
    }

    /// The pooled analysis: every site's own predictions, concatenated, sites as strata.
    static func expectPooled(_ report: ReportDocument, spec: AuditSpec) throws {
        let federation = try #require(report.federation)
        #expect(federation.sites.map(\.state) == [.submitted, .submitted, .submitted])
        let perTechnique = try Self.sitePredictions(spec, sites: BundledSites.names)
        var extraction = LocalAudit.extractionSettings(spec)
        extraction.rootSeed = federation.rootSeed
        for section in report.results {
            let parts = try #require(perTechnique[section.name])
            let pooled = FairUseAudit.run(Self.concatenate(parts), extraction: extraction,
                                          evaluation: LocalAudit.evaluationSettings(spec, seed: extraction.rootSeed))
            #expect(pooled == section.evaluation, "technique \(section.name): federated ≠ pooled")
            #expect(!(section.heterogeneity ?? []).isEmpty)
            // Truthful reporting and the h0 assignment are derived by the coordinator, as in a pooled audit.
            #expect(section.truthfulReporting == TruthfulReporting(evaluation: pooled))
            #expect(section.interventions?.assignGeneric == GenericAssignment(evaluation: pooled))
        }
    }

    /// Every agent's ledger holds exactly what it sent, and verifies.
    static func expectLedgers(root: String) throws {
        for name in BundledSites.names {
            let path = root + "/\(name)-ledger.jsonl"
            let entries = try LedgerVerifier.entries(path: path)
            #expect(try LedgerVerifier.verify(path: path, stateDirectory: root + "/\(name)-state") == entries.count)
            // hello, one progress report per step (load, split, h0, 3 fits, 3 statistics, disclosure), the
            // result: each an attempt followed by its acknowledgement.
            let attempts = entries.filter { $0.kind == .attempt }
            #expect(attempts.map(\.message) == [.hello] + Array(repeating: .progress, count: 10) + [.result])
            #expect(entries.filter { $0.kind == .ack }.map(\.answers) == attempts.map(\.sequence))
            #expect(!entries.contains { $0.kind == .failed }, "\(entries.filter { $0.kind == .failed }.map(\.payload))")
            for entry in attempts where entry.message == .progress {
                let progress = try PayloadCodec.decodeJSON(TaskProgress.self, from: Data(entry.payload.utf8))
                #expect(TaskProgress.stages.contains(progress.stage) && progress.total == 10)
            }
            let sent = try #require(attempts.last)
            let result = try PayloadCodec.decodeJSON(TaskResult.self, from: Data(sent.payload.utf8))
            #expect(result.site.rawValue == name)
            #expect(!sent.payload.contains("row_id"))
        }
    }

    /// Each site's own predictions (trained locally, as its agent does) by technique, tagged with the site.
    static func sitePredictions(_ spec: AuditSpec, sites: [String]) throws -> [String: [Predictions]] {
        var perTechnique: [String: [Predictions]] = [:]
        for name in sites {
            let trained = try LocalAudit.train(spec: spec, dataPath: BundledSites.data(name))
            #expect(trained.result.genericModel.modelClass == spec.model.modelClass)
            for t in trained.techniques {
                var p = t.predictions.predictions
                p.sites = Array(repeating: name, count: p.count)
                perTechnique[t.technique.rawValue, default: []].append(p)
            }
        }
        return perTechnique
    }

    static func concatenate(_ parts: [Predictions]) -> Predictions {
        let keys = parts[0].keys
        return Predictions(keys: keys, sites: parts.flatMap(\.sites), groups: parts.flatMap(\.groups),
                           labels: parts.flatMap(\.labels), generic: parts.flatMap(\.generic),
                           personalized: parts.flatMap(\.personalized))
    }
}

extension FederatedEqualsPooledTests {
    /// External validation of one published model: every site evaluates it unchanged on all its
    /// rows, and the federated report equals the pooled analysis with sites as strata.
    @Test func fixedModelFederatedEqualsPooled() async throws {
        let specText = """
            fairuse: 1
            name: flchain-published-model
            outcome: { column: death_5y }
            groups: [sex, age_group]
            model:
              fixed:
                technique: intersectional
                generic: { intercept: -3.1, coefficients: { kappa: 0.35, lambda: 0.25, creatinine: 0.3, mgus: 0.2 } }
                personalized: { intercept: -3.4, coefficients: { kappa: 0.33, lambda: 0.24, creatinine: 0.28, mgus: 0.2 } }
                group_offsets: { "sex=male;age_group=65+": 1.6, "sex=female;age_group=65+": 1.4, "sex=male;age_group=<65": 0.2 }
                impute: { creatinine: 1.1 }
            tests: { bootstrap: 100 }
            """
        let spec = try AuditSpec.parse(yaml: specText, source: "published.yaml")
        let names = Array(BundledSites.names.prefix(2))
        let (summary, json, _) = try await FederationHarness.withFederation { federation in
            try await federation.withAgents(try await federation.bundledAgents(names)) {
                try await federation.runAudit(spec, sites: names)
            }
        }
        #expect(summary.state == .complete)
        // The coordinator kept each site's last progress report.
        #expect(summary.sites.allSatisfy { $0.progress == "disclosure 4/4" })
        let report = try ReportDocument.decode(Data(json.utf8))
        var parts: [Predictions] = []
        for name in names {
            var p = try #require(try LocalAudit.train(spec: spec, dataPath: BundledSites.data(name)).techniques.first).predictions.predictions
            p.sites = Array(repeating: name, count: p.count)
            parts.append(p)
        }
        var extraction = LocalAudit.extractionSettings(spec)
        extraction.rootSeed = try #require(report.federation).rootSeed
        let pooled = FairUseAudit.run(Self.concatenate(parts), extraction: extraction, evaluation: LocalAudit.evaluationSettings(spec, seed: extraction.rootSeed))
        #expect(report.results.map(\.name) == ["intersectional"])
        #expect(report.results.first?.evaluation == pooled)
        #expect(report.results.first?.evaluation.count == 3386 + 2717)
    }
}
