import AuditCore
import Foundation
import Testing
import AuditSpec

/// One bundled example spec and what it must say (Sites/datasets/manifest.json, a copy of shared/datasets).
struct ExampleSpec: Sendable, CustomTestStringConvertible {
    var file: String
    var outcome: String
    var categorical: [String]
    var testDescription: String { file }
}

@Suite("Bundled example specs in Sites/specs")
struct ExampleSpecTests {
    /// `Sites/specs`, found from this file's path: Tests/AuditSpecTests/ExampleSpecTests.swift.
    static let specsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sites/specs")

    static let examples = [
        ExampleSpec(file: "flchain_5y_mortality.yaml", outcome: "death_5y", categorical: []),
        ExampleSpec(file: "heart_cleveland.yaml", outcome: "heart_disease",
                    categorical: ["chest_pain", "rest_ecg", "st_slope", "thal"]),
        ExampleSpec(file: "monica_ami_mortality.yaml", outcome: "death",
                    categorical: ["prev_mi", "smoking", "diabetes", "high_bp", "high_chol", "angina", "stroke"]),
        ExampleSpec(file: "whas500_1y_mortality.yaml", outcome: "death_1y", categorical: []),
    ]

    @Test("each example spec loads", arguments: examples)
    func loads(example: ExampleSpec) throws {
        let path = Self.specsDirectory.appendingPathComponent(example.file).path
        let spec = try AuditSpec.load(path: path)
        #expect(spec.outcome == OutcomeSpec(column: example.outcome, positive: "1"))
        #expect(spec.groups.map(\.displayName) == ["sex", "age_group"])
        #expect(spec.groups.allSatisfy { !$0.isNumeric }, "age_group is already binned in the CSV")
        #expect(spec.features.categorical == example.categorical)
        #expect(spec.techniques == Technique.allCases)
        #expect(spec.metrics == Metric.defaults(for: .binary))
        let csv = (example.file as NSString).deletingPathExtension + ".csv"
        let data = try #require(spec.resolvedDataPath(specPath: path))
        #expect(URL(fileURLWithPath: data).standardized.path.hasSuffix("/Sites/datasets/" + csv))
        #expect(FileManager.default.fileExists(atPath: data), "data path \(data) does not exist")
    }

    @Test("every spec in Sites/specs is one of the examples")
    func noOtherSpecs() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.specsDirectory.path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files == (Self.examples.map(\.file) + RegressionSpecTests.bundled).sorted())
    }
}

@Suite("The key reference in Protocol/audit-spec.md")
struct SpecReferenceTests {
    /// The ```yaml blocks of Protocol/audit-spec.md.
    static func yamlBlocks() throws -> [String] {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Protocol/audit-spec.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```yaml" {
                current = []
            } else if let block = current, line == "```" {
                blocks.append(block.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    @Test("every YAML example in the reference is a valid spec")
    func examplesParse() throws {
        let blocks = try Self.yamlBlocks()
        #expect(blocks.count == 5)
        for block in blocks {
            _ = try AuditSpec.parse(yaml: block, source: "audit-spec.md")
        }
    }
}
