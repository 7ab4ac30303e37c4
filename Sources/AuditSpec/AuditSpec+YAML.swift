import Yams

extension AuditSpec {
    /// The spec as canonical YAML: every key written out, defaults included, in the order of the
    /// format reference; strings quoted only when needed. `parse(yaml: spec.yaml(), …)` gives back
    /// an equal spec (for any spec that passes ``validate(source:)``).
    public func yaml() -> String {
        var lines: [String] = []
        lines.append("fairuse: \(formatVersion)")
        lines.append("name: \(Self.scalar(name))")
        if let dataPath { lines.append("data: \(Self.scalar(dataPath))") }
        lines.append("outcome:")
        lines.append("  column: \(Self.scalar(outcome.column))")
        if outcome.type == .binary {
            lines.append("  positive: \(Self.scalar(outcome.positive))")
        } else {
            lines.append("  type: \(outcome.type.rawValue)")
        }
        lines.append("groups:")
        for group in groups {
            if group.name == nil, group.cuts == nil {
                lines.append("  - \(Self.scalar(group.column))")
                continue
            }
            lines.append("  - column: \(Self.scalar(group.column))")
            if let cuts = group.cuts {
                lines.append("    cuts: " + Self.flow(cuts.map(Self.cutNumber)))
            }
            if let name = group.name { lines.append("    name: \(Self.scalar(name))") }
        }
        lines.append("features:")
        if let include = features.include { lines.append("  include: " + Self.flow(include.map(Self.scalar))) }
        lines.append("  exclude: " + Self.flow(features.exclude.map(Self.scalar)))
        lines.append("  categorical: " + Self.flow(features.categorical.map(Self.scalar)))
        lines.append("  numeric: " + Self.flow(features.numeric.map(Self.scalar)))
        lines.append("model:")
        lines.append("  class: \(Self.scalar(model.modelClass.rawValue))")
        if model.modelClass == .ridgeRegression {
            if let alpha = model.alpha { lines.append("  alpha: \(Self.number(alpha))") }
        } else if model.modelClass == .logisticRegression {
            lines.append("  C: \(Self.number(model.inverseRegularization))")
        }
        if let forest = model.forest {
            lines.append("  trees: \(forest.trees)")
            lines.append("  max_depth: \(forest.maxDepth)")
            lines.append("  min_samples_split: \(forest.minSamplesSplit)")
            lines.append("  min_samples_leaf: \(forest.minSamplesLeaf)")
            lines.append("  max_features: \(forest.maxFeatures)")
            lines.append("  seed: \(forest.seed)")
        }
        if let network = model.network {
            lines.append("  hidden: " + Self.flow(network.hidden.map(String.init)))
            lines.append("  learning_rate: \(Self.number(network.learningRate))")
            lines.append("  l2: \(Self.number(network.l2))")
            lines.append("  batch_size: \(network.batchSize)")
            lines.append("  max_epochs: \(network.maxEpochs)")
            lines.append("  calibration_fraction: \(Self.number(network.calibrationFraction))")
            lines.append("  seed: \(network.seed)")
        }
        if let fixed = model.fixed {
            lines.append("  fixed:")
            lines.append("    technique: \(fixed.technique.rawValue)")
            for (key, linear) in [("generic", fixed.generic), ("personalized", fixed.personalized)] {
                lines.append("    \(key):")
                lines.append("      intercept: \(Self.number(linear.intercept))")
                lines.append("      coefficients:" + (linear.coefficients.isEmpty ? " {}" : ""))
                for term in linear.coefficients { lines.append("        \(Self.scalar(term.name)): \(Self.number(term.value))") }
            }
            for (key, terms) in [("group_offsets", fixed.groupOffsets), ("impute", fixed.impute)] {
                lines.append("    \(key):" + (terms.isEmpty ? " {}" : ""))
                for term in terms { lines.append("      \(Self.scalar(term.name)): \(Self.number(term.value))") }
            }
        }
        lines.append("techniques: " + Self.flow(techniques.map(\.rawValue)))
        lines.append("metrics: " + Self.flow(metrics.map(\.rawValue)))
        lines.append("split:")
        lines.append("  test_fraction: \(Self.number(split.testFraction))")
        lines.append("  seed: \(split.seed)")
        lines.append("tests:")
        lines.append("  alpha: \(Self.number(tests.alpha))")
        lines.append("  correction: \(tests.correction.rawValue)")
        lines.append("  bootstrap: \(tests.bootstrapReplicates)")
        lines.append("  ece_bins: \(tests.eceBins)")
        lines.append("  seed: \(tests.seed)")
        lines.append("imbalance_repair: \(imbalanceRepair.rawValue)")
        lines.append("decoupled:")
        lines.append("  min_rows: \(decoupled.minRows)")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func flow(_ items: [String]) -> String {
        "[" + items.joined(separator: ", ") + "]"
    }

    /// A number in a form the YAML resolver reads back exactly (Swift's shortest round-trip text).
    private static func number(_ value: Double) -> String {
        if value.isNaN { return ".nan" }
        if value.isInfinite { return value < 0 ? "-.inf" : ".inf" }
        return "\(value)"
    }

    /// A cut point as in level labels (`60`, `62.5`).
    private static func cutNumber(_ value: Double) -> String {
        value.isFinite ? GroupAttributeSpec.label(value) : number(value)
    }

    /// A string, plain when it reads back as the same string, double-quoted otherwise.
    static func scalar(_ text: String) -> String {
        if isPlainSafe(text) { return text }
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": quoted += "\\\\"
            case "\"": quoted += "\\\""
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            case "\r": quoted += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    quoted += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        return quoted + "\""
    }

    /// Letters, digits and `_ . - /`, not starting with `-`, and read back by YAML as a string (not
    /// `yes`, `null`, `.inf`, …).
    private static func isPlainSafe(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCIILetter || "_./".unicodeScalars.contains(first) else {
            return false
        }
        let allowed = text.unicodeScalars.allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || "_.-/".unicodeScalars.contains($0) }
        return allowed && Resolver.default.resolveTag(of: Node(text)) == .str
    }
}

private extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
