import AuditSpec
import AuditStats
import Foundation
import Testing
@testable import AuditModels

/// Toy designs with known structure, seeded.
enum ToyData {
    /// XOR on two uniform features in [−1, 1] (plus one noise column): y = 1 iff x₁·x₂ > 0.
    /// No linear model beats chance; trees and a hidden layer can.
    static func xor(rows: Int, seed: UInt64) -> (DesignMatrix, [UInt8]) {
        var rng = Xoshiro256StarStar(seed: seed)
        func u() -> Double { Double(rng.next() >> 11) * 0x1p-53 * 2 - 1 }
        var values: [Double] = [], labels: [UInt8] = []
        for _ in 0..<rows {
            let a = u(), b = u()
            values += [a, b, u()]
            labels.append(a * b > 0 ? 1 : 0)
        }
        return (DesignMatrix(rowCount: rows, columnCount: 3, values: values), labels)
    }

    /// Share of rows where p > 0.5 matches the label.
    static func accuracy(_ p: [Double], _ y: [UInt8]) -> Double {
        Double(zip(p, y).filter { ($0 > 0.5) == ($1 == 1) }.count) / Double(y.count)
    }

    /// Expected calibration error over 10 equal-width bins (as the audit's ECE, methods spec §2.4).
    static func ece(_ p: [Double], _ y: [UInt8]) -> Double {
        var count = [Double](repeating: 0, count: 10), sumP = count, sumY = count
        for (pi, yi) in zip(p, y) {
            let b = min(9, max(0, Int((pi * 10).rounded(.up)) - 1))
            count[b] += 1; sumP[b] += pi; sumY[b] += Double(yi)
        }
        return (0..<10).reduce(0) { $0 + abs(sumP[$1] - sumY[$1]) } / Double(p.count)
    }
}

@Suite("Random forest")
struct RandomForestTests {
    @Test("same seed gives bit-identical probabilities; another seed different ones")
    func reproducible() throws {
        let (x, y) = ToyData.xor(rows: 600, seed: 1)
        let settings = ForestSpec(trees: 20)
        let a = try RandomForest.fit(x, labels: y, settings: settings, seed: 7)
        let b = try RandomForest.fit(x, labels: y, settings: settings, seed: 7)
        let c = try RandomForest.fit(x, labels: y, settings: settings, seed: 8)
        #expect(a == b)
        #expect(a.probabilities(x) == b.probabilities(x))
        #expect(a.probabilities(x) != c.probabilities(x))
    }

    @Test("trees grown in parallel equal the same trees grown one by one in order")
    func parallelEqualsSerial() throws {
        let (x, y) = ToyData.xor(rows: 500, seed: 2)
        let settings = ForestSpec(trees: 9)
        let forest = try RandomForest.fit(x, labels: y, settings: settings, seed: 11)
        let grower = TreeGrower(data: ForestData(design: x, labels: y, weights: nil), settings: settings)
        var state: UInt64 = 11
        for t in 0..<settings.trees {
            #expect(grower.grow(seed: SplitMix64.next(&state)) == forest.trees[t], "tree \(t)")
        }
    }

    @Test("learns XOR: held-out accuracy above 0.9 (a linear model is near 0.5)")
    func learnsXOR() throws {
        let (x, y) = ToyData.xor(rows: 2000, seed: 3)
        let (tx, ty) = ToyData.xor(rows: 1000, seed: 4)
        let forest = try RandomForest.fit(x, labels: y, settings: ForestSpec(), seed: 0)
        #expect(ToyData.accuracy(forest.probabilities(tx), ty) > 0.9)
        let linear = try LogisticRegression.fit(x, labels: y)
        #expect(ToyData.accuracy(linear.probabilities(tx), ty) < 0.65)
    }

    @Test("max depth, min samples per split and per leaf hold in every tree", arguments: [(3, 5, 2), (20, 10, 4), (6, 2, 1)])
    func hyperparametersHold(maxDepth: Int, minSplit: Int, minLeaf: Int) throws {
        let (x, y) = ToyData.xor(rows: 800, seed: 5)
        let settings = ForestSpec(trees: 15, maxDepth: maxDepth, minSamplesSplit: minSplit, minSamplesLeaf: minLeaf)
        let forest = try RandomForest.fit(x, labels: y, settings: settings, seed: 1)
        #expect(forest.trees.count == 15)
        #expect(forest.featuresPerSplit == 1)  // ⌊√3⌋
        for tree in forest.trees {
            #expect(tree.depth <= maxDepth)
            var depth = [Int](repeating: 0, count: tree.nodeCount)
            for k in 0..<tree.nodeCount {
                if tree.feature[k] < 0 {
                    #expect(tree.rows[k] >= Int32(minLeaf))
                } else {
                    #expect(tree.rows[k] >= Int32(minSplit) && tree.rows[k] >= Int32(2 * minLeaf))
                    #expect(tree.rows[Int(tree.left[k])] + tree.rows[Int(tree.right[k])] == tree.rows[k])
                    depth[Int(tree.left[k])] = depth[k] + 1
                    depth[Int(tree.right[k])] = depth[k] + 1
                }
                #expect(tree.value[k] >= 0 && tree.value[k] <= 1)
            }
            #expect(depth.max() == tree.depth)
        }
    }

    @Test("probabilities are the mean of the trees' leaf values")
    func probabilityIsMeanOfLeaves() throws {
        let (x, y) = ToyData.xor(rows: 300, seed: 6)
        let forest = try RandomForest.fit(x, labels: y, settings: ForestSpec(trees: 5), seed: 2)
        let p = forest.probabilities(x)
        x.values.withUnsafeBufferPointer { v in
            for i in [0, 17, 299] {
                let mean = forest.trees.reduce(0.0) { $0 + $1.probability(v.baseAddress! + i * 3) } / 5
                #expect(p[i] == mean)
            }
        }
    }

    @Test("bad input is an error, not a crash")
    func errors() {
        let x = DesignMatrix(rowCount: 2, columnCount: 1, values: [0, .nan])
        #expect(throws: ModelError.self) { try RandomForest.fit(x, labels: [0, 1], settings: ForestSpec(), seed: 0) }
        let ok = DesignMatrix(rowCount: 2, columnCount: 1, values: [0, 1])
        #expect(throws: ModelError.self) { try RandomForest.fit(ok, labels: [0, 2], settings: ForestSpec(), seed: 0) }
        #expect(throws: ModelError.self) { try RandomForest.fit(ok, labels: [0, 1], weights: [0, 0], settings: ForestSpec(), seed: 0) }
    }
}

@Suite("Neural network with Platt scaling")
struct NeuralNetworkTests {
    @Test("same seed gives bit-identical probabilities; another seed different ones")
    func reproducible() throws {
        let (x, y) = ToyData.xor(rows: 400, seed: 1)
        let settings = NetworkSpec(maxEpochs: 30)
        let a = try CalibratedNetwork.fit(x, labels: y, settings: settings, seed: 3)
        let b = try CalibratedNetwork.fit(x, labels: y, settings: settings, seed: 3)
        let c = try CalibratedNetwork.fit(x, labels: y, settings: settings, seed: 4)
        #expect(a == b)
        #expect(a.probabilities(x) == b.probabilities(x))
        #expect(a.probabilities(x) != c.probabilities(x))
    }

    @Test("learns XOR: held-out accuracy above 0.9")
    func learnsXOR() throws {
        let (x, y) = ToyData.xor(rows: 3000, seed: 7)
        let (tx, ty) = ToyData.xor(rows: 1000, seed: 8)
        let settings = NetworkSpec(hidden: [16, 8], learningRate: 0.01, batchSize: 100, maxEpochs: 300)
        let model = try CalibratedNetwork.fit(x, labels: y, settings: settings, seed: 0)
        #expect(ToyData.accuracy(model.probabilities(tx), ty) > 0.9)
    }

    @Test("the calibration split holds out a stratified share of the rows")
    func calibrationSplit() throws {
        let (x, y) = ToyData.xor(rows: 1000, seed: 9)
        let model = try CalibratedNetwork.fit(x, labels: y, settings: NetworkSpec(maxEpochs: 5, calibrationFraction: 0.2), seed: 0)
        let positives = y.filter { $0 == 1 }.count
        let expected = Int((0.2 * Double(positives)).rounded()) + Int((0.2 * Double(1000 - positives)).rounded())
        #expect(model.calibrationRows == expected)
        #expect(model.trainingRows + model.calibrationRows == 1000)
        #expect(model.platt != nil)
    }

    @Test("with a class of one row nothing is held out and the network is left unscaled")
    func tooFewToCalibrate() throws {
        let x = DesignMatrix(rowCount: 6, columnCount: 1, values: [0, 1, 2, 3, 4, 5])
        let model = try CalibratedNetwork.fit(x, labels: [0, 0, 0, 0, 0, 1], settings: NetworkSpec(maxEpochs: 3), seed: 0)
        #expect(model.platt == nil && model.calibrationRows == 0 && model.trainingRows == 6)
    }

    @Test("the stopping rule ends training before max_epochs on an easy problem")
    func stops() throws {
        let (x, y) = ToyData.xor(rows: 500, seed: 10)
        let network = try NeuralNetwork.fit(x, labels: y, settings: NetworkSpec(maxEpochs: 2000), seed: 0)
        #expect(network.converged && network.epochs < 2000 && network.loss.isFinite)
    }
}

@Suite("Platt scaling")
struct PlattScalingTests {
    /// Scores s ~ U(−3, 3) with y ~ Bernoulli(σ(2s − 1)).
    static func scores(_ n: Int, seed: UInt64) -> ([Double], [UInt8]) {
        var rng = Xoshiro256StarStar(seed: seed)
        func u() -> Double { Double(rng.next() >> 11) * 0x1p-53 }
        var s: [Double] = [], y: [UInt8] = []
        for _ in 0..<n {
            let score = u() * 6 - 3
            s.append(score)
            y.append(u() < 1 / (1 + exp(-(2 * score - 1))) ? 1 : 0)
        }
        return (s, y)
    }

    @Test("recovers a known sigmoid: a = 2, b = −1 within 0.1 from 20000 scores")
    func recoversKnownSigmoid() throws {
        let (s, y) = Self.scores(20_000, seed: 1)
        let platt = try PlattScaling.fit(scores: s, labels: y)
        #expect(abs(platt.a - 2) < 0.1 && abs(platt.b + 1) < 0.1)
    }

    @Test("calibrates miscalibrated scores: held-out ECE of σ(s) falls below a third")
    func improvesCalibration() throws {
        let (s, y) = Self.scores(5000, seed: 2)
        let (ts, ty) = Self.scores(5000, seed: 3)
        let platt = try PlattScaling.fit(scores: s, labels: y)
        let raw = ToyData.ece(ts.map { 1 / (1 + exp(-$0)) }, ty)
        let scaled = ToyData.ece(ts.map(platt.probability), ty)
        #expect(scaled < raw / 3)
    }

    @Test("already calibrated scores stay calibrated (a ≈ 1, b ≈ 0)")
    func keepsCalibration() throws {
        let (s, y) = Self.scores(20_000, seed: 4)
        let logits = s.map { 2 * $0 - 1 }
        let platt = try PlattScaling.fit(scores: logits, labels: y)
        #expect(abs(platt.a - 1) < 0.05 && abs(platt.b) < 0.05)
    }

    @Test("separable scores give a finite fit thanks to Platt's targets; one class is an error")
    func edgeCases() throws {
        let platt = try PlattScaling.fit(scores: [-2, -1, 1, 2], labels: [0, 0, 1, 1])
        #expect(platt.a.isFinite && platt.b.isFinite && platt.a > 0)
        #expect(throws: ModelError.self) { try PlattScaling.fit(scores: [1, 2], labels: [1, 1]) }
    }
}
