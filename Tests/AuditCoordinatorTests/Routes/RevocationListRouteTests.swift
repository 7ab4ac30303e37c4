import AuditCore
import AuditPKI
import AuditWire
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
@testable import AuditCoordinator

/// The coordinator's revocation list in process: listed serials refused, the list served, a stale list warned
/// about or refused as configured, and a replacement that is not the CA's ignored.
@Suite("Revocation list at the coordinator")
struct RevocationListRouteTests {
    /// A router whose coordinator holds `list` as its `tls.crl`.
    func router(_ fixture: RouteFixture, list: RevocationList, whenStale: RevocationList.StalePolicy, folder: String)
        throws -> (router: Router<CoordinatorContext>, file: RevocationListFile) {
        let path = folder + "/crl.pem"
        try list.pem.write(toFile: path, atomically: true, encoding: .utf8)
        var logger = Logger(label: "fairuse.crl-test")
        logger.logLevel = .critical
        let file = try RevocationListFile(path: path, ca: fixture.ca.certificate, whenStale: whenStale, logger: logger)
        let router = CoordinatorService.router(coordinator: fixture.coordinator, ca: fixture.ca.certificate,
                                               peer: TestPeerCertificates(certificates: fixture.certificates.mapValues(\.derBytes)),
                                               revocations: file)
        return (router, file)
    }

    func call(_ router: Router<CoordinatorContext>, _ path: String, as caller: Caller) async throws -> (Int, String) {
        let headers = RouteFixture.headers(caller)
        return try await Application(router: router).test(.router) { client in
            let response = try await client.execute(uri: path, method: .get, headers: headers)
            return (Int(response.status.code), String(buffer: response.body))
        }
    }

    @Test func aListedSerialIsRefusedAndTheListIsServed() async throws {
        try await withFolder { folder in
            let fixture = try await RouteFixture.make()
            let beta = try #require(fixture.certificates["beta"])
            let list = try RevocationList.create(
                by: fixture.ca, revoking: [Revocation(serial: Array(beta.certificate.serialNumber.bytes), revokedAt: fixture.clock.now)],
                thisUpdate: fixture.clock.now, nextUpdate: fixture.clock.now.addingTimeInterval(86_400), number: 3)
            let (router, _) = try router(fixture, list: list, whenStale: .refuse, folder: folder)
            let before = try await fixture.snapshot()
            let (status, body) = try await call(router, "/v1/agent/tasks?wait=0", as: .otherSite)
            #expect(status == 401 && body.contains("\"unauthenticated\"") && body.contains("revoked by the federation CA's revocation list"))
            #expect(try await fixture.snapshot() == before, "nothing stored for a refused certificate")
            let (served, pem) = try await call(router, "/v1/crl", as: .site)
            #expect(served == 200)
            let fetched = try RevocationList(pem: pem, issuer: fixture.ca.certificate)
            #expect(fetched == list)
        }
    }

    @Test(arguments: [RevocationList.StalePolicy.warn, .refuse])
    func aStaleListIsWarnedAboutOrRefused(_ policy: RevocationList.StalePolicy) async throws {
        try await withFolder { folder in
            let fixture = try await RouteFixture.make()
            let now = fixture.clock.now
            let list = try RevocationList.create(by: fixture.ca, revoking: [], thisUpdate: now, nextUpdate: now.addingTimeInterval(3600), number: 1)
            let (router, _) = try router(fixture, list: list, whenStale: policy, folder: folder)
            #expect(try await call(router, "/v1/sites", as: .operator).0 == 200)
            fixture.clock.advance(by: 7200)
            let (status, body) = try await call(router, "/v1/sites", as: .operator)
            switch policy {
            case .warn: #expect(status == 200)
            case .refuse:
                #expect(status == 500 && body.contains("the coordinator's revocation list is stale; the operator must publish a fresh one"))
            }
        }
    }

    @Test func aReplacementThatIsNotTheCAsOrIsOlderIsIgnored() async throws {
        try await withFolder { folder in
            let fixture = try await RouteFixture.make()
            let now = fixture.clock.now
            let beta = try #require(fixture.certificates["beta"])
            let revoking = [Revocation(serial: Array(beta.certificate.serialNumber.bytes), revokedAt: now)]
            let list = try RevocationList.create(by: fixture.ca, revoking: revoking, thisUpdate: now, nextUpdate: now.addingTimeInterval(86_400), number: 2)
            let (router, file) = try router(fixture, list: list, whenStale: .warn, folder: folder)
            // A rollback to an older genuine list that does not list beta.
            let older = try RevocationList.create(by: fixture.ca, revoking: [], thisUpdate: now.addingTimeInterval(-60),
                                                  nextUpdate: now.addingTimeInterval(86_400), number: 1)
            try older.pem.write(toFile: file.path, atomically: true, encoding: .utf8)
            #expect(try await call(router, "/v1/agent/tasks?wait=0", as: .otherSite).0 == 401)
            // Bytes that are no list at all.
            try "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n".write(toFile: file.path, atomically: true, encoding: .utf8)
            #expect(try await call(router, "/v1/agent/tasks?wait=0", as: .otherSite).0 == 401)
            #expect(file.current() == list)
        }
    }

    private func withFolder<T>(_ body: (String) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crl-route-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try await body(folder)
    }
}
