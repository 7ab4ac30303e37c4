import AuditCore
import AuditSpec
import AuditWire
import Foundation
import Testing
@testable import AuditCoordinator

@Suite("Researcher token lines and the dashboard's audit table")
struct ResearcherTokenAndDashboardTests {
    /// The coordinator.yaml lines `fairuse coordinator token NAME` prints on standard output.
    static let names = ["alice", "@alice", "123", "a.b-c_d", "Zoë", "dr.smith@hospital.org", String(repeating: "x", count: 64)]

    @Test(arguments: names)
    func theTokenCommandsLinesAreAcceptedByTheCoordinator(_ name: String) throws {
        #expect(CoordinatorConfiguration.ResearcherToken.isValidName(name))
        let entry = CoordinatorConfiguration.ResearcherToken(name: name, sha256: WireDigest.sha256Hex(Array("token".utf8)))
        let yaml = "tls: { certificate: c.pem, key: k.pem, ca: ca.pem }\ndatabase: sqlite:f.db\n"
            + CoordinatorConfiguration.ResearcherToken.yaml([entry])
        let configuration = try CoordinatorConfiguration.parse(yaml: yaml, file: "coordinator.yaml")
        #expect(configuration.researchers == [entry])
    }

    @Test(arguments: ["", "al ice", "al!ce", "a:b", "x\"y", String(repeating: "x", count: 65)])
    func namesTheCoordinatorWouldRefuseAreRefused(_ name: String) {
        #expect(!CoordinatorConfiguration.ResearcherToken.isValidName(name))
    }

    @Test func theDashboardListsEachAuditsSpecAndModel() async throws {
        let store = try await StoreFixture.store()
        var spec = AuditSpec(name: "sepsis-fairness", outcome: OutcomeSpec(column: "died"), groups: [GroupAttributeSpec(column: "sex")])
        spec.techniques = [.onehot, .decoupled]
        var launch = StoreFixture.audit()
        launch.specYAML = spec.yaml()
        launch.specSHA256 = String(repeating: "ab", count: 32)
        _ = try await store.createAudit(launch, at: StoreFixture.t0)
        let record = try #require(try await store.audit(id: launch.id))
        let line = DashboardRoutes.specLine(record)
        #expect(line == .init(spec: "sepsis fairness", specSHA256: launch.specSHA256, model: "logistic_regression · onehot, decoupled"))
        let id = AuditID.generate()
        let summary = AuditSummary(id: id, name: record.name, state: .collecting,
                                   createdAt: StoreFixture.t0, deadline: nil, sites: [])
        let page = DashboardPage.render(audits: [summary], specs: [id: line], sites: [], now: StoreFixture.t0, viewer: "alice")
        #expect(page.contains("<th scope=\"col\">spec</th><th scope=\"col\">model</th>"))
        #expect(page.contains("sepsis fairness <span class=\"meta\">sha256 abababababab…</span>"))
        #expect(page.contains("logistic_regression · onehot, decoupled"))
    }
}
