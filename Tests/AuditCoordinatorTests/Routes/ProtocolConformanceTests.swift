import AuditCore
import AuditWire
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import AuditCoordinator

/// What `Protocol/protocol.md` says of requests the coordinator must refuse, checked in process.
@Suite("Protocol conformance")
struct ProtocolConformanceTests {
    /// `wait` is a whole number of seconds (protocol §7); a negative or non-numeric wait is refused.
    @Test(arguments: ["-1", "abc", "1.5", "9999999"])
    func aMalformedLongPollWaitIsRefused(_ wait: String) async throws {
        let fixture = try await RouteFixture.make()
        let response = try await Application(router: fixture.router).test(.router) { client in
            try await client.execute(uri: "/v1/agent/tasks?wait=\(wait)", method: .get, headers: RouteFixture.headers(.site))
        }
        #expect(response.status == .badRequest)
        let body = try PayloadCodec.decodeJSON(ErrorBody.self, from: Data(response.body.readableBytesView))
        #expect(body.error.code == .malformedPayload && body.error.field == "wait")
        // Error responses, like every response, carry the protocol version (protocol §2).
        #expect(response.headers[HTTPField.Name(WireHeader.protocolVersion)!] == ProtocolVersion.current.description)
    }

    /// Results and refusals must carry `Idempotency-Key` (protocol §9); without it nothing is stored.
    @Test(arguments: ["result", "refusal"])
    func anAnswerWithoutItsIdempotencyKeyIsRefusedAndNothingIsStored(_ kind: String) async throws {
        let fixture = try await RouteFixture.make()
        let before = try await fixture.snapshot()
        let refusal = TaskRefusal(task: fixture.alphaTask, site: SiteID(rawValue: "alpha")!, code: RefusalCode.approvalDenied,
                                  reason: "declined")
        let body = ByteBuffer(bytes: try PayloadCodec.encodeJSON(refusal))
        let response = try await Application(router: fixture.router).test(.router) { client in
            try await client.execute(uri: "/v1/agent/tasks/\(fixture.alphaTask)/\(kind)", method: .post,
                                     headers: RouteFixture.headers(.site), body: body)
        }
        #expect(response.status == .badRequest)
        let error = try PayloadCodec.decodeJSON(ErrorBody.self, from: Data(response.body.readableBytesView)).error
        #expect(error.code == .malformedPayload && error.field == "Idempotency-Key")
        #expect(try await fixture.snapshot() == before)
    }

    /// A spec that does not read is `422 invalid_shape` at `spec_yaml` with the reader's
    /// `line: key: message` (protocol §8: spec text is configuration, not a malformed payload).
    @Test func aLaunchWithAnInvalidSpecIs422NamingTheSpecLineAndNothingIsStored() async throws {
        let fixture = try await RouteFixture.make()
        let before = try await fixture.snapshot()
        let yaml = RouteFixture.spec.yaml().replacingOccurrences(of: "name:", with: "nmae:")
        let launch = LaunchAuditRequest(specYAML: yaml, sites: [SiteID(rawValue: "alpha")!])
        let response = try await Application(router: fixture.router).test(.router) { client in
            try await client.execute(uri: "/v1/audits", method: .post, headers: RouteFixture.headers(.operator),
                                     body: ByteBuffer(bytes: try PayloadCodec.encodeJSON(launch)))
        }
        #expect(response.status.code == 422)
        let error = try PayloadCodec.decodeJSON(ErrorBody.self, from: Data(response.body.readableBytesView)).error
        #expect(error.code == .invalidShape && error.field == "spec_yaml")
        #expect(error.message.contains("nmae"), "\(error.message)")
        #expect(try await fixture.snapshot() == before)
    }

    /// A documented path with a method it does not have is 405 with `Allow` (RFC 9110 §15.5.6),
    /// even unauthenticated; an unknown path stays 404 and nothing is stored.
    @Test(arguments: [("TRACE", "/v1/audits", "GET, POST"), ("PUT", "/v1/sites/alpha", "DELETE"),
                      ("GET", "/v1/agent/tasks/tsk_x/result", "POST"), ("PATCH", "/v1/agent/hello", "POST")])
    func aKnownPathWithAnotherMethodIs405WithAllow(_ method: String, _ path: String, _ allow: String) async throws {
        let fixture = try await RouteFixture.make()
        let before = try await fixture.snapshot()
        for caller in [Caller.operator, .none] {
            let response = try await Application(router: fixture.router).test(.router) { client in
                try await client.execute(uri: path, method: HTTPRequest.Method(method)!, headers: RouteFixture.headers(caller))
            }
            #expect(response.status.code == 405)
            #expect(response.headers[.allow] == allow)
            let error = try PayloadCodec.decodeJSON(ErrorBody.self, from: Data(response.body.readableBytesView)).error
            #expect(error.code == .methodNotAllowed)
        }
        let unknown = try await Application(router: fixture.router).test(.router) { client in
            try await client.execute(uri: "/v1/nothing-here", method: .get, headers: RouteFixture.headers(.operator))
        }
        #expect(unknown.status == .notFound)
        #expect(try await fixture.snapshot() == before)
    }

    /// protocol.md's route tables, openapi.yaml's paths and the router list the same routes (the
    /// dashboard's HTML pages are in protocol.md and the router only: they are not an API).
    @Test func protocolDocumentOpenAPIAndRouterListTheSameRoutes() async throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../Protocol").standardizedFileURL
        let protocolText = try String(contentsOf: folder.appendingPathComponent("protocol.md"), encoding: .utf8)
        let openAPIText = try String(contentsOf: folder.appendingPathComponent("openapi.yaml"), encoding: .utf8)

        var documented = Set<String>()
        for line in protocolText.split(separator: "\n") where line.hasPrefix("| `") {
            for match in line.matches(of: /`(GET|POST|PUT|PATCH|DELETE) (\/[^`? ]*)[^`]*`/) {
                documented.insert(Self.route(match.1, match.2))
            }
        }
        var openAPI = Set<String>()
        var path: Substring?
        for line in openAPIText.split(separator: "\n") {
            if let match = line.wholeMatch(of: /\ {2}(\/\S*):/) { path = match.1; continue }
            if !line.hasPrefix("   ") { path = nil }   // a line indented less than an operation ends `paths`
            if let path, let match = line.wholeMatch(of: /\ {4}(get|post|put|patch|delete):/) {
                openAPI.insert(Self.route(match.1.uppercased(), path))
            }
        }
        let fixture = try await RouteFixture.make()
        let routed = Set(fixture.router.routes.map { Self.route("\($0.method)", "\($0.path)") })
        let pages = Set(routed.filter { $0.contains(" /dashboard") })
        #expect(documented == routed, "protocol.md vs router: \(documented.symmetricDifference(routed).sorted())")
        #expect(openAPI == routed.subtracting(pages), "openapi.yaml vs router: \(openAPI.symmetricDifference(routed.subtracting(pages)).sorted())")
        #expect(openAPI.count >= 13)
    }

    /// A query parameter a route does not define is `400 malformed_payload` naming it (protocol §8).
    @Test(arguments: [("/v1/events?limt=5", Caller.operator, "limt"), ("/v1/agent/tasks?wait=0&wiat=1", Caller.site, "wiat")])
    func anUnknownQueryParameterIs400NamingIt(_ uri: String, _ caller: Caller, _ name: String) async throws {
        let fixture = try await RouteFixture.make()
        let response = try await Application(router: fixture.router).test(.router) { client in
            try await client.execute(uri: uri, method: .get, headers: RouteFixture.headers(caller))
        }
        #expect(response.status == .badRequest)
        let error = try PayloadCodec.decodeJSON(ErrorBody.self, from: Data(response.body.readableBytesView)).error
        #expect(error.code == .malformedPayload && error.field == name)
    }

    /// "METHOD /a/{}/b": path captures (`{task}`, `:id`, `{id}`) compared by position, not name.
    static func route(_ method: some StringProtocol, _ path: some StringProtocol) -> String {
        let parts = path.split(separator: "/").map { $0.hasPrefix("{") || $0.hasPrefix(":") ? "{}" : String($0) }
        return "\(method) /" + parts.joined(separator: "/")
    }
}
