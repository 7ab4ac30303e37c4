import AuditCore
import AuditReport
import AuditSpec
import AuditWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The read-only dashboard for operators (client certificate) and researchers (token): the audits
/// and sites page, and each finished audit's HTML report. Pages carry a strict Content Security
/// Policy (no scripts, no external loads) and are never cached.
struct DashboardRoutes {
    let coordinator: Coordinator
    let operatorRoutes: OperatorRoutes

    func register(on router: Router<CoordinatorContext>) {
        router.get("dashboard") { request, context in try await dashboard(request, context) }
        router.get("dashboard/audits/:id") { _, context in try await report(context) }
    }

    func dashboard(_ request: Request, _ context: CoordinatorContext) async throws -> Response {
        let viewer = try context.requireReader()
        if let token = request.uri.queryParameters.get("token"), context.researcher != nil {
            // Signed in from a link: keep the token in a cookie and drop it from the address bar.
            var headers = HTTPFields()
            headers[.location] = "/dashboard"
            headers[.setCookie] = "\(ResearcherTokens.cookieName)=\(token); Path=/dashboard; Secure; HttpOnly; SameSite=Strict; Max-Age=28800"
            headers[.cacheControl] = "no-store"
            return Response(status: .seeOther, headers: headers)
        }
        var audits: [AuditSummary] = []
        var specs: [AuditID: DashboardPage.AuditSpecLine] = [:]
        for audit in try await coordinator.store.audits() {
            audits.append(try await operatorRoutes.summary(audit.id))
            specs[audit.id] = Self.specLine(audit)
        }
        let page = DashboardPage.render(audits: audits.sorted { $0.createdAt > $1.createdAt }, specs: specs,
                                        sites: try await coordinator.store.sites(), now: coordinator.clock.now(), viewer: viewer)
        return Self.html(page)
    }

    func report(_ context: CoordinatorContext) async throws -> Response {
        let viewer = try context.requireReader()
        let id: AuditID = try context.pathID()
        guard let audit = try await coordinator.store.audit(id: id) else { throw APIError(.notFound, "no audit \(id)") }
        guard let json = audit.resultJSON else {
            throw APIError(.conflict, "audit \(id) has no report yet (state \(audit.state.rawValue))")
        }
        let document = try ReportDocument.decode(Data(json.utf8))
        coordinator.logger.info("dashboard report viewed", metadata: ["audit": "\(id)", "viewer": "\(viewer)"])
        return Self.html(HTMLReport.render(document, alpha: document.alpha, correction: document.correction))
    }

    /// The spec and model of a stored audit (its spec was validated at launch).
    static func specLine(_ audit: AuditRecord) -> DashboardPage.AuditSpecLine {
        let spec = try? audit.spec()
        let model = spec.map { "\($0.model.modelClass.rawValue) · \($0.techniques.map(\.rawValue).joined(separator: ", "))" } ?? "—"
        return DashboardPage.AuditSpecLine(spec: audit.name, specSHA256: audit.specSHA256, model: model)
    }

    /// An HTML response with the headers a security reviewer expects of a read-only page.
    static func html(_ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
