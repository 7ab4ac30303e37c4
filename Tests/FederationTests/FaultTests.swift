import AuditAgent
import AuditCore
import AuditSpec
import AuditTestSupport
import AuditWire
import Foundation
import Testing

/// Faults over real loopback mutual TLS: a site that never answers, a coordinator restarted
/// mid-audit, an agent stopped in the middle of a task.
@Suite("Federation faults", .serialized)
struct FaultTests {
    static func spec() throws -> AuditSpec {
        var spec = try BundledSites.spec(bootstrap: 50)
        spec.techniques = [.onehot]
        return spec
    }

    static func launch(_ federation: FederationHarness, _ spec: AuditSpec, sites: [String], minSites: Int? = nil,
                       deadline: Date? = nil) async throws -> AuditID {
        let request = LaunchAuditRequest(specYAML: spec.yaml(), sites: try sites.map { try SiteID(validating: $0) },
                                         minSites: minSites, deadline: deadline)
        return try await federation.withOperator { try await $0.launch(request) }.id
    }

    /// Two of three sites submit; the audit waits for the third until the deadline, and once the
    /// coordinator's (manual) clock passes it, the silent site's task expires and the audit is partial.
    @Test func silentSiteMakesThePartialAtTheDeadline() async throws {
        let time = ManualClock()
        var spec = try Self.spec()
        spec.tests.bootstrapReplicates = 0   // the deadline is under test, not the statistics
        try await FederationHarness.withFederation(clock: time.clock) { federation in
            let agents = try await federation.bundledAgents()
            try await federation.withAgents(Array(agents.prefix(2))) {
                let audit = try await Self.launch(federation, spec, sites: BundledSites.names, minSites: 2,
                                                  deadline: time.now.addingTimeInterval(25))
                let answered = try await federation.waitForAudit(audit) { $0.sites.filter { $0.state == .submitted }.count == 2 }
                #expect(!answered.state.isFinal, "the audit closed before its deadline")
                time.advance(by: 24)
                try await Task.sleep(for: .milliseconds(100))   // several sweeps, before the deadline
                #expect(try await federation.withOperator { try await $0.audit(audit) }.state.isFinal == false)
                time.advance(by: 2)
                let end = try await federation.waitForEnd(audit, timeout: .seconds(10))
                #expect(end.state == .partial)
                #expect(end.sites.first { $0.site.rawValue == "olmsted-south" }?.state == .expired)
                let report = try await federation.withOperator { try await $0.report(audit, format: "table") }
                #expect(report.contains("olmsted-south") && report.contains("expired"))
            }
        }
    }

    @Test func coordinatorRestartLosesNothing() async throws {
        try await FederationHarness.withFederation { federation in
            let agents = try await federation.bundledAgents(Array(BundledSites.names.prefix(2)))
            let audit = try await Self.launch(federation, try Self.spec(), sites: ["olmsted-central", "olmsted-north"])
            try await federation.withAgents([agents[0]]) {
                _ = try await federation.waitForAudit(audit) { $0.sites.contains { $0.state == .submitted } }
                try await federation.restartCoordinator()
                let after = try await federation.withOperator { try await $0.audit(audit) }
                #expect(after.sites.first { $0.site.rawValue == "olmsted-central" }?.state == .submitted)
                let end = try await federation.withAgents([agents[1]]) { try await federation.waitForEnd(audit) }
                #expect(end.state == .complete)
            }
        }
    }

    /// An agent stopped in the middle of a task (after the task was delivered, before its result
    /// arrived) is restarted: the new agent re-syncs the open task and completes it.
    @Test func agentStoppedMidTaskResumesAfterRestart() async throws {
        try await FederationHarness.withFederation { federation in
            let agent = try #require(try await federation.bundledAgents(["olmsted-north"]).first)
            var spec = try BundledSites.spec(bootstrap: 300)
            spec.techniques = [.onehot, .decoupled]
            let audit = try await Self.launch(federation, spec, sites: ["olmsted-north"])
            try await federation.withAgents([agent], stop: .cancelled) {
                _ = try await federation.waitForAudit(audit) { $0.sites.first?.state == .delivered }
            }
            let afterStop = try await federation.withOperator { try await $0.audit(audit) }
            #expect([.delivered, .submitted].contains(afterStop.sites.first?.state))
            let end = try await federation.withAgents([agent]) { try await federation.waitForEnd(audit) }
            #expect(end.state == .complete)
            #expect(try LedgerVerifier.verify(path: agent.ledgerPath, stateDirectory: agent.stateDirectory) >= 2)
        }
    }
}
