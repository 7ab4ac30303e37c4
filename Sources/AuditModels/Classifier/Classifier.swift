import AuditModelTypes
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

extension ModelSummary {
    /// Summarizes a fitted model.
    public init(_ classifier: Classifier) {
        let modelClass = classifier.modelClass.rawValue
        switch classifier {
        case .logistic(let model):
            self.init(modelClass: modelClass, seed: nil, features: model.coefficients.count)
        case .randomForest(let f):
            let depths = f.trees.map(\.depth), leaves = f.trees.map(\.leafCount)
            let count = Double(max(1, f.trees.count))
            let forest = ForestShape(trees: f.trees.count, featuresPerSplit: f.featuresPerSplit, trainingRows: f.trainingRows,
                                     depthMin: depths.min() ?? 0, depthMean: Double(depths.reduce(0, +)) / count,
                                     depthMax: depths.max() ?? 0, leavesMin: leaves.min() ?? 0,
                                     leavesMean: Double(leaves.reduce(0, +)) / count, leavesMax: leaves.max() ?? 0)
            self.init(modelClass: modelClass, seed: f.seed, features: f.featureCount, forest: forest)
        case .neuralNetwork(let c):
            let network = NetworkTraining(layers: c.network.layers, epochs: c.network.epochs, converged: c.network.converged,
                                          loss: c.network.loss, trainingRows: c.trainingRows, calibrationRows: c.calibrationRows,
                                          plattA: c.platt?.a, plattB: c.platt?.b)
            self.init(modelClass: modelClass, seed: c.seed, features: c.network.layers[0], network: network)
        }
    }
}
