import AuditWire
import HTTPTypes
import Hummingbird

/// A known path called with a method it does not have is `405 method_not_allowed` with `Allow`
/// (RFC 9110 §15.5.6), before authentication: which methods a documented path has is public
/// (openapi.yaml); an unknown path stays `404` after authentication.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTemplates

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let allowed = routes.allowedMethods(for: request.uri.path), !allowed.contains(request.method),
              !(request.method == .head && allowed.contains(.get)) else {
            return try await next(request, context)
        }
        let names = allowed.map(\.rawValue).sorted().joined(separator: ", ")
        var response = APIError(.methodNotAllowed, "\(request.method) is not a method of \(request.uri.path); allowed: \(names)").response
        response.headers[.allow] = names
        return response
    }
}
