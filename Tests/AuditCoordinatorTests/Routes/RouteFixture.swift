import AuditCore
import AuditPKI
import AuditSpec
import AuditTestSupport
import AuditWire
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
@testable import AuditCoordinator

/// Who calls a route in the in-process tests.
enum Caller: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// Site alpha, which owns the task in the route.
    case site
    /// Site beta, registered too, calling about alpha's task.
    case otherSite
    /// The operator "op".
    case `operator`
    /// No certificate, the researcher's read-only token.
    case researcher
    /// No certificate, no token.
    case none

    var testDescription: String { rawValue }
}

/// The certificate a test request presents, chosen by a header only the test sets. It stands in
/// for the TLS handshake alone: the middleware still verifies the chain against the CA, reads
/// the principal from the certificate and checks the site's registered fingerprint.
struct TestPeerCertificates: PeerCertificateSource {
    static let header = HTTPField.Name("Test-Peer-Certificate")!
    let certificates: [String: [UInt8]]

    func certificateDER(of request: Request, context: CoordinatorContext) async throws -> [UInt8]? {
        request.headers[Self.header].flatMap { certificates[$0] }
    }
}

/// A coordinator over an in-memory store with sites alpha and beta registered, one audit
/// launched over both (tasks delivered), a researcher token, and a manual clock; its router is
/// tested in process with HummingbirdTesting.
struct RouteFixture {
    static let token = "researcher-token-0123456789abcdef"
    let coordinator: Coordinator
    let clock: ManualClock
    /// A throwaway CA, and the certificates of alpha, beta and the operator "op".
    let ca: CertificateAuthority
    let certificates: [String: IssuedCertificate]
    let audit: AuditID
    /// Site alpha's task.
    let alphaTask: TaskID

    static func make() async throws -> RouteFixture {
        // Now, to the whole second the store keeps; the certificates are valid from then on.
        let clock = ManualClock(start: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
        let ca = try CertificateAuthority.create(commonName: "route test CA",
                                                 validity: .days(CertificateValidity.defaultAuthorityDays, from: clock.now))
        let leaf = CertificateValidity.days(CertificateValidity.defaultLeafDays, from: clock.now)
        var certificates = ["op": try ca.issueOperator(name: try OperatorName(certificateName: "op"), validity: leaf)]
        for site in ["alpha", "beta"] { certificates[site] = try ca.issueSite(try SiteID(certificateName: site), validity: leaf) }
        var configuration = CoordinatorConfiguration(host: "127.0.0.1", port: 0, certificatePath: "-", keyPath: "-", caPath: "-",
                                                     databasePath: ":memory:", longPollSeconds: 1)
        configuration.researchers = [.init(name: "rita", sha256: WireDigest.sha256Hex(Array(token.utf8)))]
        var logger = Logger(label: "fairuse.route-test")
        logger.logLevel = .critical
        let coordinator = Coordinator(configuration: configuration, store: try await Store.inMemory(), logger: logger, clock: clock.clock)
        let sites = [try SiteID(validating: "alpha"), try SiteID(validating: "beta")]
        for site in sites {
            try await coordinator.store.registerSite(id: site, fingerprint: try #require(certificates[site.rawValue]).fingerprint.hex,
                                                     at: clock.now)
        }
        let spec = Self.spec
        let tasks = Dictionary(uniqueKeysWithValues: sites.map { ($0, TaskID.generate()) })
        let audit = AuditID.generate()
        await coordinator.dispatch(try await coordinator.lifecycle.launch(NewAudit(
            id: audit, name: spec.name, specYAML: spec.yaml(), specSHA256: SiteTask.specDigest(spec), sites: sites,
            minSites: 2, requiredSites: [], deadline: clock.now.addingTimeInterval(3600), rootSeed: 1, taskIDs: tasks), at: clock.now))
        for task in tasks.values { await coordinator.dispatch(try await coordinator.store.markDelivered(task: task, at: clock.now)) }
        return RouteFixture(coordinator: coordinator, clock: clock, ca: ca, certificates: certificates, audit: audit,
                            alphaTask: try #require(tasks[sites[0]]))
    }

    static var spec: AuditSpec {
        var spec = AuditSpec(name: "routes", outcome: OutcomeSpec(column: "y"), groups: [GroupAttributeSpec(column: "g")])
        spec.techniques = [.intersectional]
        spec.metrics = [.error]
        return spec
    }

    /// The router with every route, authenticating through ``TestPeerCertificates``.
    var router: Router<CoordinatorContext> {
        CoordinatorService.router(coordinator: coordinator, ca: ca.certificate,
                                  peer: TestPeerCertificates(certificates: certificates.mapValues(\.derBytes)))
    }

    /// The headers `caller` sends: its certificate (or token) and the protocol version.
    static func headers(_ caller: Caller) -> HTTPFields {
        var headers = HTTPFields()
        headers[HTTPField.Name(WireHeader.protocolVersion)!] = ProtocolVersion.current.description
        headers[.contentType] = WireHeader.jsonMediaType
        switch caller {
        case .site: headers[TestPeerCertificates.header] = "alpha"
        case .otherSite: headers[TestPeerCertificates.header] = "beta"
        case .operator: headers[TestPeerCertificates.header] = "op"
        case .researcher: headers[.authorization] = "Bearer \(token)"
        case .none: break
        }
        return headers
    }

    /// Every row of every table, to show that a request changed nothing.
    func snapshot() async throws -> String {
        // `operator_certificate` is authentication's record of the operator certificates seen (so that one
        // can be revoked by name); every operator request may touch it, whatever the route stores.
        try await coordinator.store.dump(excluding: ["operator_certificate"])
    }
}
