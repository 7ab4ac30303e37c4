import AuditCore
import Foundation
import Yams

extension AuditSpec {
    /// The top-level keys of spec format version 1, in canonical order.
    static let topLevelKeys = [
        "fairuse", "name", "data", "outcome", "groups", "features", "model", "techniques", "metrics",
        "split", "tests", "imbalance_repair", "decoupled",
    ]

    /// The largest spec file ``load(path:)`` reads.
    static let maximumFileSize = 1 << 20

    /// Parses and validates YAML text; `source` (a file path) is used in messages.
    ///
    /// Absent optional keys, and keys written with no value, take their defaults. Every problem is
    /// reported as a ``SpecError`` naming `source`, the dotted key path, the line and what was
    /// expected; the first problem found is thrown.
    public static func parse(yaml: String, source: String) throws(SpecError) -> AuditSpec {
        let reader = SpecReader(source: source)
        let root = try compose(yaml, reader: reader)
        let spec = try read(root, reader: reader)
        try spec.validate(source: source, lines: reader.lines)
        return spec
    }

    /// Reads and validates a spec file (UTF-8, at most 1 MiB).
    public static func load(path: String) throws(SpecError) -> AuditSpec {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? error.localizedDescription
            throw SpecError(code: .unreadable, file: path, key: nil, line: nil,
                            message: "cannot read the spec file: \(reason)")
        }
        guard data.count <= maximumFileSize else {
            throw SpecError(code: .unreadable, file: path, key: nil, line: nil,
                            message: "expected a spec file of at most \(maximumFileSize) bytes, found \(data.count)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SpecError(code: .unreadable, file: path, key: nil, line: nil, message: "expected UTF-8 text")
        }
        return try parse(yaml: text, source: path)
    }

    // MARK: YAML to nodes
    private static func compose(_ yaml: String, reader: SpecReader) throws(SpecError) -> Node {
        let composed: Node?
        do {
            composed = try Yams.compose(yaml: yaml)
        } catch {
            throw syntaxError(error, reader: reader)
        }
        guard let root = composed else {
            throw reader.error(.wrongType, nil, line: nil,
                               "expected a mapping with the keys fairuse, name, outcome and groups, found an empty document")
        }
        return root
    }

    static func syntaxError(_ error: any Error, reader: SpecReader) -> SpecError {
        guard let yamlError = error as? YamlError else {
            return reader.error(.yamlSyntax, nil, line: nil, "invalid YAML: \(error)")
        }
        func located(_ problem: String, _ context: YamlError.Context?, _ mark: Mark, _ yaml: String) -> SpecError {
            var message = "invalid YAML at column \(mark.column): \(problem)"
            if let context { message += " (\(context.text), line \(context.mark.line))" }
            let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
            if mark.line >= 1, mark.line <= lines.count,
               lines[mark.line - 1].prefix(while: { $0 == " " || $0 == "\t" }).contains("\t") {
                message += "; indent with spaces, not tabs"
            }
            return reader.error(.yamlSyntax, nil, line: mark.line, message)
        }
        switch yamlError {
        case let .scanner(context, problem, mark, yaml),
             let .parser(context, problem, mark, yaml),
             let .composer(context, problem, mark, yaml):
            return located(problem, context, mark, yaml)
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return reader.error(.duplicate, duplicates.first, line: context.mark.line,
                                "key \(keys) appears more than once in the same mapping (first at line \(context.mark.line))")
        case let .reader(problem, _, _, _):
            return reader.error(.unreadable, nil, line: nil, "expected UTF-8 text: \(problem)")
        case .dataCouldNotBeDecoded:
            return reader.error(.unreadable, nil, line: nil, "expected UTF-8 text")
        default:
            return reader.error(.yamlSyntax, nil, line: nil, "invalid YAML: \(yamlError)")
        }
    }

    // MARK: Nodes to a spec

    private static func read(_ root: Node, reader: SpecReader) throws(SpecError) -> AuditSpec {
        let top = try reader.mapping(root, at: "")

        // The version comes first: a later format may have keys this build does not know.
        let versionNode = try reader.required("fairuse", in: top, at: "", parent: root,
                                              expected: "the spec format version, \(currentFormatVersion)")
        let version = try reader.integer(versionNode, at: "fairuse")
        guard version == currentFormatVersion else {
            throw reader.error(.unsupportedVersion, "fairuse", versionNode,
                               "spec format version \(version) is not supported; this build reads version \(currentFormatVersion)")
        }
        try reader.checkKeys(top, allowed: topLevelKeys, at: "")

        let name = try reader.text(
            try reader.required("name", in: top, at: "", parent: root, expected: "a name such as flchain-5y-mortality"),
            at: "name", expected: "a name such as flchain-5y-mortality")
        let outcome = try readOutcome(
            try reader.required("outcome", in: top, at: "", parent: root, expected: "a mapping with column and positive"),
            reader: reader)
        let groups = try readGroups(
            try reader.required("groups", in: top, at: "", parent: root, expected: "a list of group attributes"),
            reader: reader)

        var spec = AuditSpec(name: name, outcome: outcome, groups: groups)
        spec.formatVersion = version
        if let node = reader.optional("data", in: top, at: "") {
            spec.dataPath = try reader.text(node, at: "data", expected: "a file path")
        }
        if let node = reader.optional("features", in: top, at: "") {
            spec.features = try readFeatures(node, reader: reader)
        }
        if let node = reader.optional("model", in: top, at: "") {
            spec.model = try readModel(node, outcome: outcome.type, reader: reader)
        }
        if let node = reader.optional("techniques", in: top, at: "") {
            spec.techniques = try readChoices(node, at: "techniques", what: "technique", reader: reader)
        } else if let fixed = spec.model.fixed {
            spec.techniques = [fixed.technique]   // a fixed model is evaluated with its own technique
        }
        if let node = reader.optional("metrics", in: top, at: "") {
            spec.metrics = try readChoices(node, at: "metrics", what: "metric", reader: reader)
        } else {
            spec.metrics = Metric.defaults(for: outcome.type)
        }
        if let node = reader.optional("split", in: top, at: "") {
            spec.split = try readSplit(node, reader: reader)
        }
        if let node = reader.optional("tests", in: top, at: "") {
            spec.tests = try readTests(node, reader: reader)
        }
        if let node = reader.optional("imbalance_repair", in: top, at: "") {
            spec.imbalanceRepair = try reader.choice(node, at: "imbalance_repair", what: "imbalance repair",
                                                     allowed: ImbalanceRepair.allCases)
        }
        if let node = reader.optional("decoupled", in: top, at: "") {
            let path = "decoupled"
            let entries = try reader.mapping(node, at: path)
            try reader.checkKeys(entries, allowed: ["min_rows"], at: path)
            if let value = reader.optional("min_rows", in: entries, at: path) {
                spec.decoupled.minRows = try reader.integer(value, at: "decoupled.min_rows")
            }
        }
        return spec
    }

    private static func readOutcome(_ node: Node, reader: SpecReader) throws(SpecError) -> OutcomeSpec {
        let path = "outcome"
        let entries = try reader.mapping(node, at: path)
        try reader.checkKeys(entries, allowed: ["column", "positive", "type"], at: path)
        let columnNode = try reader.required("column", in: entries, at: path, parent: node, expected: "the outcome column name")
        var outcome = OutcomeSpec(column: try reader.text(columnNode, at: "outcome.column", expected: "the outcome column name"))
        if let value = reader.optional("type", in: entries, at: path) {
            outcome.type = try reader.choice(value, at: "outcome.type", what: "outcome type", allowed: OutcomeType.allCases)
        }
        if let value = reader.optional("positive", in: entries, at: path) {
            guard outcome.type == .binary else {
                throw reader.error(.invalidValue, "outcome.positive", value,
                                   "a continuous outcome has no positive class; remove outcome.positive")
            }
            outcome.positive = try reader.text(value, at: "outcome.positive", expected: "the positive class value, such as \"1\"")
        }
        return outcome
    }

    private static func readGroups(_ node: Node, reader: SpecReader) throws(SpecError) -> [GroupAttributeSpec] {
        var groups: [GroupAttributeSpec] = []
        for (element, path) in try reader.list(node, at: "groups", expected: "a list of group attributes") {
            switch element {
            case .scalar:
                groups.append(GroupAttributeSpec(column: try reader.text(element, at: path, expected: "a column name")))
            case .mapping:
                let entries = try reader.mapping(element, at: path)
                try reader.checkKeys(entries, allowed: ["column", "cuts", "name"], at: path)
                let columnNode = try reader.required("column", in: entries, at: path, parent: element,
                                                     expected: "the group attribute's column name")
                var group = GroupAttributeSpec(
                    column: try reader.text(columnNode, at: path + ".column", expected: "a column name"))
                if let value = reader.optional("name", in: entries, at: path) {
                    group.name = try reader.text(value, at: path + ".name", expected: "a display name")
                }
                if let value = reader.optional("cuts", in: entries, at: path) {
                    var cuts: [Double] = []
                    for (cut, cutPath) in try reader.list(value, at: path + ".cuts", expected: "a list of numbers, such as [60]") {
                        cuts.append(try reader.number(cut, at: cutPath))
                    }
                    group.cuts = cuts
                }
                groups.append(group)
            default:
                throw reader.error(.wrongType, path, element,
                                   "expected a column name or a mapping with column, cuts and name, found \(SpecReader.describe(element))")
            }
        }
        return groups
    }

    private static func readFeatures(_ node: Node, reader: SpecReader) throws(SpecError) -> FeatureSelection {
        let path = "features"
        let entries = try reader.mapping(node, at: path)
        try reader.checkKeys(entries, allowed: ["include", "exclude", "categorical", "numeric"], at: path)
        var features = FeatureSelection()
        if let value = reader.optional("include", in: entries, at: path) {
            features.include = try reader.columns(value, at: "features.include")
        }
        if let value = reader.optional("exclude", in: entries, at: path) {
            features.exclude = try reader.columns(value, at: "features.exclude")
        }
        if let value = reader.optional("categorical", in: entries, at: path) {
            features.categorical = try reader.columns(value, at: "features.categorical")
        }
        if let value = reader.optional("numeric", in: entries, at: path) {
            features.numeric = try reader.columns(value, at: "features.numeric")
        }
        return features
    }

    private static func readModel(_ node: Node, outcome: OutcomeType, reader: SpecReader) throws(SpecError) -> ModelSpec {
        let path = "model"
        let entries = try reader.mapping(node, at: path)
        try reader.checkKeys(entries, allowed: ["class", "C", "alpha", "fixed", "seed"] + forestKeys + networkKeys, at: path)
        var model = ModelSpec(modelClass: .defaultClass(for: outcome))
        if let value = reader.optional("class", in: entries, at: path) {
            model.modelClass = try reader.choice(value, at: "model.class", what: "model class", allowed: ModelClass.allCases)
        }
        // Each class takes its own penalty key: C (inverse strength) for logistic regression,
        // alpha (strength, scikit-learn's Ridge) for ridge regression.
        if let value = reader.optional("C", in: entries, at: path) {
            guard model.modelClass == .logisticRegression else {
                throw reader.error(.invalidValue, "model.C", value,
                                   "model.C applies to logistic_regression; \(model.modelClass) takes "
                                   + (model.modelClass == .ridgeRegression ? "model.alpha" : "no C"))
            }
            model.inverseRegularization = try reader.number(value, at: "model.C")
        }
        if let value = reader.optional("alpha", in: entries, at: path) {
            guard model.modelClass == .ridgeRegression else {
                throw reader.error(.invalidValue, "model.alpha", value,
                                   "model.alpha applies to ridge_regression; \(model.modelClass) takes "
                                   + (model.modelClass == .logisticRegression ? "model.C" : "no alpha"))
            }
            model.alpha = try reader.number(value, at: "model.alpha")
        }
        if let value = reader.optional("fixed", in: entries, at: path) {
            model.fixed = try readFixed(value, reader: reader)
        }
        // Hyperparameters of another class than the one chosen are refused, naming the key.
        for (keys, owner) in [(forestKeys, ModelClass.randomForest), (networkKeys, .neuralNetwork)] where model.modelClass != owner {
            if let entry = entries.first(where: { keys.contains($0.key) }) {
                throw reader.error(.invalidValue, "model." + entry.key, entry.keyNode,
                                   "model.\(entry.key) is a hyperparameter of \(owner); model.class is \(model.modelClass)")
            }
        }
        if model.modelClass == .randomForest {
            var forest = ForestSpec()
            if let v = reader.optional("trees", in: entries, at: path) { forest.trees = try reader.integer(v, at: "model.trees") }
            if let v = reader.optional("max_depth", in: entries, at: path) { forest.maxDepth = try reader.integer(v, at: "model.max_depth") }
            if let v = reader.optional("min_samples_split", in: entries, at: path) {
                forest.minSamplesSplit = try reader.integer(v, at: "model.min_samples_split")
            }
            if let v = reader.optional("min_samples_leaf", in: entries, at: path) {
                forest.minSamplesLeaf = try reader.integer(v, at: "model.min_samples_leaf")
            }
            if let v = reader.optional("max_features", in: entries, at: path) {
                let text = try reader.text(v, at: "model.max_features", expected: "sqrt, log2, all or an integer ≥ 1")
                guard let parsed = ForestSpec.MaxFeatures(text) else {
                    throw reader.error(.invalidValue, "model.max_features", v,
                                       "expected sqrt, log2, all or an integer ≥ 1, found \(SpecReader.describe(v))")
                }
                forest.maxFeatures = parsed
            }
            if let v = reader.optional("seed", in: entries, at: path) { forest.seed = try reader.unsigned(v, at: "model.seed") }
            model.forest = forest
        } else if model.modelClass == .neuralNetwork {
            var network = NetworkSpec()
            if let v = reader.optional("hidden", in: entries, at: path) {
                var units: [Int] = []
                for (element, elementPath) in try reader.list(v, at: "model.hidden", expected: "a list of layer sizes, such as [5, 2]") {
                    units.append(try reader.integer(element, at: elementPath))
                }
                network.hidden = units
            }
            if let v = reader.optional("learning_rate", in: entries, at: path) {
                network.learningRate = try reader.number(v, at: "model.learning_rate")
            }
            if let v = reader.optional("l2", in: entries, at: path) { network.l2 = try reader.number(v, at: "model.l2") }
            if let v = reader.optional("batch_size", in: entries, at: path) {
                network.batchSize = try reader.integer(v, at: "model.batch_size")
            }
            if let v = reader.optional("max_epochs", in: entries, at: path) {
                network.maxEpochs = try reader.integer(v, at: "model.max_epochs")
            }
            if let v = reader.optional("calibration_fraction", in: entries, at: path) {
                network.calibrationFraction = try reader.number(v, at: "model.calibration_fraction")
            }
            if let v = reader.optional("seed", in: entries, at: path) { network.seed = try reader.unsigned(v, at: "model.seed") }
            model.network = network
        } else if let entry = entries.first(where: { $0.key == "seed" }) {
            throw reader.error(.invalidValue, "model.seed", entry.keyNode,
                               "model.seed seeds random_forest and neural_network; model.class is \(model.modelClass), which has no randomness")
        }
        return model
    }

    /// The `model` keys of random forests.
    static let forestKeys = ["trees", "max_depth", "min_samples_split", "min_samples_leaf", "max_features"]
    /// The `model` keys of neural networks.
    static let networkKeys = ["hidden", "learning_rate", "l2", "batch_size", "max_epochs", "calibration_fraction"]

    private static func readFixed(_ node: Node, reader: SpecReader) throws(SpecError) -> FixedModel {
        let path = "model.fixed"
        let entries = try reader.mapping(node, at: path)
        try reader.checkKeys(entries, allowed: ["technique", "generic", "personalized", "group_offsets", "impute"], at: path)
        let technique = try reader.choice(try reader.required("technique", in: entries, at: path, parent: node, expected: "onehot or intersectional"),
                                          at: path + ".technique", what: "technique", allowed: [Technique.onehot, .intersectional])
        func linear(_ key: String) throws(SpecError) -> FixedModel.Linear {
            let p = path + "." + key
            let value = try reader.required(key, in: entries, at: path, parent: node, expected: "a mapping with intercept and coefficients")
            let inner = try reader.mapping(value, at: p)
            try reader.checkKeys(inner, allowed: ["intercept", "coefficients"], at: p)
            let intercept = try reader.number(try reader.required("intercept", in: inner, at: p, parent: value, expected: "a number"), at: p + ".intercept")
            let coefficients = try terms(reader.optional("coefficients", in: inner, at: p), at: p + ".coefficients")
            return FixedModel.Linear(intercept: intercept, coefficients: coefficients)
        }
        func terms(_ node: Node?, at p: String) throws(SpecError) -> [FixedModel.Term] {
            guard let node else { return [] }
            var out: [FixedModel.Term] = []
            for entry in try reader.mapping(node, at: p) {
                out.append(FixedModel.Term(name: entry.key, value: try reader.number(entry.value, at: p + "." + entry.key)))
            }
            return out
        }
        return FixedModel(technique: technique, generic: try linear("generic"), personalized: try linear("personalized"),
                          groupOffsets: try terms(reader.optional("group_offsets", in: entries, at: path), at: path + ".group_offsets"),
                          impute: try terms(reader.optional("impute", in: entries, at: path), at: path + ".impute"))
    }

    private static func readChoices<T: RawRepresentable & CaseIterable>(
        _ node: Node, at path: String, what: String, reader: SpecReader
    ) throws(SpecError) -> [T] where T.RawValue == String {
        let names = T.allCases.map(\.rawValue).joined(separator: ", ")
        var values: [T] = []
        for (element, elementPath) in try reader.list(node, at: path, expected: "a list drawn from \(names)") {
            values.append(try reader.choice(element, at: elementPath, what: what, allowed: Array(T.allCases)))
        }
        return values
    }

    private static func readSplit(_ node: Node, reader: SpecReader) throws(SpecError) -> SplitSpec {
        let path = "split"
        let entries = try reader.mapping(node, at: path)
        try reader.checkKeys(entries, allowed: ["test_fraction", "seed"], at: path)
        var split = SplitSpec()
        if let value = reader.optional("test_fraction", in: entries, at: path) {
            split.testFraction = try reader.number(value, at: "split.test_fraction")
        }
        if let value = reader.optional("seed", in: entries, at: path) {
            split.seed = try reader.unsigned(value, at: "split.seed")
        }
        return split
    }

    private static func readTests(_ node: Node, reader: SpecReader) throws(SpecError) -> TestSpec {
        let path = "tests"
        let entries = try reader.mapping(node, at: path)
        try reader.checkKeys(entries, allowed: ["alpha", "correction", "bootstrap", "ece_bins", "seed"], at: path)
        var tests = TestSpec()
        if let value = reader.optional("alpha", in: entries, at: path) {
            tests.alpha = try reader.number(value, at: "tests.alpha")
        }
        if let value = reader.optional("correction", in: entries, at: path) {
            tests.correction = try reader.choice(value, at: "tests.correction", what: "correction", allowed: Correction.allCases)
        }
        if let value = reader.optional("bootstrap", in: entries, at: path) {
            tests.bootstrapReplicates = try reader.integer(value, at: "tests.bootstrap")
        }
        if let value = reader.optional("ece_bins", in: entries, at: path) {
            tests.eceBins = try reader.integer(value, at: "tests.ece_bins")
        }
        if let value = reader.optional("seed", in: entries, at: path) {
            tests.seed = try reader.unsigned(value, at: "tests.seed")
        }
        return tests
    }
}
