import AuditCore
import AuditWire
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import AuditCoordinator

/// The coordinator reads time only from its injected clock: in the routes' timestamps and in the
/// deadline sweep, which a test drives past a deadline in microseconds.
@Suite("Coordinator clock")
struct CoordinatorClockTests {
    @Test func routesStampTheInjectedTime() async throws {
        let fixture = try await RouteFixture.make()
        fixture.clock.advance(by: 42)
        let hello = AgentHello(agentVersion: "test", site: SiteID(rawValue: "alpha")!,
                               policy: PolicySummary(allowedModelClasses: [], allowedMetrics: [], minCell: 5, maxGroups: 16, manualApproval: false))
        let response = try await Application(router: fixture.router).test(.router) { client in
            try await client.execute(uri: "/v1/agent/hello", method: .post, headers: RouteFixture.headers(.site),
                                     body: ByteBuffer(bytes: try PayloadCodec.encodeJSON(hello)))
        }
        #expect(response.status == .ok)
        #expect(response.headers[HTTPField.Name(WireHeader.protocolVersion)!] == ProtocolVersion.current.description)
        let reply = try PayloadCodec.decodeJSON(CoordinatorHello.self, from: Data(response.body.readableBytesView))
        #expect(reply.serverTime == fixture.clock.now)
        #expect(try await fixture.coordinator.store.site(id: try SiteID(validating: "alpha"))?.lastContactAt == fixture.clock.now)
    }

    @Test func theSweepClosesAnAuditExactlyAtItsDeadline() async throws {
        let fixture = try await RouteFixture.make()
        let sweep = DeadlineService(coordinator: fixture.coordinator)
        let deadline = try #require(try await fixture.coordinator.store.audit(id: fixture.audit)).deadline
        fixture.clock.advance(by: deadline.timeIntervalSince(fixture.clock.now) - 0.001)
        await sweep.sweep()
        #expect(try await fixture.coordinator.store.audit(id: fixture.audit)?.state == .collecting)
        fixture.clock.advance(by: 0.001)
        await sweep.sweep()
        // Neither site answered and two were required: the audit fails and both tasks expire.
        #expect(try await fixture.coordinator.store.audit(id: fixture.audit)?.state == .failed)
        #expect(try await fixture.coordinator.store.tasks(of: fixture.audit).allSatisfy { $0.state == .expired })
    }

    /// Certificates are verified at the injected time on every request: once the clock passes a
    /// site certificate's validity, the same certificate is refused.
    @Test func anExpiredCertificateIsRefusedByTheClock() async throws {
        let fixture = try await RouteFixture.make()
        let app = Application(router: fixture.router)
        let status = { @Sendable () async throws -> HTTPResponse.Status in
            try await app.test(.router) { client in
                try await client.execute(uri: "/v1/agent/tasks?wait=0", method: .get, headers: RouteFixture.headers(.site)).status
            }
        }
        #expect(try await status() == .ok)
        let validity = try #require(fixture.certificates["alpha"]).validity
        fixture.clock.advance(by: validity.notValidAfter.timeIntervalSince(fixture.clock.now) + 1)
        #expect(try await status() == .unauthorized)
    }
}
