import AuditAgent
import AuditCore
import AuditSpec
import AuditStats
import AuditWire
import Foundation
import ServiceLifecycle
import Testing

/// Faults: a site that never answers, a coordinator restarted mid-audit, an agent that re-runs a
/// task after losing its state; and what leaves a site under its min_cell.
@Suite("Federation faults and privacy", .serialized)
struct FaultTests {
    static func agents(_ harness: FederationHarness, _ names: [String], minCell: Int = 1) throws -> ServiceGroup {
        let services = try names.map {
            AgentService(configuration: try harness.agentConfiguration(site: $0, dataPath: BundledSites.data($0), minCell: minCell),
                         logger: FederationHarness.logger)
        }
        return ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, logger: FederationHarness.logger))
    }

    static func spec() throws -> AuditSpec {
        var spec = try BundledSites.spec(bootstrap: 50)
        spec.techniques = [.onehot]
        return spec
    }

    @Test func silentSiteMakesThePartialAtTheDeadline() async throws {
        let harness = try await FederationHarness()
        for name in BundledSites.names { try await harness.addSite(name) }
        let running = try Self.agents(harness, Array(BundledSites.names.prefix(2)))
        let task = Task { try await running.run() }
        let op = try harness.operatorClient()
        let audit = try await op.launch(LaunchAuditRequest(specYAML: try Self.spec().yaml(),
                                                           sites: try BundledSites.names.map { try SiteID(validating: $0) },
                                                           minSites: 2, deadline: Date().addingTimeInterval(25)))
        let end = try await harness.waitForEnd(audit.id)
        #expect(end.state.rawValue == "partial")
        #expect(end.sites.first { $0.site.rawValue == "olmsted-south" }?.state.rawValue == "expired")
        let report = (try? await op.report(audit.id, format: "table")) ?? ""

        #expect(report.contains("olmsted-south") && report.contains("expired"))
        try await op.shutdown()
        await running.triggerGracefulShutdown()
        _ = try? await task.value
        await harness.stop()
    }

    @Test func coordinatorRestartLosesNothing() async throws {
        let harness = try await FederationHarness()
        for name in BundledSites.names.prefix(2) { try await harness.addSite(name) }
        let first = try Self.agents(harness, ["olmsted-central"])
        let firstTask = Task { try await first.run() }
        var op = try harness.operatorClient()
        let audit = try await op.launch(LaunchAuditRequest(specYAML: try Self.spec().yaml(),
                                                           sites: try ["olmsted-central", "olmsted-north"].map { try SiteID(validating: $0) }))
        // Wait for the first site's submission, then restart the coordinator.
        for _ in 0..<600 {
            if try await op.audit(audit.id).sites.contains(where: { $0.state.rawValue == "submitted" }) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        try await op.shutdown()
        try await harness.restartCoordinator()
        op = try harness.operatorClient()
        #expect(try await op.audit(audit.id).sites.first { $0.site.rawValue == "olmsted-central" }?.state.rawValue == "submitted")
        let second = try Self.agents(harness, ["olmsted-north"])
        let secondTask = Task { try await second.run() }
        let end = try await harness.waitForEnd(audit.id)
        #expect(end.state.rawValue == "complete")
        try await op.shutdown()
        for (group, task) in [(first, firstTask), (second, secondTask)] {
            await group.triggerGracefulShutdown()
            _ = try? await task.value
        }
        await harness.stop()
    }

    /// Re-running a task gives the same bytes, so a resend after an agent restart is a duplicate, not a conflict.
    @Test func rerunIsBitIdentical() throws {
        let spec = try Self.spec()
        let task = SiteTask(id: TaskID.generate(), audit: AuditID.generate(), spec: spec, rootSeed: 7, createdAt: Date(), deadline: nil)
        let runner = TaskRunner(site: try SiteID(validating: "olmsted-north"),
                                policy: SitePolicy(allowedModels: ["logistic_regression"], allowedMetrics: ["error", "auc", "ece"],
                                                   allowedTechniques: ["onehot"], minCell: 5),
                                data: .csv(path: BundledSites.data("olmsted-north")))
        guard case .result(let a) = runner.run(task), case .result(let b) = runner.run(task) else {
            Issue.record("expected results"); return
        }
        #expect(try PayloadCodec.encodeJSON(a) == PayloadCodec.encodeJSON(b))
    }

    /// Everything a site sends respects its min_cell, and no row-level array leaves.
    @Test(arguments: [5, 10])
    func nothingBelowMinCellLeaves(minCell: Int) throws {
        let spec = try BundledSites.spec(bootstrap: 20)
        for name in BundledSites.names {
            let task = SiteTask(id: TaskID.generate(), audit: AuditID.generate(), spec: spec, rootSeed: 1, createdAt: Date(), deadline: nil)
            let runner = TaskRunner(site: try SiteID(validating: name),
                                    policy: SitePolicy(allowedModels: ["logistic_regression"], allowedMetrics: ["error", "auc", "ece"],
                                                       allowedTechniques: ["onehot", "intersectional", "decoupled"], minCell: minCell),
                                    data: .csv(path: BundledSites.data(name)))
            guard case .result(let result) = runner.run(task) else { Issue.record("\(name): refused"); continue }
            for technique in result.techniques {
                let stats = technique.statistics
                for group in stats.groups.compactMap({ $0 }) + [stats.population] {
                    for cell in [group.positives, group.negatives] { #expect(cell == 0 || cell >= minCell, "\(name) \(group.key)") }
                    for stratum in group.calibration {
                        for bins in stratum.bins { #expect(bins.counts.allSatisfy { $0 == 0 || $0 >= minCell }, "\(name) \(group.key) bins") }
                    }
                }
            }
            // Withheld groups are reported, and the released counts add up without them.
            let released = result.techniques[0].statistics.groups.compactMap { $0 }
            #expect(released.reduce(0) { $0 + $1.count } == result.rowCounts.test)
            #expect(result.suppressed.filter { $0.scope == "group" }.count == 4 - released.count)
            // No array as long as the site's test rows (row-level data would be).
            let json = try JSONSerialization.jsonObject(with: try PayloadCodec.encodeJSON(result))
            #expect(!Self.containsArray(of: result.rowCounts.test, in: json) || result.rowCounts.test == 0, "\(name)")
        }
    }

    static func containsArray(of length: Int, in value: Any) -> Bool {
        if let array = value as? [Any] { return array.count == length || array.contains { containsArray(of: length, in: $0) } }
        if let object = value as? [String: Any] { return object.values.contains { containsArray(of: length, in: $0) } }
        return false
    }
}

extension FaultTests {
    /// An agent stopped in the middle of a task (after the task was delivered, before its result
    /// arrived) is restarted: the new agent re-syncs the open task and completes it.
    @Test func agentStoppedMidTaskResumesAfterRestart() async throws {
        let harness = try await FederationHarness()
        try await harness.addSite("olmsted-north")
        let configuration = try harness.agentConfiguration(site: "olmsted-north", dataPath: BundledSites.data("olmsted-north"))
        let first = Task { try await AgentService(configuration: configuration, logger: FederationHarness.logger).run() }
        let op = try harness.operatorClient()
        var spec = try BundledSites.spec(bootstrap: 300)
        spec.techniques = [.onehot, .decoupled]
        let audit = try await op.launch(LaunchAuditRequest(specYAML: spec.yaml(), sites: [try SiteID(validating: "olmsted-north")]))
        for _ in 0..<600 {
            if try await op.audit(audit.id).sites.first?.state.rawValue == "delivered" { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        first.cancel()
        _ = try? await first.value
        let afterStop = try await op.audit(audit.id)
        #expect(["delivered", "submitted"].contains(afterStop.sites.first?.state.rawValue ?? ""))
        let second = ServiceGroup(configuration: .init(services: [.init(service: AgentService(configuration: configuration, logger: FederationHarness.logger))],
                                                       logger: FederationHarness.logger))
        let secondTask = Task { try await second.run() }
        let end = try await harness.waitForEnd(audit.id)
        #expect(end.state.rawValue == "complete")
        #expect(try EgressLedger(path: configuration.ledgerPath).verify() >= 2)
        try await op.shutdown()
        await second.triggerGracefulShutdown()
        _ = try? await secondTask.value
        await harness.stop()
    }
}
