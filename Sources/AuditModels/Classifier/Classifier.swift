import AuditSpec
import AuditStats

/// A fitted model of any class the audit trains: what the generic model h0 and every
/// personalized model are. Each predicts P(y = 1 | x) from the rows of a design.
public enum Classifier: Sendable, Equatable {
    /// L2-regularized logistic regression.
    case logistic(LogisticModel)
    /// A random forest.
    case randomForest(RandomForest)
    /// A neural network with Platt scaling.
    case neuralNetwork(CalibratedNetwork)

    /// P(y = 1 | x) for every row.
    public func probabilities(_ design: DesignMatrix) -> [Double] {
        switch self {
        case .logistic(let model): return model.probabilities(design)
        case .randomForest(let forest): return forest.probabilities(design)
        case .neuralNetwork(let network): return network.probabilities(design)
        }
    }

    /// The logistic model, for the logistic class.
    public var logistic: LogisticModel? {
        if case .logistic(let model) = self { return model }
        return nil
    }

    /// The class.
    public var modelClass: ModelClass {
        switch self {
        case .logistic: return .logisticRegression
        case .randomForest: return .randomForest
        case .neuralNetwork: return .neuralNetwork
        }
    }

    /// A short description for reports (not a dump of the model).
    public var summary: ModelSummary { ModelSummary(self) }
}

/// Fits models of the spec's class with its hyperparameters.
///
/// Seeds: each fit has a role (`generic`, `onehot`, `intersectional`, `decoupled:<group key>`)
/// and is seeded with SplitMix64.mix(model.seed ⊕ FNV-1a(role)), so every model of an audit has
/// its own stream and refitting one model never changes another.
public struct ClassifierTrainer: Sendable {
    /// The model spec (class and hyperparameters).
    public var model: ModelSpec
    /// Settings of logistic fits.
    public var logisticConfiguration: LogisticRegressionConfiguration

    /// A trainer for the spec's model.
    public init(model: ModelSpec) {
        self.model = model
        logisticConfiguration = LogisticRegressionConfiguration(inverseRegularization: model.inverseRegularization)
    }

    /// The seed of the fit with the given role.
    public func seed(role: String) -> UInt64 {
        let root = model.forest?.seed ?? model.network?.seed ?? 0
        return SplitMix64.mix(root ^ StratumStream.fnv1a(role))
    }

    /// Fits one model; `start` warm-starts a logistic fit (it does not change the optimum).
    public func fit(_ design: DesignMatrix, labels: [UInt8], weights: [Double]?, role: String,
                    start: LogisticModel? = nil) throws(ModelError) -> Classifier {
        switch model.modelClass {
        case .randomForest:
            return .randomForest(try RandomForest.fit(design, labels: labels, weights: weights,
                                                      settings: model.forest ?? ForestSpec(), seed: seed(role: role)))
        case .neuralNetwork:
            return .neuralNetwork(try CalibratedNetwork.fit(design, labels: labels, weights: weights,
                                                            settings: model.network ?? NetworkSpec(), seed: seed(role: role)))
        case .logisticRegression:
            return .logistic(try LogisticRegression.fit(design, labels: labels, weights: weights,
                                                        configuration: logisticConfiguration, start: start))
        default:
            throw ModelError(code: .invalidValue, message: "model class \(model.modelClass) is not a classifier of binary outcomes")
        }
    }
}

/// What a report says about a random forest or a neural network: its class, seed and shape,
/// not its parameters (`fairuse-report/1`, optional field `model_summary`).
public struct ModelSummary: Sendable, Codable, Equatable {
    /// `logistic_regression`, `random_forest` or `neural_network`.
    public var modelClass: String
    /// The seed the model was fitted with (absent for logistic regression).
    public var seed: UInt64?
    /// Design columns read.
    public var features: Int
    /// Forest shape.
    public var forest: ForestShape?
    /// Network training and calibration.
    public var network: NetworkTraining?

    /// The shape of a fitted forest.
    public struct ForestShape: Sendable, Codable, Equatable {
        /// Trees, features tried per split, training rows.
        public var trees: Int, featuresPerSplit: Int, trainingRows: Int
        /// Depth of the trees: smallest, mean, largest.
        public var depthMin: Int, depthMean: Double, depthMax: Int
        /// Leaves per tree: smallest, mean, largest.
        public var leavesMin: Int, leavesMean: Double, leavesMax: Int
    }

    /// How a network was trained and calibrated.
    public struct NetworkTraining: Sendable, Codable, Equatable {
        /// Units per layer, inputs to output.
        public var layers: [Int]
        /// Epochs run, and whether the stopping rule ended training before the limit.
        public var epochs: Int, converged: Bool
        /// Final mean training loss.
        public var loss: Double
        /// Rows trained on and held out for Platt scaling.
        public var trainingRows: Int, calibrationRows: Int
        /// Platt scaling σ(a·logit + b); absent when no rows could be held out.
        public var plattA: Double?, plattB: Double?
    }

    /// Summarizes a fitted model.
    public init(_ classifier: Classifier) {
        modelClass = classifier.modelClass.rawValue
        switch classifier {
        case .logistic(let model):
            seed = nil
            features = model.coefficients.count
        case .randomForest(let f):
            seed = f.seed
            features = f.featureCount
            let depths = f.trees.map(\.depth), leaves = f.trees.map(\.leafCount)
            let count = Double(max(1, f.trees.count))
            forest = ForestShape(trees: f.trees.count, featuresPerSplit: f.featuresPerSplit, trainingRows: f.trainingRows,
                                 depthMin: depths.min() ?? 0, depthMean: Double(depths.reduce(0, +)) / count,
                                 depthMax: depths.max() ?? 0, leavesMin: leaves.min() ?? 0,
                                 leavesMean: Double(leaves.reduce(0, +)) / count, leavesMax: leaves.max() ?? 0)
        case .neuralNetwork(let c):
            seed = c.seed
            features = c.network.layers[0]
            network = NetworkTraining(layers: c.network.layers, epochs: c.network.epochs, converged: c.network.converged,
                                      loss: c.network.loss, trainingRows: c.trainingRows, calibrationRows: c.calibrationRows,
                                      plattA: c.platt?.a, plattB: c.platt?.b)
        }
    }
}
