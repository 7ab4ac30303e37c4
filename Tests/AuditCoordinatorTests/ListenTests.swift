import AuditCore
import AuditTestSupport
import Foundation
import ServiceLifecycle
import Testing
@testable import AuditCoordinator

/// Listening: a port already taken is reported with its address and the setting to change;
/// addresses parse and loopback is recognised; metrics are labelled by route template only.
@Suite("Listeners and route labels")
struct ListenTests {
    @Test func aTakenPortNamesTheAddressAndWhatToDo() async throws {
        try await FederationHarness.withFederation { federation in
            // A second coordinator on the first one's port, with its own database.
            var second = federation.configuration
            second.databasePath = federation.root + "/second.db"
            let (_, services) = try await CoordinatorService.services(configuration: second, logger: FederationHarness.logger)
            let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, logger: FederationHarness.logger))
            let error = try await #require(throws: ListenError.self) { try await group.run() }
            #expect(error.code == .addressInUse)
            #expect(error.address == "127.0.0.1:\(federation.configuration.port)")
            #expect(error.description == "cannot listen on 127.0.0.1:\(federation.configuration.port): address already in use — "
                    + "is another coordinator running? Stop it, or change listen (host, port) in the coordinator's configuration")
        }
    }

    @Test func aTakenMetricsPortNamesObservabilityListen() async throws {
        try await FederationHarness.withFederation(observability: true) { federation in
            let taken = try #require(federation.observabilityURL.flatMap { URL(string: $0)?.port })
            var second = federation.configuration
            second.port = 0
            second.databasePath = federation.root + "/second.db"
            second.observability = ObservabilityConfiguration(listen: ListenAddress(host: "127.0.0.1", port: taken))
            let (_, services) = try await CoordinatorService.services(configuration: second, logger: FederationHarness.logger)
            let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, logger: FederationHarness.logger))
            let error = try await #require(throws: ListenError.self) { try await group.run() }
            #expect(error.code == .addressInUse)
            #expect(error.description.hasPrefix("cannot listen on 127.0.0.1:\(taken): address already in use"))
            #expect(error.description.hasSuffix("change observability.listen in the coordinator's configuration"))
        }
    }

    @Test(arguments: [
        ("127.0.0.1:9464", "127.0.0.1", 9464, true), ("localhost:0", "localhost", 0, true), ("[::1]:9464", "::1", 9464, true),
        ("127.9.8.7:1", "127.9.8.7", 1, true), ("0.0.0.0:9464", "0.0.0.0", 9464, false), ("[::]:80", "::", 80, false),
        ("metrics.example.org:9464", "metrics.example.org", 9464, false),
    ])
    func addressesParse(text: String, host: String, port: Int, loopback: Bool) throws {
        let address = try #require(ListenAddress(parsing: text))
        #expect(address.host == host && address.port == port && address.isLoopback == loopback)
        #expect(address.description == text)
    }

    @Test(arguments: ["9464", ":9464", "127.0.0.1:", "127.0.0.1:70000", "::1:9464", "[::1]9464", "host:port"])
    func malformedAddressesAreRefused(text: String) {
        #expect(ListenAddress(parsing: text) == nil)
    }

    @Test func routeLabelsAreTemplatesNeverIds() {
        let routes = RouteTemplates(["/v1/agent/tasks/{id}/result", "/v1/audits", "/v1/audits/{id}", "/v1/sites/{id}"])
        #expect(routes.template(for: "/v1/agent/tasks/t_123/result") == "/v1/agent/tasks/{id}/result")
        #expect(routes.template(for: "/v1/audits") == "/v1/audits")
        #expect(routes.template(for: "/v1/audits/a_9") == "/v1/audits/{id}")
        #expect(routes.template(for: "/v1/admin/../../etc/passwd") == "unmatched")
        #expect(routes.template(for: "/wp-login.php") == "unmatched")
    }

    @Test func readinessNeedsTheListenerAndNoShutdown() async throws {
        let readiness = Readiness()
        let store = try await Store.inMemory()
        var checks = await readiness.checks(store: store)
        #expect(checks.map(\.name) == ["tls", "store", "shutdown"])
        #expect(checks.map(\.passed) == [false, true, true])
        readiness.markAPIListening()
        checks = await readiness.checks(store: store)
        #expect(checks.allSatisfy { $0.passed })
        readiness.markShuttingDown()
        checks = await readiness.checks(store: store)
        #expect(checks.map(\.passed) == [true, true, false] && checks[2].detail == "shutting down")
    }
}
