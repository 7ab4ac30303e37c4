import Synchronization

/// The route templates of the API (`/v1/agent/tasks/{id}/result`), to label metrics by route
/// without putting ids or arbitrary paths into label values: a path the router did not reach (the
/// request was refused before routing) is matched here against the templates; anything else is
/// `unmatched`, so a scanner cannot create new series. Filled once the routes are registered
/// (the middleware that reads it is added to the router before them).
final class RouteTemplates: Sendable {
    private let templates = Mutex<[[Substring]]>([])

    /// Templates as Hummingbird prints them, with `{name}` or `:name` parameters.
    init(_ paths: [String] = []) { set(paths) }

    /// Replaces the templates.
    func set(_ paths: [String]) {
        let parsed = Set(paths).sorted().map { $0.split(separator: "/") }
        templates.withLock { $0 = parsed }
    }

    /// The template `path` matches, in Hummingbird's form, or `unmatched`.
    func template(for path: String) -> String {
        let segments = path.split(separator: "/")
        return templates.withLock { templates in
            for template in templates where template.count == segments.count {
                if zip(template, segments).allSatisfy({ t, s in t == s || Self.isParameter(t) }) {
                    return "/" + template.joined(separator: "/")
                }
            }
            return "unmatched"
        }
    }

    static func isParameter(_ segment: Substring) -> Bool {
        segment.hasPrefix(":") || (segment.hasPrefix("{") && segment.hasSuffix("}"))
    }
}
