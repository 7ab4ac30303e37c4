import AuditSpec
import Foundation

// An audit's spec is parsed and validated once, at launch; the store keeps the result beside the
// YAML (column `spec_json`), and every later reader (task polls, the combiner) decodes that.

extension AuditRecord {
    /// The audit's spec: decoded from the stored JSON, or, for an audit stored before schema v3,
    /// parsed from its YAML. A stored spec that no longer decodes is a `database` error.
    public func spec() throws -> AuditSpec {
        guard let specJSON else { return try AuditSpec.parse(yaml: specYAML, source: "audit \(id)") }
        do {
            return try JSONDecoder().decode(AuditSpec.self, from: Data(specJSON.utf8))
        } catch {
            throw StoreError.corrupt("audit \(id) has an unreadable spec_json")
        }
    }

    /// The JSON stored for `spec` (sorted keys, so equal specs store equal text).
    static func specJSON(_ spec: AuditSpec) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(spec), as: UTF8.self)
    }
}
