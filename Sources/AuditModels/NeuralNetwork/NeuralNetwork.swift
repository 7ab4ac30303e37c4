import AuditSpec
import AuditStats
import Foundation

/// A multilayer perceptron for binary outcomes trained as scikit-learn's `MLPClassifier`
/// (solver `adam`, activation `relu`): ReLU hidden layers, one logistic output unit, log-loss
/// plus the L2 penalty (α/2)·Σ‖W‖² per minibatch divided by its size, minibatches of
/// min(batch_size, n) rows in a fresh random order every epoch, Adam (Kingma & Ba 2015, ICLR,
/// "Adam: a method for stochastic optimization"; β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸), and
/// scikit-learn's stopping rule: stop once the epoch loss has failed to fall below the best loss
/// minus 10⁻⁴ for more than 10 consecutive epochs, or after `max_epochs` epochs.
///
/// Weights and biases start uniform on ±√(6 / (fan_in + fan_out)) (Glorot & Bengio 2010, as
/// scikit-learn initializes ReLU networks). Training is sequential, so a seed gives
/// bit-identical weights.
public struct NeuralNetwork: Sendable, Codable, Equatable {
    /// Units per layer: inputs, hidden layers, 1 output.
    public var layers: [Int]
    /// All weights and biases: per layer, the fan_in × fan_out weights (row-major), then fan_out biases.
    public var parameters: [Double]
    /// Epochs run.
    public var epochs: Int
    /// Whether the stopping rule ended training before `max_epochs`.
    public var converged: Bool
    /// The last epoch's mean training loss (with the penalty).
    public var loss: Double

    /// scikit-learn's `tol` and `n_iter_no_change`.
    static let tolerance = 1e-4, patience = 10

    /// Offset of layer l's weights in ``parameters`` (its biases follow them).
    func offset(_ l: Int) -> Int {
        var o = 0
        for k in 0..<l { o += (layers[k] + 1) * layers[k + 1] }
        return o
    }

    /// Trains on 0/1 `labels` with optional sample `weights` (each row's loss is scaled by its weight).
    public static func fit(_ design: DesignMatrix, labels: [UInt8], weights: [Double]? = nil,
                           settings: NetworkSpec, seed: UInt64) throws(ModelError) -> NeuralNetwork {
        try ModelInput.check(design, labels: labels, weights: weights)
        let n = design.rowCount, d = design.columnCount
        var rng = Xoshiro256StarStar(seed: seed)
        func uniform() -> Double { Double(rng.next() >> 11) * 0x1p-53 }
        var network = NeuralNetwork(layers: [d] + settings.hidden + [1], parameters: [], epochs: 0, converged: false, loss: .nan)
        for l in 0..<(network.layers.count - 1) {
            let fanIn = network.layers[l], fanOut = network.layers[l + 1]
            let bound = (6.0 / Double(fanIn + fanOut)).squareRoot()
            for _ in 0..<((fanIn + 1) * fanOut) { network.parameters.append(-bound + 2 * bound * uniform()) }
        }
        let batch = min(settings.batchSize, n)
        var trainer = Trainer(network: network, batch: batch, settings: settings)
        var order = Array(0..<n)
        var best = Double.infinity, stale = 0
        let w = weights ?? [Double](repeating: 1, count: n)
        for epoch in 1...settings.maxEpochs {
            for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.nextBounded(UInt64(i + 1)))) }
            var total = 0.0
            var start = 0
            while start < n {
                let end = min(n, start + batch)
                total += trainer.step(design, labels: labels, weights: w, rows: order[start..<end]) * Double(end - start)
                start = end
            }
            let loss = total / Double(n)
            trainer.network.epochs = epoch
            trainer.network.loss = loss
            guard loss.isFinite else {
                throw ModelError(code: .nonFinite, message: "the network's training loss diverged at epoch \(epoch); lower model.learning_rate")
            }
            stale = loss > best - tolerance ? stale + 1 : 0
            best = min(best, loss)
            if stale > patience {
                trainer.network.converged = true
                break
            }
        }
        return trainer.network
    }

    /// The output unit's input (the logit of P(y = 1 | x)) for every row.
    public func logits(_ design: DesignMatrix) -> [Double] {
        precondition(design.columnCount == layers[0], "NeuralNetwork: design has \(design.columnCount) columns, expected \(layers[0])")
        let n = design.rowCount, width = layers.max() ?? 1
        var out = [Double](repeating: 0, count: n)
        var a = [Double](repeating: 0, count: width), b = [Double](repeating: 0, count: width)
        design.values.withUnsafeBufferPointer { x in
            parameters.withUnsafeBufferPointer { p in
                for i in 0..<n {
                    for j in 0..<layers[0] { a[j] = x[i * layers[0] + j] }
                    var o = 0
                    for l in 0..<(layers.count - 1) {
                        let fanIn = layers[l], fanOut = layers[l + 1], last = l == layers.count - 2
                        for k in 0..<fanOut {
                            var z = p[o + fanIn * fanOut + k]
                            for j in 0..<fanIn { z += a[j] * p[o + j * fanOut + k] }
                            b[k] = last ? z : max(0, z)
                        }
                        swap(&a, &b)
                        o += (fanIn + 1) * fanOut
                    }
                    out[i] = a[0]
                }
            }
        }
        return out
    }

    /// Minibatch gradients and Adam state, in flat arrays read through pointers in the hot loops.
    struct Trainer {
        var network: NeuralNetwork
        let settings: NetworkSpec
        /// Activations of layer l (batch × units, row-major) start at `layerStart[l]` (layer 0: the batch's design rows).
        var activations: [Double]
        /// Back-propagated errors, laid out as the activations.
        var deltas: [Double]
        let layerStart: [Int]
        var gradient: [Double], m: [Double], v: [Double]
        var t = 0

        init(network: NeuralNetwork, batch: Int, settings: NetworkSpec) {
            self.network = network
            self.settings = settings
            var starts = [0]
            for units in network.layers { starts.append(starts.last! + batch * units) }
            layerStart = starts
            activations = [Double](repeating: 0, count: starts.last!)
            deltas = activations
            gradient = [Double](repeating: 0, count: network.parameters.count)
            m = gradient
            v = gradient
        }

        /// One Adam step on the given rows; returns the batch loss (mean log-loss plus penalty).
        mutating func step(_ design: DesignMatrix, labels: [UInt8], weights: [Double], rows: ArraySlice<Int>) -> Double {
            let layers = network.layers, count = rows.count, d = layers[0], top = layers.count - 1
            let alpha = settings.l2, starts = layerStart
            let offsets = (0..<top).map { network.offset($0) }
            var loss = 0.0, penalty = 0.0
            design.values.withUnsafeBufferPointer { x in
                activations.withUnsafeMutableBufferPointer { act in
                    deltas.withUnsafeMutableBufferPointer { del in
                        network.parameters.withUnsafeBufferPointer { p in
                            gradient.withUnsafeMutableBufferPointer { grad in
                                // Forward.
                                for (r, i) in rows.enumerated() {
                                    for j in 0..<d { act[r * d + j] = x[i * d + j] }
                                }
                                for l in 0..<top {
                                    let fanIn = layers[l], fanOut = layers[l + 1], o = offsets[l]
                                    let a = starts[l], b = starts[l + 1]
                                    for r in 0..<count {
                                        for k in 0..<fanOut {
                                            var z = p[o + fanIn * fanOut + k]
                                            for j in 0..<fanIn { z += act[a + r * fanIn + j] * p[o + j * fanOut + k] }
                                            act[b + r * fanOut + k] = l + 1 == top ? z : max(0, z)
                                        }
                                    }
                                }
                                // Output errors: w·(σ(z) − y); loss w·(softplus(z) − y·z), the stable form of the log-loss.
                                let out = starts[top]
                                for (r, i) in rows.enumerated() {
                                    let z = act[out + r], y = Double(labels[i])
                                    let softplus = z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))
                                    loss += weights[i] * (softplus - y * z)
                                    del[out + r] = weights[i] * (LogisticRegression.Kernels.sigmoid(z) - y)
                                }
                                loss /= Double(count)
                                // Backward, layer by layer from the top.
                                for l in stride(from: top - 1, through: 0, by: -1) {
                                    let fanIn = layers[l], fanOut = layers[l + 1], o = offsets[l]
                                    let a = starts[l], b = starts[l + 1]
                                    for j in 0..<fanIn {
                                        for k in 0..<fanOut {
                                            var g = 0.0
                                            for r in 0..<count { g += act[a + r * fanIn + j] * del[b + r * fanOut + k] }
                                            let weight = p[o + j * fanOut + k]
                                            penalty += weight * weight
                                            grad[o + j * fanOut + k] = (g + alpha * weight) / Double(count)
                                        }
                                    }
                                    for k in 0..<fanOut {
                                        var g = 0.0
                                        for r in 0..<count { g += del[b + r * fanOut + k] }
                                        grad[o + fanIn * fanOut + k] = g / Double(count)
                                    }
                                    if l > 0 {
                                        for r in 0..<count {
                                            for j in 0..<fanIn {
                                                guard act[a + r * fanIn + j] > 0 else { del[a + r * fanIn + j] = 0; continue }
                                                var s = 0.0
                                                for k in 0..<fanOut { s += del[b + r * fanOut + k] * p[o + j * fanOut + k] }
                                                del[a + r * fanIn + j] = s
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            loss += 0.5 * alpha * penalty / Double(count)
            // Adam (scikit-learn's AdamOptimizer: bias correction folded into the step size).
            t += 1
            let beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8
            let rate = settings.learningRate * (1 - pow(beta2, Double(t))).squareRoot() / (1 - pow(beta1, Double(t)))
            network.parameters.withUnsafeMutableBufferPointer { p in
                gradient.withUnsafeBufferPointer { g in
                    m.withUnsafeMutableBufferPointer { m in
                        v.withUnsafeMutableBufferPointer { v in
                            for q in 0..<p.count {
                                m[q] = beta1 * m[q] + (1 - beta1) * g[q]
                                v[q] = beta2 * v[q] + (1 - beta2) * g[q] * g[q]
                                p[q] -= rate * m[q] / (v[q].squareRoot() + epsilon)
                            }
                        }
                    }
                }
            }
            return loss
        }
    }
}
