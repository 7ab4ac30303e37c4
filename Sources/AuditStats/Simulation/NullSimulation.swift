import Foundation

/// A data-generating design for measuring the audit's tests by simulation (the harness behind
/// `fairuse simulate`): m groups of n_g ~ U{minRows … maxRows} rows, x ~ N(0, 1), true risk
/// ρ = σ(intercept + slope·x), y ~ Bernoulli(ρ), and every model's prediction an independent noisy
/// draw around the same risk, p = σ(logit ρ + shift + τ·ε), ε ~ N(0, 1) — the generic h0 and
/// every h(·, g′) alike. Every true gain is then 0 (the models are exchangeable): the null of
/// every rationality and envy-freeness test. `harm` makes group 0's own model worse on its rows:
/// a logit shift (a calibration harm) and extra noise (a discrimination harm).
public struct SimulationDesign: Sendable, Equatable, Codable {
    /// Groups m.
    public var groups: Int = 5
    /// Smallest group.
    public var minRows: Int = 100
    /// Largest group.
    public var maxRows: Int = 400
    /// Sites the rows are spread over (uniformly at random); sites are strata of every test.
    public var sites: Int = 1
    /// Noise τ of every model's logit.
    public var noise: Double = 0.5
    /// Logit shift shared by every model (both equally miscalibrated when ≠ 0).
    public var shift: Double = 0
    /// Intercept of the true risk (−1: prevalence ≈ 0.3).
    public var intercept: Double = -1
    /// Slope of the true risk.
    public var slope: Double = 1
    /// Logit shift of group 0's own model on group 0's rows (calibration harm).
    public var calibrationHarm: Double = 0
    /// Extra logit noise SD of group 0's own model on group 0's rows (discrimination harm).
    public var noiseHarm: Double = 0

    /// The default null design.
    public init() {}

    /// One simulated audit's predictions, from `generator`.
    public func predictions(using generator: inout Xoshiro256StarStar) -> Predictions {
        var normal = GaussianSource()
        let keys = (0..<groups).map { "g=\(String(format: "%02d", $0))" }
        var sitesOf: [String] = [], groupOf: [Int32] = [], labels: [UInt8] = []
        var generic: [Double] = [], personalized: [Double] = []
        func uniform() -> Double { Double(generator.next() >> 11) * 0x1.0p-53 }
        func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }
        for g in 0..<groups {
            let n = minRows + Int(generator.nextBounded(UInt64(maxRows - minRows + 1)))
            for _ in 0..<n {
                let x = normal.next(using: &generator)
                let logit = intercept + slope * x
                labels.append(uniform() < sigmoid(logit) ? 1 : 0)
                groupOf.append(Int32(g))
                sitesOf.append("site-\(sites > 1 ? Int(generator.nextBounded(UInt64(sites))) : 0)")
                generic.append(sigmoid(logit + shift + noise * normal.next(using: &generator)))
                for j in 0..<groups {
                    var z = logit + shift + noise * normal.next(using: &generator)
                    if g == 0 && j == 0 { z += calibrationHarm + noiseHarm * normal.next(using: &generator) }
                    personalized.append(sigmoid(z))
                }
            }
        }
        // Canonical order: rows sorted by site (a stable row id within each site).
        let order = sitesOf.indices.sorted { (sitesOf[$0], $0) < (sitesOf[$1], $1) }
        return Predictions(keys: keys, sites: order.map { sitesOf[$0] }, groups: order.map { groupOf[$0] },
                           labels: order.map { labels[$0] }, generic: order.map { generic[$0] },
                           personalized: order.flatMap { i in personalized[(i * groups)..<((i + 1) * groups)] })
    }
}
