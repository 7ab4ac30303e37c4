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

        /// Creates a value from its parts.
        public init(trees: Int, featuresPerSplit: Int, trainingRows: Int, depthMin: Int, depthMean: Double,
                    depthMax: Int, leavesMin: Int, leavesMean: Double, leavesMax: Int) {
            self.trees = trees
            self.featuresPerSplit = featuresPerSplit
            self.trainingRows = trainingRows
            self.depthMin = depthMin
            self.depthMean = depthMean
            self.depthMax = depthMax
            self.leavesMin = leavesMin
            self.leavesMean = leavesMean
            self.leavesMax = leavesMax
        }
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

        /// Creates a value from its parts.
        public init(layers: [Int], epochs: Int, converged: Bool, loss: Double, trainingRows: Int,
                    calibrationRows: Int, plattA: Double? = nil, plattB: Double? = nil) {
            self.layers = layers
            self.epochs = epochs
            self.converged = converged
            self.loss = loss
            self.trainingRows = trainingRows
            self.calibrationRows = calibrationRows
            self.plattA = plattA
            self.plattB = plattB
        }
    }

    /// Creates a value from its parts.
    public init(modelClass: String, seed: UInt64? = nil, features: Int, forest: ForestShape? = nil,
                network: NetworkTraining? = nil) {
        self.modelClass = modelClass
        self.seed = seed
        self.features = features
        self.forest = forest
        self.network = network
    }
}
