import AuditWire
import Hummingbird

extension Parameters {
    /// Refuses a query parameter the route does not define — `400 malformed_payload` naming it
    /// (protocol §8, "bad query") — so that a misspelt `limt=5` is an error, not silently ignored.
    func allowOnly(_ names: Set<String>) throws {
        for (key, _) in self where !names.contains(String(key)) {
            throw APIError(.malformedPayload, "unknown query parameter; expected \(names.sorted().joined(separator: ", "))",
                           field: String(key.prefix(64)))
        }
    }
}
