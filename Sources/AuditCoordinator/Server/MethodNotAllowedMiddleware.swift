import AuditWire
import HTTPTypes
import Hummingbird
import Synchronization

/// The methods each registered path pattern answers, filled in once the routes are registered.
/// Middleware must be added before the routes it wraps, so the table starts empty and is set by
/// ``CoordinatorService/router(coordinator:ca:peer:)`` after the last route.
final class RouteMethods: Sendable {
    private let table = Mutex<[(segments: [Substring], methods: Set<HTTPRequest.Method>)]>([])

    /// Records the registered `(path, method)` pairs.
    func set(_ routes: [(path: String, method: HTTPRequest.Method)]) {
        var byPath: [String: Set<HTTPRequest.Method>] = [:]
        for route in routes { byPath[route.path, default: []].insert(route.method) }
        table.withLock { $0 = byPath.map { (Self.segments($0.key), $0.value) } }
    }

    /// The methods of the pattern `path` matches, or nil when no route has that path.
    func allowed(_ path: String) -> Set<HTTPRequest.Method>? {
        let parts = Self.segments(path)
        let matches = table.withLock { table in
            table.filter { entry in
                entry.segments.count == parts.count && zip(entry.segments, parts).allSatisfy { pattern, part in
                    pattern.hasPrefix("{") || pattern.hasPrefix(":") || pattern == part
                }
            }.map(\.methods)
        }
        return matches.isEmpty ? nil : matches.reduce(into: Set()) { $0.formUnion($1) }
    }

    private static func segments(_ path: String) -> [Substring] {
        path.split(separator: "?", maxSplits: 1).first.map { $0.split(separator: "/") } ?? []
    }
}

/// A known path called with a method it does not have is `405 method_not_allowed` with `Allow`
/// (RFC 9110 §15.5.6), before authentication: which methods a documented path has is public
/// (openapi.yaml); an unknown path stays `404` after authentication.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteMethods

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let allowed = routes.allowed(request.uri.path), !allowed.contains(request.method),
              !(request.method == .head && allowed.contains(.get)) else {
            return try await next(request, context)
        }
        let names = allowed.map(\.rawValue).sorted().joined(separator: ", ")
        var response = APIError(.methodNotAllowed, "\(request.method) is not a method of \(request.uri.path); allowed: \(names)").response
        response.headers[.allow] = names
        return response
    }
}
