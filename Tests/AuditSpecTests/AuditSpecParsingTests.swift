import Foundation
import Testing
import AuditSpec

/// A spec that sets every key to a non-default value.
let fullSpecYAML = """
    fairuse: 1
    name: flchain-5y-mortality
    data: flchain_5y_mortality.csv
    outcome:
      column: death_5y
      positive: "yes"
    groups:
      - sex
      - column: age
        cuts: [50, 70.5]
        name: age_group
      - column: region
        name: Region
    features:
      include: [kappa, lambda, creatinine, "chest pain", "no"]
      exclude: [futime]
      categorical: ["no"]
      numeric: [kappa]
    model:
      class: logistic_regression
      C: 0.25
    techniques: [decoupled, onehot]
    metrics: [auc]
    split:
      test_fraction: 0.3
      seed: 18446744073709551615
    tests:
      alpha: 0.05
      correction: by
      bootstrap: 0
      ece_bins: 15
      seed: 42
    imbalance_repair: reweight
    decoupled:
      min_rows: 5
    """

/// The smallest valid spec.
let minimalSpecYAML = """
    fairuse: 1
    name: minimal
    outcome:
      column: y
    groups:
      - sex
    """

@Suite("Parsing valid specs")
struct AuditSpecParsingTests {
    @Test("a full spec reads every key")
    func fullSpec() throws {
        let spec = try AuditSpec.parse(yaml: fullSpecYAML, source: "full.yaml")
        #expect(spec.formatVersion == 1)
        #expect(spec.name == "flchain-5y-mortality")
        #expect(spec.dataPath == "flchain_5y_mortality.csv")
        #expect(spec.outcome == OutcomeSpec(column: "death_5y", positive: "yes"))
        #expect(spec.groups == [
            GroupAttributeSpec(column: "sex"),
            GroupAttributeSpec(column: "age", name: "age_group", cuts: [50, 70.5]),
            GroupAttributeSpec(column: "region", name: "Region"),
        ])
        #expect(spec.features == FeatureSelection(include: ["kappa", "lambda", "creatinine", "chest pain", "no"],
                                                  exclude: ["futime"], categorical: ["no"], numeric: ["kappa"]))
        #expect(spec.model == ModelSpec(modelClass: .logisticRegression, inverseRegularization: 0.25))
        #expect(spec.techniques == [.decoupled, .onehot])
        #expect(spec.metrics == [.auc])
        #expect(spec.split == SplitSpec(testFraction: 0.3, seed: .max))
        #expect(spec.tests == TestSpec(alpha: 0.05, correction: .by, bootstrapReplicates: 0, eceBins: 15, seed: 42))
        #expect(spec.imbalanceRepair == .reweight)
        #expect(spec.decoupled == DecoupledSpec(minRows: 5))
    }

    @Test("parse → yaml() → parse gives an equal spec", arguments: [fullSpecYAML, minimalSpecYAML])
    func roundTrip(yaml: String) throws {
        let spec = try AuditSpec.parse(yaml: yaml, source: "spec.yaml")
        let canonical = spec.yaml()
        let again = try AuditSpec.parse(yaml: canonical, source: "canonical.yaml")
        #expect(again == spec)
        #expect(again.yaml() == canonical, "canonical YAML is a fixed point")
    }

    @Test("awkward strings survive the round trip")
    func quoting() throws {
        var spec = AuditSpec(name: "quoting", outcome: OutcomeSpec(column: "out: come", positive: "true"),
                             groups: [GroupAttributeSpec(column: "null"), GroupAttributeSpec(column: "1.5", name: "#x \"q\" \\ ü\t")])
        spec.features = FeatureSelection(include: ["a,b", "[c]", "-d", "e f", "ON", "~", ""], exclude: [])
        spec.features.include?.removeLast()
        spec.dataPath = "data/sub dir/x.csv"
        let again = try AuditSpec.parse(yaml: spec.yaml(), source: "q.yaml")
        #expect(again == spec)
    }

    @Test("absent optional keys take their defaults")
    func defaults() throws {
        let spec = try AuditSpec.parse(yaml: minimalSpecYAML, source: "minimal.yaml")
        let expected = AuditSpec(name: "minimal", outcome: OutcomeSpec(column: "y"), groups: [GroupAttributeSpec(column: "sex")])
        #expect(spec == expected)
        #expect(spec.dataPath == nil)
        #expect(spec.outcome.positive == "1")
        #expect(spec.features == FeatureSelection(include: nil, exclude: [], categorical: [], numeric: []))
        #expect(spec.model.modelClass == .logisticRegression)
        #expect(spec.model.inverseRegularization == 1.0)
        #expect(spec.techniques == [.onehot, .intersectional, .decoupled])
        #expect(spec.metrics == [.error, .auc, .ece])
        #expect(spec.split.testFraction == 0.2)
        #expect(spec.split.seed == 0)
        #expect(spec.tests.alpha == 0.10)
        #expect(spec.tests.correction == .holm)
        #expect(spec.tests.bootstrapReplicates == 2000)
        #expect(spec.tests.eceBins == 10)
        #expect(spec.tests.seed == 0)
        #expect(spec.imbalanceRepair == .none)
        #expect(spec.decoupled.minRows == 20)
    }

    @Test("keys written without a value take their defaults")
    func nullMeansDefault() throws {
        let spec = try AuditSpec.parse(yaml: minimalSpecYAML + "\nfeatures:\ntests:\n  alpha:\ntechniques: ~\n", source: "n.yaml")
        #expect(spec == AuditSpec(name: "minimal", outcome: OutcomeSpec(column: "y"), groups: [GroupAttributeSpec(column: "sex")]))
    }

    @Test("the built spec validates")
    func builtSpecValidates() throws {
        let spec = AuditSpec(name: "demo", outcome: OutcomeSpec(column: "y"), groups: [GroupAttributeSpec(column: "sex")])
        try spec.validate()
    }

    @Test("the spec encodes to JSON and back")
    func codable() throws {
        let spec = try AuditSpec.parse(yaml: fullSpecYAML, source: "full.yaml")
        let data = try JSONEncoder().encode(spec)
        #expect(try JSONDecoder().decode(AuditSpec.self, from: data) == spec)
        let json = try #require(String(data: data, encoding: .utf8))
        #expect(json.contains("\"logistic_regression\""))
        #expect(json.contains("\"decoupled\""))
    }

    /// (data, spec path, resolved path)
    static let dataPathCases: [(String, String, String)] = [
        ("x.csv", "/a/b/spec.yaml", "/a/b/x.csv"),
        ("../d/x.csv", "specs/spec.yaml", "specs/../d/x.csv"),
        ("/abs/x.csv", "/a/spec.yaml", "/abs/x.csv"),
        ("x.csv", "spec.yaml", "x.csv"),
    ]

    @Test("the data path resolves against the spec's directory", arguments: dataPathCases)
    func dataPath(data: String, specPath: String, expected: String) {
        var spec = AuditSpec(name: "d", outcome: OutcomeSpec(column: "y"), groups: [GroupAttributeSpec(column: "sex")])
        spec.dataPath = data
        #expect(spec.resolvedDataPath(specPath: specPath) == expected)
    }
}
