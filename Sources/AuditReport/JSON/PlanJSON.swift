import AuditStats
import Foundation

/// JSON of a testability plan (`fairuse plan --json`, format `fairuse-plan/1`): snake_case keys,
/// sorted, like the report (Protocol/report-schema.md, "Testability plan").
extension TestabilityPlan {
    /// The plan as pretty, key-sorted JSON.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(self)
    }

    /// Decodes a plan written by ``jsonData()``.
    public static func decode(_ data: Data) throws -> TestabilityPlan {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try decoder.decode(TestabilityPlan.self, from: data)
    }
}
