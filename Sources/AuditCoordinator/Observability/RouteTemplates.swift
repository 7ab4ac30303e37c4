import HTTPTypes
import Synchronization

/// The route templates of the API (`/v1/agent/tasks/{id}/result`) and the methods each answers:
/// one table for the two middlewares that must know the routes before the router resolves one.
/// Metrics label a request by its template, so ids and arbitrary paths never become label values
/// (a path no template matches is `unmatched`); a known path called with another method is 405.
/// Filled once the routes are registered (the middlewares that read it are added before them).
final class RouteTemplates: Sendable {
    private let table = Mutex<[(segments: [Substring], methods: Set<HTTPRequest.Method>)]>([])

    /// Templates as Hummingbird prints them, with `{name}` or `:name` parameters, each answering GET.
    convenience init(_ paths: [String] = []) {
        self.init(routes: paths.map { ($0, .get) })
    }

    init(routes: [(path: String, method: HTTPRequest.Method)]) { set(routes) }

    /// Replaces the table with the registered `(path, method)` pairs.
    func set(_ routes: [(path: String, method: HTTPRequest.Method)]) {
        var byPath: [String: Set<HTTPRequest.Method>] = [:]
        for route in routes { byPath[route.path, default: []].insert(route.method) }
        let parsed = byPath.keys.sorted().map { ($0.split(separator: "/"), byPath[$0]!) }
        table.withLock { $0 = parsed }
    }

    /// The template `path` matches, in Hummingbird's form, or `unmatched`.
    func template(for path: String) -> String {
        matching(path).first.map { "/" + $0.segments.joined(separator: "/") } ?? "unmatched"
    }

    /// The methods of the templates `path` matches, or nil when none does.
    func allowedMethods(for path: String) -> Set<HTTPRequest.Method>? {
        let matches = matching(path)
        return matches.isEmpty ? nil : matches.reduce(into: Set()) { $0.formUnion($1.methods) }
    }

    private func matching(_ path: String) -> [(segments: [Substring], methods: Set<HTTPRequest.Method>)] {
        let segments = (path.split(separator: "?", maxSplits: 1).first ?? "").split(separator: "/")
        return table.withLock { table in
            table.filter { entry in
                entry.segments.count == segments.count
                    && zip(entry.segments, segments).allSatisfy { t, s in t == s || Self.isParameter(t) }
            }
        }
    }

    static func isParameter(_ segment: Substring) -> Bool {
        segment.hasPrefix(":") || (segment.hasPrefix("{") && segment.hasSuffix("}"))
    }
}
