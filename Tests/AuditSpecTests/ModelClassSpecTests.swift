import AuditSpec
import Testing

@Suite("Model classes in the spec")
struct ModelClassSpecTests {
    static let header = "fairuse: 1\nname: t\noutcome:\n  column: y\ngroups:\n  - sex\n"

    @Test("a random forest without hyperparameters gets the paper's (ICML 2023 Appendix D)")
    func forestDefaults() throws {
        let spec = try AuditSpec.parse(yaml: Self.header + "model:\n  class: random_forest\n", source: "s.yaml")
        let forest = try #require(spec.model.forest)
        #expect(forest == ForestSpec(trees: 100, maxDepth: 20, minSamplesSplit: 5, minSamplesLeaf: 2, maxFeatures: .sqrt, seed: 0))
        #expect(spec.model.network == nil)
        #expect(forest.maxFeatures.count(features: 10) == 3 && forest.maxFeatures.count(features: 1) == 1)
    }

    @Test("every hyperparameter key is read, and the canonical YAML reads back equal")
    func keysAndRoundTrip() throws {
        let forestYAML = Self.header + """
        model:
          class: random_forest
          trees: 7
          max_depth: 4
          min_samples_split: 6
          min_samples_leaf: 3
          max_features: 2
          seed: 99
        """
        let forest = try AuditSpec.parse(yaml: forestYAML, source: "f.yaml")
        #expect(forest.model.forest == ForestSpec(trees: 7, maxDepth: 4, minSamplesSplit: 6, minSamplesLeaf: 3, maxFeatures: .count(2), seed: 99))
        let networkYAML = Self.header + """
        model:
          class: neural_network
          hidden: [8, 4, 2]
          learning_rate: 0.01
          l2: 0.001
          batch_size: 32
          max_epochs: 50
          calibration_fraction: 0.25
          seed: 5
        """
        let network = try AuditSpec.parse(yaml: networkYAML, source: "n.yaml")
        #expect(network.model.network == NetworkSpec(hidden: [8, 4, 2], learningRate: 0.01, l2: 0.001, batchSize: 32,
                                                     maxEpochs: 50, calibrationFraction: 0.25, seed: 5))
        for spec in [forest, network] {
            let again = try AuditSpec.parse(yaml: spec.yaml(), source: "canonical.yaml")
            #expect(again == spec)
        }
    }

    @Test("the canonical YAML of a logistic spec has no hyperparameter keys (its hash is unchanged)")
    func logisticCanonicalUnchanged() throws {
        let spec = try AuditSpec.parse(yaml: Self.header, source: "s.yaml")
        let lines = spec.yaml().split(separator: "\n")
        let model = try #require(lines.firstIndex(of: "model:"))
        #expect(lines[(model + 1)...].prefix { $0.hasPrefix("  ") } == ["  class: logistic_regression", "  C: 1.0"])
        #expect(spec.model.forest == nil && spec.model.network == nil)
    }

    @Test("with(modelClass:) switches class, keeping or defaulting hyperparameters")
    func switching() throws {
        var spec = try AuditSpec.parse(yaml: Self.header + "model:\n  class: random_forest\n  trees: 7\n", source: "s.yaml")
        let network = spec.model.with(modelClass: .neuralNetwork)
        #expect(network.forest == nil && network.network == NetworkSpec())
        #expect(spec.model.with(modelClass: .randomForest).forest?.trees == 7)
        spec.model = spec.model.with(modelClass: .logisticRegression)
        #expect(spec.model.forest == nil && spec.model.network == nil)
        try spec.validate()
    }

    @Test("a fixed model must be logistic")
    func fixedIsLogistic() throws {
        var spec = AuditSpec(name: "t", outcome: OutcomeSpec(column: "y"), groups: [GroupAttributeSpec(column: "sex")])
        spec.model = ModelSpec(modelClass: .randomForest,
                               fixed: FixedModel(technique: .onehot, generic: .init(intercept: 0, coefficients: []),
                                                 personalized: .init(intercept: 0, coefficients: []), groupOffsets: [], impute: []))
        spec.techniques = [.onehot]
        #expect(throws: SpecError.self) { try spec.validate() }
    }
}
