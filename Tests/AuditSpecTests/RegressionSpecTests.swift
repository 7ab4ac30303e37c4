import AuditCore
import Foundation
import Testing
import AuditSpec

/// The minimal continuous-outcome spec's lines, with `extra` appended (lines 1–7 are fixed).
private func continuous(_ extra: String = "") -> String {
    """
    fairuse: 1
    name: t
    outcome:
      column: chol
      type: continuous
    groups:
      - sex

    """ + extra
}

/// The minimal binary spec's lines, with `extra` appended (lines 1–6 are fixed).
private func binary(_ extra: String = "") -> String {
    """
    fairuse: 1
    name: t
    outcome:
      column: y
    groups:
      - sex

    """ + extra
}

@Suite("Continuous outcomes in the spec")
struct RegressionSpecTests {
    /// The bundled regression specs in Sites/specs.
    static let bundled = ["flchain_creatinine.yaml"]

    @Test func continuousDefaults() throws {
        let spec = try AuditSpec.parse(yaml: continuous(), source: "s.yaml")
        #expect(spec.outcome.type == .continuous)
        #expect(spec.model.modelClass == .ridgeRegression)
        #expect(spec.model.alpha == nil && spec.model.ridgeAlpha == 1.0)
        #expect(spec.metrics == [.squaredError, .absoluteError])
        #expect(spec.techniques == Technique.allCases)
        let built = AuditSpec(name: "t", outcome: OutcomeSpec(column: "chol", type: .continuous),
                              groups: [GroupAttributeSpec(column: "sex")])
        #expect(built == spec)
    }

    @Test func binaryIsUnchanged() throws {
        let spec = try AuditSpec.parse(yaml: binary(), source: "s.yaml")
        #expect(spec.outcome.type == .binary)
        #expect(spec.model.modelClass == .logisticRegression)
        #expect(spec.metrics == [.error, .auc, .ece])
        // A binary spec encodes without `type` or `alpha`, as before continuous outcomes existed.
        let outcome = String(decoding: try JSONEncoder().encode(spec.outcome), as: UTF8.self)
        let model = String(decoding: try JSONEncoder().encode(spec.model), as: UTF8.self)
        #expect(!outcome.contains("\"type\"") && !model.contains("\"alpha\""))
        let old = #"{"column":"y","positive":"1"}"#
        #expect(try JSONDecoder().decode(OutcomeSpec.self, from: Data(old.utf8)) == OutcomeSpec(column: "y"))
    }

    @Test func explicitRidgeRoundTrips() throws {
        let yaml = continuous("model:\n  class: ridge_regression\n  alpha: 2.5\nmetrics: [absolute_error]\n")
        let spec = try AuditSpec.parse(yaml: yaml, source: "s.yaml")
        #expect(spec.model.alpha == 2.5 && spec.metrics == [.absoluteError])
        #expect(try AuditSpec.parse(yaml: spec.yaml(), source: "canonical") == spec)
        #expect(try AuditSpec.parse(yaml: AuditSpec.parse(yaml: continuous(), source: "s").yaml(), source: "c")
                == AuditSpec.parse(yaml: continuous(), source: "s"))
        let decoded = try JSONDecoder().decode(AuditSpec.self, from: JSONEncoder().encode(spec))
        #expect(decoded == spec)
    }

    static let invalid: [InvalidSpec] = [
        InvalidSpec(label: "binary metric for a continuous outcome", yaml: continuous("metrics: [squared_error, auc]\n"),
                    code: .invalidValue, key: "metrics[1]", line: 8, mentions: ["'auc'", "squared_error, absolute_error"]),
        InvalidSpec(label: "regression metric for a binary outcome", yaml: binary("metrics:\n  - error\n  - squared_error\n"),
                    code: .invalidValue, key: "metrics[1]", line: 9, mentions: ["'squared_error'", "error, auc, ece"]),
        InvalidSpec(label: "classifier for a continuous outcome", yaml: continuous("model:\n  class: logistic_regression\n"),
                    code: .invalidValue, key: "model.class", line: 9, mentions: ["logistic_regression", "ridge_regression"]),
        InvalidSpec(label: "regressor for a binary outcome", yaml: binary("model:\n  class: ridge_regression\n"),
                    code: .invalidValue, key: "model.class", line: 8, mentions: ["binary", "logistic_regression"]),
        InvalidSpec(label: "C for ridge", yaml: continuous("model:\n  C: 2\n"),
                    code: .invalidValue, key: "model.C", line: 9, mentions: ["model.alpha"]),
        InvalidSpec(label: "alpha for logistic regression", yaml: binary("model:\n  alpha: 2\n"),
                    code: .invalidValue, key: "model.alpha", line: 8, mentions: ["ridge_regression", "model.C"]),
        InvalidSpec(label: "alpha not positive", yaml: continuous("model:\n  alpha: 0\n"),
                    code: .invalidValue, key: "model.alpha", line: 9, mentions: ["> 0"]),
        InvalidSpec(label: "positive class of a continuous outcome",
                    yaml: "fairuse: 1\nname: t\noutcome:\n  column: chol\n  type: continuous\n  positive: \"1\"\ngroups: [sex]\n",
                    code: .invalidValue, key: "outcome.positive", line: 6, mentions: ["no positive class"]),
        InvalidSpec(label: "unknown outcome type", yaml: "fairuse: 1\nname: t\noutcome:\n  column: chol\n  type: numeric\ngroups: [sex]\n",
                    code: .invalidValue, key: "outcome.type", line: 5, mentions: ["binary", "continuous"]),
        InvalidSpec(label: "imbalance repair of a continuous outcome", yaml: continuous("imbalance_repair: reweight\n"),
                    code: .invalidValue, key: "imbalance_repair", line: 8, mentions: ["binary outcome"]),
    ]

    @Test("each invalid regression spec fails with its code, key and line", arguments: invalid)
    func invalidSpec(example: InvalidSpec) {
        let error = #expect(throws: SpecError.self) { try AuditSpec.parse(yaml: example.yaml, source: "spec.yaml") }
        guard let error else { return }
        #expect(error.code == example.code, "\(error)")
        #expect(error.key == example.key, "\(error)")
        #expect(error.line == example.line, "\(error)")
        for word in example.mentions { #expect(error.message.contains(word), "\(error.message) lacks \(word)") }
    }

    @Test func bundledRegressionSpecLoads() throws {
        let path = ExampleSpecTests.specsDirectory.appendingPathComponent("flchain_creatinine.yaml").path
        let spec = try AuditSpec.load(path: path)
        #expect(spec.outcome == OutcomeSpec(column: "creatinine", type: .continuous))
        #expect(spec.model.modelClass == .ridgeRegression && spec.model.ridgeAlpha == 1.0)
        #expect(spec.metrics == [.squaredError, .absoluteError])
        let data = try #require(spec.resolvedDataPath(specPath: path))
        #expect(FileManager.default.fileExists(atPath: data))
    }
}
