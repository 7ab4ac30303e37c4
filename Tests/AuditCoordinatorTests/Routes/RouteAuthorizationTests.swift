import AuditCore
import AuditWire
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import AuditCoordinator

/// What a route answers a caller: the HTTP status and, for an error, its wire code.
struct Outcome: Equatable, CustomStringConvertible {
    var status: Int
    var code: String?
    static func ok(_ status: Int) -> Outcome { Outcome(status: status, code: nil) }
    static func error(_ code: WireErrorCode) -> Outcome { Outcome(status: code.httpStatus, code: code.description) }
    static let forbidden = error(.forbidden), unauthenticated = error(.unauthenticated), notFound = error(.notFound)
    var description: String { "\(status) \(code ?? "")" }
}

/// One route of the coordinator: its pattern as registered, how to call it, and what each caller gets.
struct RouteCase: Sendable, CustomTestStringConvertible {
    let method: HTTPRequest.Method
    let pattern: String
    /// The concrete path, given the fixture's audit and alpha's task.
    let path: @Sendable (RouteFixture) -> String
    /// A well-formed body from `caller` (its own site id), if the route takes one.
    var body: @Sendable (RouteFixture, Caller) throws -> Data? = { _, _ in nil }
    let outcomes: [Caller: Outcome]

    var testDescription: String { "\(method) \(pattern)" }

    /// Site routes: both sites may call them about themselves; nobody else.
    static func agent(_ site: Outcome, otherSite: Outcome? = nil) -> [Caller: Outcome] {
        [.site: site, .otherSite: otherSite ?? site, .operator: .forbidden, .researcher: .forbidden, .none: .unauthenticated]
    }

    /// Operator-only routes.
    static func operatorOnly(_ outcome: Outcome) -> [Caller: Outcome] {
        [.site: .forbidden, .otherSite: .forbidden, .operator: outcome, .researcher: .forbidden, .none: .unauthenticated]
    }

    /// Read-only routes: operators and researchers.
    static func readers(_ outcome: Outcome) -> [Caller: Outcome] {
        [.site: .forbidden, .otherSite: .forbidden, .operator: outcome, .researcher: outcome, .none: .unauthenticated]
    }

    static func siteID(_ caller: Caller) -> SiteID { SiteID(rawValue: caller == .otherSite ? "beta" : "alpha")! }

    static func json<T: Encodable>(_ value: T) throws -> Data { try PayloadCodec.encodeJSON(value) }

    /// Every route in AgentRoutes, OperatorRoutes and DashboardRoutes.
    static let all: [RouteCase] = [
        RouteCase(method: .post, pattern: "/v1/agent/hello", path: { _ in "/v1/agent/hello" }, body: { _, caller in
            try json(AgentHello(agentVersion: "test", site: siteID(caller),
                                policy: PolicySummary(allowedModelClasses: [], allowedMetrics: [], minCell: 5, maxGroups: 16, manualApproval: false)))
        }, outcomes: agent(.ok(200))),
        RouteCase(method: .get, pattern: "/v1/agent/tasks", path: { _ in "/v1/agent/tasks?wait=0" }, outcomes: agent(.ok(200))),
        // An empty result reaches validation only for the task's own site.
        RouteCase(method: .post, pattern: "/v1/agent/tasks/:id/result", path: { "/v1/agent/tasks/\($0.alphaTask)/result" },
                  body: { _, _ in Data("{}".utf8) }, outcomes: agent(.error(.malformedPayload), otherSite: .notFound)),
        RouteCase(method: .post, pattern: "/v1/agent/tasks/:id/refusal", path: { "/v1/agent/tasks/\($0.alphaTask)/refusal" },
                  body: { fixture, caller in
                      try json(TaskRefusal(task: fixture.alphaTask, site: siteID(caller),
                                           code: RefusalCode.approvalDenied, reason: "declined"))
                  }, outcomes: agent(.ok(200), otherSite: .notFound)),
        RouteCase(method: .post, pattern: "/v1/agent/tasks/:id/progress", path: { "/v1/agent/tasks/\($0.alphaTask)/progress" },
                  body: { fixture, caller in
                      try json(TaskProgress(task: fixture.alphaTask, site: siteID(caller), stage: "statistics",
                                            technique: "intersectional", step: 1, total: 2))
                  }, outcomes: agent(.ok(204), otherSite: .notFound)),
        RouteCase(method: .get, pattern: "/v1/agent/ledger-head", path: { _ in "/v1/agent/ledger-head" }, outcomes: agent(.ok(200))),
        RouteCase(method: .post, pattern: "/v1/audits", path: { _ in "/v1/audits" }, body: { _, _ in
            try json(LaunchAuditRequest(specYAML: RouteFixture.spec.yaml(), sites: [SiteID(rawValue: "alpha")!]))
        }, outcomes: operatorOnly(.ok(201))),
        RouteCase(method: .get, pattern: "/v1/audits", path: { _ in "/v1/audits" }, outcomes: readers(.ok(200))),
        RouteCase(method: .get, pattern: "/v1/audits/:id", path: { "/v1/audits/\($0.audit)" }, outcomes: readers(.ok(200))),
        RouteCase(method: .get, pattern: "/v1/audits/:id/report", path: { "/v1/audits/\($0.audit)/report" },
                  outcomes: readers(.error(.conflict))),   // no report yet
        RouteCase(method: .post, pattern: "/v1/audits/:id/cancel", path: { "/v1/audits/\($0.audit)/cancel" },
                  outcomes: operatorOnly(.ok(200))),
        RouteCase(method: .post, pattern: "/v1/sites", path: { _ in "/v1/sites" }, body: { _, _ in
            try json(SiteRegistration(site: SiteID(rawValue: "gamma")!, certificateFingerprintSHA256: String(repeating: "ab", count: 32)))
        }, outcomes: operatorOnly(.ok(201))),
        RouteCase(method: .get, pattern: "/v1/sites", path: { _ in "/v1/sites" }, outcomes: operatorOnly(.ok(200))),
        RouteCase(method: .delete, pattern: "/v1/sites/:id", path: { _ in "/v1/sites/beta" }, outcomes: operatorOnly(.ok(200))),
        RouteCase(method: .get, pattern: "/v1/events", path: { _ in "/v1/events?limit=5" }, outcomes: operatorOnly(.ok(200))),
        RouteCase(method: .post, pattern: "/v1/sites/:id/rotate", path: { _ in "/v1/sites/beta/rotate" }, body: { _, _ in
            try json(SiteRotation(certificateFingerprintSHA256: String(repeating: "c", count: 64), overlapSeconds: 3600))
        }, outcomes: operatorOnly(.ok(200))),
        RouteCase(method: .get, pattern: "/v1/operators", path: { _ in "/v1/operators" }, outcomes: operatorOnly(.ok(200))),
        // The fixture has one operator, who may not revoke itself (FederationTests revoke another).
        RouteCase(method: .delete, pattern: "/v1/operators/:name", path: { _ in "/v1/operators/op" }, outcomes: operatorOnly(.error(.conflict))),
        RouteCase(method: .delete, pattern: "/v1/operator-certificates/:fingerprint",
                  path: { _ in "/v1/operator-certificates/" + String(repeating: "d", count: 64) }, outcomes: operatorOnly(.ok(200))),
        // Any site or operator may fetch the CA's revocation list; the fixture's coordinator has none.
        RouteCase(method: .get, pattern: "/v1/crl", path: { _ in "/v1/crl" }, outcomes: [
            .site: .notFound, .otherSite: .notFound, .operator: .notFound, .researcher: .forbidden, .none: .unauthenticated]),
        RouteCase(method: .get, pattern: "/dashboard", path: { _ in "/dashboard" }, outcomes: readers(.ok(200))),
        RouteCase(method: .get, pattern: "/dashboard/audits/:id", path: { "/dashboard/audits/\($0.audit)" },
                  outcomes: readers(.error(.conflict))),   // no report yet
    ]
}

/// Authorization of every route × every kind of caller, in process (no sockets, no TLS): the
/// exact status and code, and a refused request changes nothing in the store. The real
/// mutual-TLS path in front of the same middleware is covered by FederationTests' SecurityTests.
@Suite("Route authorization")
struct RouteAuthorizationTests {
    @Test func theTableCoversEveryRoute() async throws {
        let fixture = try await RouteFixture.make()
        let registered = Set(fixture.router.routes.map { "\($0.method) \(Self.normalized("\($0.path)"))" })
        #expect(registered == Set(RouteCase.all.map { "\($0.method) \($0.pattern)" }))
        #expect(RouteCase.all.allSatisfy { Set($0.outcomes.keys) == Set(Caller.allCases) })
    }

    /// A router path as text, with a leading slash and captures as `:name`.
    static func normalized(_ path: String) -> String {
        let parts = path.split(separator: "/").map { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? ":" + part.dropFirst().dropLast() : String(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    @Test(arguments: RouteCase.all, Caller.allCases)
    func route(_ route: RouteCase, caller: Caller) async throws {
        let fixture = try await RouteFixture.make()
        let expected = try #require(route.outcomes[caller])
        let before = try await fixture.snapshot()
        let json = try route.body(fixture, caller)
        var headers = RouteFixture.headers(caller)
        // As agents do, every body carries its idempotency key (required on results and refusals).
        if let json { headers[HTTPField.Name(WireHeader.idempotencyKey)!] = PayloadCodec.idempotencyKey(of: json) }
        let body = json.map { ByteBuffer(bytes: $0) }, sent = headers
        let response = try await Application(router: fixture.router).test(.router) { client in
            try await client.execute(uri: route.path(fixture), method: route.method, headers: sent, body: body)
        }
        let code = expected.code == nil ? nil
            : try? PayloadCodec.decodeJSON(ErrorBody.self, from: Data(response.body.readableBytesView)).error.code.description
        #expect(Outcome(status: Int(response.status.code), code: code) == expected)
        let after = try await fixture.snapshot()
        // Reads change nothing, except the long poll, which records the site's last contact.
        if expected.status >= 400 || (route.method == .get && route.pattern != "/v1/agent/tasks") {
            #expect(after == before, "the request changed the store")
        } else {
            #expect(after != before, "an accepted request stored nothing")
        }
    }
}
