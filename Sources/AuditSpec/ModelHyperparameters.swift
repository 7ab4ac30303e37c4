/// Hyperparameters of a random forest (`model.class: random_forest`). The defaults are those of
/// Suriyakumar, Ghassemi & Ustun (ICML 2023), Appendix D: 100 trees, maximum depth 20, at least 5
/// rows to split a node and 2 rows per leaf; the rest follow scikit-learn's
/// `RandomForestClassifier` (bootstrap samples, Gini impurity, √d features tried per split).
///
/// ```yaml
/// model:
///   class: random_forest
///   trees: 100              # 1 … 10000
///   max_depth: 20           # 1 … 100
///   min_samples_split: 5    # ≥ 2
///   min_samples_leaf: 2     # ≥ 1
///   max_features: sqrt      # sqrt, log2, all, or an integer ≥ 1
///   seed: 0
/// ```
public struct ForestSpec: Sendable, Codable, Equatable, Hashable {
    /// Trees in the forest (`model.trees`).
    public var trees: Int
    /// Deepest node depth; the root has depth 0 (`model.max_depth`).
    public var maxDepth: Int
    /// Fewest distinct training rows a node needs to be split (`model.min_samples_split`).
    public var minSamplesSplit: Int
    /// Fewest distinct training rows in each leaf (`model.min_samples_leaf`).
    public var minSamplesLeaf: Int
    /// Features tried per split (`model.max_features`): `sqrt`, `log2`, `all` or a count.
    public var maxFeatures: MaxFeatures
    /// Seed of the bootstrap samples and feature draws (`model.seed`).
    public var seed: UInt64

    /// Creates forest settings; the defaults are the paper's.
    public init(trees: Int = 100, maxDepth: Int = 20, minSamplesSplit: Int = 5, minSamplesLeaf: Int = 2,
                maxFeatures: MaxFeatures = .sqrt, seed: UInt64 = 0) {
        self.trees = trees
        self.maxDepth = maxDepth
        self.minSamplesSplit = minSamplesSplit
        self.minSamplesLeaf = minSamplesLeaf
        self.maxFeatures = maxFeatures
        self.seed = seed
    }

    /// How many features a split tries, as in scikit-learn.
    public enum MaxFeatures: Sendable, Codable, Equatable, Hashable, CustomStringConvertible {
        /// max(1, ⌊√d⌋) (scikit-learn's default for classifiers).
        case sqrt
        /// max(1, ⌊log₂ d⌋).
        case log2
        /// Every feature (bagged trees).
        case all
        /// A fixed count, capped at d.
        case count(Int)

        /// The count for `d` features.
        public func count(features d: Int) -> Int {
            guard d > 0 else { return 0 }
            switch self {
            case .sqrt: return max(1, Int(Double(d).squareRoot()))
            case .log2: return max(1, Int(Foundation.log2(Double(d))))
            case .all: return d
            case .count(let k): return min(max(1, k), d)
            }
        }

        /// The spec spelling: `sqrt`, `log2`, `all` or the count.
        public var description: String {
            switch self {
            case .sqrt: return "sqrt"
            case .log2: return "log2"
            case .all: return "all"
            case .count(let k): return String(k)
            }
        }

        /// Parses the spec spelling.
        public init?(_ text: String) {
            switch text {
            case "sqrt": self = .sqrt
            case "log2": self = .log2
            case "all": self = .all
            default:
                guard let k = Int(text) else { return nil }
                self = .count(k)
            }
        }

        /// Decodes from its spec spelling.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let k = try? container.decode(Int.self) {
                self = .count(k)
                return
            }
            let text = try container.decode(String.self)
            guard let value = MaxFeatures(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected sqrt, log2, all or an integer")
            }
            self = value
        }

        /// Encodes as its spec spelling (a count as a number).
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            if case .count(let k) = self { try container.encode(k) } else { try container.encode(description) }
        }
    }
}

/// Hyperparameters of a neural network (`model.class: neural_network`): a multilayer perceptron
/// followed by Platt scaling. The defaults are those of Suriyakumar, Ghassemi & Ustun (ICML 2023),
/// Appendix D (two hidden layers of 5 and 2 units, learning rate 10⁻³, Platt scaling); the rest
/// follow scikit-learn's `MLPClassifier` (ReLU, Adam, L2 penalty α = 10⁻⁴, batches of
/// min(200, n), at most 200 epochs, stop after 10 epochs without a loss improvement of 10⁻⁴).
///
/// ```yaml
/// model:
///   class: neural_network
///   hidden: [5, 2]               # 1 … 8 layers of 1 … 1024 units
///   learning_rate: 0.001         # Adam step size, > 0
///   l2: 0.0001                   # scikit-learn's alpha, ≥ 0
///   batch_size: 200              # ≥ 1 (capped at the rows)
///   max_epochs: 200              # 1 … 100000
///   calibration_fraction: 0.2    # training rows held out for Platt scaling, in (0, 0.5]
///   seed: 0
/// ```
public struct NetworkSpec: Sendable, Codable, Equatable, Hashable {
    /// Units per hidden layer (`model.hidden`).
    public var hidden: [Int]
    /// Adam's step size (`model.learning_rate`).
    public var learningRate: Double
    /// L2 penalty on the weights (`model.l2`; scikit-learn's `alpha`).
    public var l2: Double
    /// Rows per minibatch (`model.batch_size`).
    public var batchSize: Int
    /// Most passes over the training rows (`model.max_epochs`; scikit-learn's `max_iter`).
    public var maxEpochs: Int
    /// Share of the training rows, stratified by label, held out to fit Platt scaling
    /// (`model.calibration_fraction`).
    public var calibrationFraction: Double
    /// Seed of the initial weights, the batch order and the calibration split (`model.seed`).
    public var seed: UInt64

    /// Creates network settings; the defaults are the paper's and scikit-learn's.
    public init(hidden: [Int] = [5, 2], learningRate: Double = 1e-3, l2: Double = 1e-4, batchSize: Int = 200,
                maxEpochs: Int = 200, calibrationFraction: Double = 0.2, seed: UInt64 = 0) {
        self.hidden = hidden
        self.learningRate = learningRate
        self.l2 = l2
        self.batchSize = batchSize
        self.maxEpochs = maxEpochs
        self.calibrationFraction = calibrationFraction
        self.seed = seed
    }
}

import Foundation
