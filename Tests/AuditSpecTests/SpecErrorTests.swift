import Testing
import AuditSpec

/// One invalid spec and the error it must produce.
struct InvalidSpec: Sendable, CustomTestStringConvertible {
    var label: String
    var yaml: String
    var code: SpecError.Code
    var key: String?
    var line: Int?
    /// Words the message must contain.
    var mentions: [String] = []
    var testDescription: String { label }
}

/// The minimal valid spec's lines, with `extra` appended (lines 1–6 are fixed).
private func spec(_ extra: String = "") -> String {
    """
    fairuse: 1
    name: t
    outcome:
      column: y
    groups:
      - sex

    """ + extra
}

@Suite("Spec errors name the key, line and expectation")
struct SpecErrorTests {
    static let cases: [InvalidSpec] = [
        InvalidSpec(label: "unknown top-level key", yaml: spec("modle:\n  C: 1\n"),
                    code: .unknownKey, key: "modle", line: 7, mentions: ["did you mean 'model'?"]),
        InvalidSpec(label: "unknown nested key", yaml: spec("tests:\n  alpha: 0.1\n  alpah: 0.2\n"),
                    code: .unknownKey, key: "tests.alpah", line: 9, mentions: ["did you mean 'alpha'?", "ece_bins"]),
        InvalidSpec(label: "unknown key in a group", yaml: spec("  - column: age\n    cut: [60]\n"),
                    code: .unknownKey, key: "groups[1].cut", line: 8, mentions: ["did you mean 'cuts'?"]),
        InvalidSpec(label: "string for alpha", yaml: spec("tests:\n  alpha: \"0.1\"\n"),
                    code: .wrongType, key: "tests.alpha", line: 8, mentions: ["expected a number", "the string '0.1'"]),
        InvalidSpec(label: "alpha out of range", yaml: spec("tests:\n  alpha: 0.7\n"),
                    code: .invalidValue, key: "tests.alpha", line: 8, mentions: ["expected a number in (0, 0.5), found 0.7"]),
        InvalidSpec(label: "unknown technique", yaml: spec("techniques: [onehott, decoupled]\n"),
                    code: .invalidValue, key: "techniques[0]", line: 7,
                    mentions: ["unknown technique 'onehott'", "onehot, intersectional, decoupled", "did you mean 'onehot'?"]),
        InvalidSpec(label: "unknown metric", yaml: spec("metrics:\n  - error\n  - brier\n"),
                    code: .invalidValue, key: "metrics[1]", line: 9, mentions: ["unknown metric 'brier'", "error, auc, ece"]),
        InvalidSpec(label: "duplicate technique", yaml: spec("techniques: [onehot, decoupled, onehot]\n"),
                    code: .duplicate, key: "techniques[2]", line: 7, mentions: ["techniques[0]"]),
        InvalidSpec(label: "empty techniques", yaml: spec("techniques: []\n"),
                    code: .invalidValue, key: "techniques", line: 7, mentions: ["at least one"]),
        InvalidSpec(label: "cuts not increasing", yaml: spec("  - column: age\n    cuts: [70, 50]\n"),
                    code: .invalidValue, key: "groups[1].cuts", line: 8, mentions: ["strictly increasing", "50 after 70"]),
        InvalidSpec(label: "equal cuts", yaml: spec("  - column: age\n    cuts: [50, 50]\n"),
                    code: .invalidValue, key: "groups[1].cuts", line: 8),
        InvalidSpec(label: "infinite cut", yaml: spec("  - column: age\n    cuts: [50, .inf]\n"),
                    code: .invalidValue, key: "groups[1].cuts", line: 8, mentions: ["finite"]),
        InvalidSpec(label: "missing outcome", yaml: "fairuse: 1\nname: t\ngroups: [sex]\n",
                    code: .missingKey, key: "outcome", line: nil, mentions: ["outcome"]),
        InvalidSpec(label: "missing outcome column", yaml: "fairuse: 1\nname: t\noutcome:\n  positive: yes\ngroups: [sex]\n",
                    code: .missingKey, key: "outcome.column", line: 4),
        InvalidSpec(label: "missing version", yaml: "name: t\noutcome:\n  column: y\ngroups: [sex]\n",
                    code: .missingKey, key: "fairuse", line: nil),
        InvalidSpec(label: "unsupported version", yaml: "fairuse: 2\nname: t\nsites: all\n",
                    code: .unsupportedVersion, key: "fairuse", line: 1, mentions: ["version 2", "version 1"]),
        InvalidSpec(label: "bad YAML syntax", yaml: spec("tests:\n  alpha: [0.1\n  bootstrap: 10\n"),
                    code: .yamlSyntax, key: nil, line: 9),
        InvalidSpec(label: "tab-indented YAML", yaml: "fairuse: 1\nname: t\noutcome:\n\tcolumn: y\n",
                    code: .yamlSyntax, key: nil, line: 4),
        InvalidSpec(label: "duplicate YAML key", yaml: spec("name: u\n"),
                    code: .duplicate, key: "name", line: 2),
        InvalidSpec(label: "empty document", yaml: "# nothing\n",
                    code: .wrongType, key: nil, line: nil, mentions: ["empty"]),
        InvalidSpec(label: "list at the top", yaml: "- fairuse\n",
                    code: .wrongType, key: nil, line: 1, mentions: ["mapping"]),
        InvalidSpec(label: "outcome as a group", yaml: spec("  - y\n"),
                    code: .invalidValue, key: "groups[1]", line: 7, mentions: ["outcome"]),
        InvalidSpec(label: "duplicate group", yaml: spec("  - column: sex\n    name: gender\n"),
                    code: .duplicate, key: "groups[1]", line: 7, mentions: ["groups[0]"]),
        InvalidSpec(label: "duplicate group display name", yaml: spec("  - column: gender\n    name: sex\n"),
                    code: .duplicate, key: "groups[1]", line: 7),
        InvalidSpec(label: "no groups", yaml: "fairuse: 1\nname: t\noutcome:\n  column: y\ngroups: []\n",
                    code: .invalidValue, key: "groups", line: 5),
        InvalidSpec(label: "group as a list", yaml: spec("  - [a, b]\n"),
                    code: .wrongType, key: "groups[1]", line: 7),
        InvalidSpec(label: "outcome as a feature", yaml: spec("features:\n  include: [a, y]\n"),
                    code: .invalidValue, key: "features.include[1]", line: 8, mentions: ["outcome"]),
        InvalidSpec(label: "group column as a feature", yaml: spec("features:\n  categorical: [sex]\n"),
                    code: .invalidValue, key: "features.categorical[0]", line: 8, mentions: ["group attribute"]),
        InvalidSpec(label: "include overlaps exclude", yaml: spec("features:\n  include: [a, b]\n  exclude: [c, b]\n"),
                    code: .invalidValue, key: "features.exclude[1]", line: 9),
        InvalidSpec(label: "categorical overlaps numeric", yaml: spec("features:\n  categorical: [a]\n  numeric: [a]\n"),
                    code: .invalidValue, key: "features.numeric[0]", line: 9),
        InvalidSpec(label: "features as a string", yaml: spec("features:\n  include: a\n"),
                    code: .wrongType, key: "features.include", line: 8, mentions: ["list"]),
        InvalidSpec(label: "unknown model class", yaml: spec("model:\n  class: random_forests\n"),
                    code: .invalidValue, key: "model.class", line: 8,
                    mentions: ["logistic_regression", "neural_network", "did you mean 'random_forest'?"]),
        InvalidSpec(label: "forest key with the logistic class", yaml: spec("model:\n  trees: 10\n"),
                    code: .invalidValue, key: "model.trees", line: 8, mentions: ["random_forest", "logistic_regression"]),
        InvalidSpec(label: "network key with the forest class", yaml: spec("model:\n  class: random_forest\n  hidden: [3]\n"),
                    code: .invalidValue, key: "model.hidden", line: 9, mentions: ["neural_network"]),
        InvalidSpec(label: "seed with the logistic class", yaml: spec("model:\n  seed: 3\n"),
                    code: .invalidValue, key: "model.seed", line: 8, mentions: ["random_forest"]),
        InvalidSpec(label: "zero trees", yaml: spec("model:\n  class: random_forest\n  trees: 0\n"),
                    code: .invalidValue, key: "model.trees", line: 9, mentions: ["1 … 10000"]),
        InvalidSpec(label: "min_samples_split of 1", yaml: spec("model:\n  class: random_forest\n  min_samples_split: 1\n"),
                    code: .invalidValue, key: "model.min_samples_split", line: 9, mentions: ["≥ 2"]),
        InvalidSpec(label: "unknown max_features", yaml: spec("model:\n  class: random_forest\n  max_features: half\n"),
                    code: .invalidValue, key: "model.max_features", line: 9, mentions: ["sqrt", "log2"]),
        InvalidSpec(label: "fractional max_depth", yaml: spec("model:\n  class: random_forest\n  max_depth: 2.5\n"),
                    code: .wrongType, key: "model.max_depth", line: 9, mentions: ["integer"]),
        InvalidSpec(label: "empty hidden layer", yaml: spec("model:\n  class: neural_network\n  hidden: [5, 0]\n"),
                    code: .invalidValue, key: "model.hidden[1]", line: 9, mentions: ["1 … 1024"]),
        InvalidSpec(label: "no hidden layers", yaml: spec("model:\n  class: neural_network\n  hidden: []\n"),
                    code: .invalidValue, key: "model.hidden", line: 9),
        InvalidSpec(label: "negative learning rate", yaml: spec("model:\n  class: neural_network\n  learning_rate: -0.1\n"),
                    code: .invalidValue, key: "model.learning_rate", line: 9, mentions: ["> 0"]),
        InvalidSpec(label: "calibration fraction too large", yaml: spec("model:\n  class: neural_network\n  calibration_fraction: 0.7\n"),
                    code: .invalidValue, key: "model.calibration_fraction", line: 9, mentions: ["(0, 0.5]"]),
        InvalidSpec(label: "C not positive", yaml: spec("model:\n  C: 0\n"),
                    code: .invalidValue, key: "model.C", line: 8),
        InvalidSpec(label: "unknown correction", yaml: spec("tests:\n  correction: holmes\n"),
                    code: .invalidValue, key: "tests.correction", line: 8, mentions: ["did you mean 'holm'?", "bonferroni"]),
        InvalidSpec(label: "fractional bootstrap", yaml: spec("tests:\n  bootstrap: 2000.5\n"),
                    code: .wrongType, key: "tests.bootstrap", line: 8, mentions: ["integer"]),
        InvalidSpec(label: "too many bootstrap replicates", yaml: spec("tests:\n  bootstrap: 100001\n"),
                    code: .invalidValue, key: "tests.bootstrap", line: 8),
        InvalidSpec(label: "one ECE bin", yaml: spec("tests:\n  ece_bins: 1\n"),
                    code: .invalidValue, key: "tests.ece_bins", line: 8),
        InvalidSpec(label: "negative seed", yaml: spec("tests:\n  seed: -1\n"),
                    code: .invalidValue, key: "tests.seed", line: 8),
        InvalidSpec(label: "test fraction of 1", yaml: spec("split:\n  test_fraction: 1\n"),
                    code: .invalidValue, key: "split.test_fraction", line: 8),
        InvalidSpec(label: "unknown imbalance repair", yaml: spec("imbalance_repair: smote\n"),
                    code: .invalidValue, key: "imbalance_repair", line: 7, mentions: ["none, reweight"]),
        InvalidSpec(label: "min_rows of 0", yaml: spec("decoupled:\n  min_rows: 0\n"),
                    code: .invalidValue, key: "decoupled.min_rows", line: 8),
        InvalidSpec(label: "bad name", yaml: "fairuse: 1\nname: my audit\noutcome:\n  column: y\ngroups: [sex]\n",
                    code: .invalidValue, key: "name", line: 2),
        InvalidSpec(label: "tests as a list", yaml: spec("tests: [0.1]\n"),
                    code: .wrongType, key: "tests", line: 7, mentions: ["mapping"]),
    ]

    @Test("each invalid spec fails with its code, key and line", arguments: cases)
    func invalid(example: InvalidSpec) {
        let error = #expect(throws: SpecError.self) {
            try AuditSpec.parse(yaml: example.yaml, source: "spec.yaml")
        }
        guard let error else { return }
        #expect(error.code == example.code, "\(error)")
        #expect(error.key == example.key, "\(error)")
        #expect(error.line == example.line, "\(error)")
        #expect(error.file == "spec.yaml")
        for word in example.mentions {
            #expect(error.message.contains(word), "message lacks \(word): \(error.message)")
        }
    }

    @Test("the description reads file:line: key: message")
    func description() throws {
        let error = SpecError(code: .invalidValue, file: "spec.yaml", key: "tests.alpha", line: 14,
                              message: "expected a number in (0, 0.5), found 0.7")
        #expect(error.description == "spec.yaml:14: tests.alpha: expected a number in (0, 0.5), found 0.7")
        let whole = SpecError(code: .unreadable, file: "x.yaml", key: nil, line: nil, message: "cannot read")
        #expect(whole.description == "x.yaml: cannot read")
        #expect(SpecError.Code.unknownKey.description == "unknown_key")
    }

    @Test("a missing file is unreadable and names the path")
    func missingFile() {
        let path = "/nonexistent/fairuse/spec.yaml"
        let error = #expect(throws: SpecError.self) { try AuditSpec.load(path: path) }
        #expect(error?.code == .unreadable)
        #expect(error?.file == path)
    }

    @Test("validate() checks a spec built in code")
    func validateBuilt() {
        var spec = AuditSpec(name: "demo", outcome: OutcomeSpec(column: "y"), groups: [GroupAttributeSpec(column: "sex")])
        spec.tests.alpha = 0.5
        let error = #expect(throws: SpecError.self) { try spec.validate(source: "demo") }
        #expect(error?.code == .invalidValue)
        #expect(error?.key == "tests.alpha")
        #expect(error?.line == nil)
        #expect(error?.file == "demo")
    }
}
