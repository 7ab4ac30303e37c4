import AuditSpec

/// One line naming the model class and its hyperparameters, for the terminal and Markdown reports.
public enum ModelDescription {
    /// E.g. `random_forest (100 trees, max depth 20, min samples split 5 / leaf 2, max features sqrt, seed 0)`.
    public static func line(_ model: ModelSpec) -> String {
        if model.fixed != nil { return "fixed logistic model (model.fixed), evaluated unchanged" }
        if let f = model.forest, model.modelClass == .randomForest {
            return "\(model.modelClass) (\(f.trees) trees, max depth \(f.maxDepth), min samples split \(f.minSamplesSplit) / leaf \(f.minSamplesLeaf), max features \(f.maxFeatures), seed \(f.seed))"
        }
        if let n = model.network, model.modelClass == .neuralNetwork {
            let hidden = "[" + n.hidden.map(String.init).joined(separator: ", ") + "]"
            return "\(model.modelClass) (hidden \(hidden), ReLU, Adam lr \(n.learningRate), L2 \(n.l2), ≤ \(n.maxEpochs) epochs, "
                + "Platt scaling on \(NumberFormat.format(n.calibrationFraction * 100, decimals: 0))% held out, seed \(n.seed))"
        }
        return "\(model.modelClass) (C = \(model.inverseRegularization))"
    }
}
