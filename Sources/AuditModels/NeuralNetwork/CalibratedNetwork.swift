import AuditSpec
import AuditStats

/// A ``NeuralNetwork`` followed by ``PlattScaling`` (ICML 2023 Appendix D applies Platt scaling to
/// its neural networks so that they output calibrated probabilities).
///
/// Calibration split (our choice; the paper does not say how Platt's held-out scores were made):
/// a share `calibration_fraction` (default 0.2) of each class's training rows, drawn by a seeded
/// shuffle, is held out; the network is trained on the rest and a, b are fitted on the held-out
/// rows' logits. One split rather than scikit-learn's cross-validated `CalibratedClassifierCV`
/// keeps one network per model and the cost of one fit. A class with fewer than 2 training rows
/// cannot be split: the network is then trained on every row and left uncalibrated (a = 1, b = 0),
/// which the summary reports.
public struct CalibratedNetwork: Sendable, Codable, Equatable {
    /// The trained network.
    public var network: NeuralNetwork
    /// The fitted scaling; nil when too few rows of a class were available to hold any out.
    public var platt: PlattScaling?
    /// Seed of the initial weights and batch order (the calibration split uses a stream derived from it).
    public var seed: UInt64
    /// Rows the network was trained on, and rows held out for Platt scaling.
    public var trainingRows: Int, calibrationRows: Int
    /// The settings used.
    public var settings: NetworkSpec

    /// Splits, trains and calibrates.
    public static func fit(_ design: DesignMatrix, labels: [UInt8], weights: [Double]? = nil,
                           settings: NetworkSpec, seed: UInt64) throws(ModelError) -> CalibratedNetwork {
        try ModelInput.check(design, labels: labels, weights: weights)
        var rng = Xoshiro256StarStar(seed: SplitMix64.mix(seed ^ 0x706C_6174_7473_706C))  // "platt split" stream
        var held: [Int] = []
        var splittable = true
        for label in [UInt8(0), 1] {
            var rows = labels.indices.filter { labels[$0] == label }
            guard rows.count >= 2 else { splittable = false; break }
            for i in stride(from: rows.count - 1, to: 0, by: -1) { rows.swapAt(i, Int(rng.nextBounded(UInt64(i + 1)))) }
            let k = min(rows.count - 1, max(1, Int((settings.calibrationFraction * Double(rows.count)).rounded())))
            held += rows.prefix(k)
        }
        guard splittable else {
            let network = try NeuralNetwork.fit(design, labels: labels, weights: weights, settings: settings, seed: seed)
            return CalibratedNetwork(network: network, platt: nil, seed: seed, trainingRows: design.rowCount,
                                     calibrationRows: 0, settings: settings)
        }
        held.sort()
        var isHeld = [Bool](repeating: false, count: labels.count)
        for i in held { isHeld[i] = true }
        let kept = labels.indices.filter { !isHeld[$0] }
        let network = try NeuralNetwork.fit(design.rows(kept), labels: kept.map { labels[$0] },
                                            weights: weights.map { w in kept.map { w[$0] } }, settings: settings, seed: seed)
        let platt = try PlattScaling.fit(scores: network.logits(design.rows(held)), labels: held.map { labels[$0] },
                                         weights: weights.map { w in held.map { w[$0] } })
        return CalibratedNetwork(network: network, platt: platt, seed: seed, trainingRows: kept.count,
                                 calibrationRows: held.count, settings: settings)
    }

    /// Calibrated P(y = 1 | x) for every row.
    public func probabilities(_ design: DesignMatrix) -> [Double] {
        let scaling = platt ?? PlattScaling(a: 1, b: 0, iterations: 0)
        return network.logits(design).map(scaling.probability)
    }
}
