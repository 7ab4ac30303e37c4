import AuditCore
import AuditWire
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import AuditCoordinator

/// The coordinator's record of each site's egress-ledger head (protocol §13), checked in process.
@Suite("Ledger heads")
struct LedgerHeadRouteTests {
    static func head(_ sequence: Int) -> LedgerHead { LedgerHead(sequence: sequence, hash: String(repeating: "\(sequence % 10)", count: 64)) }

    static func request(_ fixture: RouteFixture, _ uri: String, head: String?) async throws -> (HTTPResponse.Status, Data) {
        var headers = RouteFixture.headers(.site)
        if let head { headers[HTTPField.Name(WireHeader.ledgerHead)!] = head }
        let sent = headers
        let response = try await Application(router: fixture.router).test(.router) { client in
            try await client.execute(uri: uri, method: .get, headers: sent)
        }
        return (response.status, Data(response.body.readableBytesView))
    }

    /// A malformed head is `400 malformed_payload` naming the header, and nothing is stored.
    @Test(arguments: ["7", "7:abc", "0:" + String(repeating: "a", count: 64), "-1:" + String(repeating: "a", count: 64),
                      "7:" + String(repeating: "A", count: 64), "1234567890123456:" + String(repeating: "a", count: 64)])
    func aMalformedHeadIsRefusedAndNothingIsStored(_ value: String) async throws {
        let fixture = try await RouteFixture.make()
        let before = try await fixture.snapshot()
        let (status, body) = try await Self.request(fixture, "/v1/agent/tasks?wait=0", head: value)
        #expect(status == .badRequest)
        let error = try PayloadCodec.decodeJSON(ErrorBody.self, from: body).error
        #expect(error.code == .malformedPayload && error.field == "Fairuse-Ledger-Head")
        #expect(error.message == "expected Fairuse-Ledger-Head to be <sequence>:<64 lowercase hex digits>")
        #expect(try await fixture.snapshot() == before)
    }

    /// The record only moves forward, per site, and is served at `GET /v1/agent/ledger-head`.
    @Test func theHighestHeadIsKeptPerSite() async throws {
        let fixture = try await RouteFixture.make()
        var (_, body) = try await Self.request(fixture, "/v1/agent/ledger-head", head: nil)
        #expect(try PayloadCodec.decodeJSON(SiteLedgerHead.self, from: body).head == nil)
        for sequence in [3, 5, 4] {
            let (status, _) = try await Self.request(fixture, "/v1/agent/tasks?wait=0", head: Self.head(sequence).description)
            #expect(status == .ok)
        }
        (_, body) = try await Self.request(fixture, "/v1/agent/ledger-head", head: nil)
        let record = try PayloadCodec.decodeJSON(SiteLedgerHead.self, from: body)
        #expect(record.site.rawValue == "alpha" && record.head == Self.head(5) && record.receivedAt != nil)
        #expect(try await fixture.coordinator.store.ledgerHead(site: SiteID(rawValue: "beta")!) == nil)
    }
}
