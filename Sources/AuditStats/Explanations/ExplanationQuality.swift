import Foundation

/// The loss ℓ that compares a model's prediction on a masked row with its prediction on the full row.
public enum ExplanationLoss: String, Sendable, Codable, CaseIterable {
    /// 0-1 loss of the decisions at ½: the paper's classification cost (so BoP-X and BoP-P share the
    /// binary-cost testability bound, spec §2.9).
    case zeroOne = "zero_one"
    /// |p(x) − p(x′)|: the change of the predicted probability, finer than the decision.
    case absolute
}

/// Per-row explanation costs of one model (lower is better), after Cornelis et al. (arXiv
/// 2502.02786, §4 and Appendix A) and DeYoung et al. (ERASER, ACL 2020):
///
/// * J(x): the explanation, the ⌈r·d⌉ features with the largest attribution toward the predicted
///   class (a_j if p(x) ≥ ½, −a_j otherwise; ties to the lower index); r = 0.5 as in the paper.
/// * x_J keeps J and sets every other feature to the baseline; x_∖J sets J to the baseline.
/// * sufficiency S(x) = ℓ(h(x), h(x_J)): the explanation alone should reproduce the prediction.
/// * incomprehensiveness I(x) = 1 − ℓ(h(x), h(x_∖J)): without the explanation the prediction should
///   change (I is comprehensiveness turned into a cost; with ℓ ∈ [0, 1] it stays in [0, 1]).
///
/// With the 0-1 loss, S = 1[ŷ(x_J) ≠ ŷ(x)] and I = 1[ŷ(x_∖J) = ŷ(x)]. Group costs are the means over
/// the group's rows; BoP-X = C(h0, s) − C(h_p, s) (``ExplanationBenefit``).
public enum ExplanationQuality {
    /// Costs per row.
    public struct Costs: Sendable, Equatable {
        /// S(x) per row.
        public var sufficiency: [Double]
        /// I(x) per row.
        public var incomprehensiveness: [Double]

        /// Creates costs.
        public init(sufficiency: [Double], incomprehensiveness: [Double]) {
            self.sufficiency = sufficiency
            self.incomprehensiveness = incomprehensiveness
        }
    }

    /// |J| = ⌈r·d⌉, at least 1 and at most d.
    public static func explanationSize(fraction r: Double, features d: Int) -> Int {
        min(d, max(1, Int((r * Double(d)).rounded(.up))))
    }

    /// The explanation J of one row: indices of the `size` largest signed attributions (toward the
    /// predicted class), ties to the lower index.
    public static func explanation(attributions a: ArraySlice<Double>, predictedPositive: Bool, size: Int) -> [Int] {
        var order = Array(0..<a.count)
        rank(a, predictedPositive: predictedPositive, into: &order)
        return Array(order.prefix(size))
    }

    /// Sorts `order` (a permutation of 0..<a.count) by signed attribution, descending, ties to the lower index.
    static func rank(_ a: ArraySlice<Double>, predictedPositive: Bool, into order: inout [Int]) {
        let base = a.startIndex
        let sign = predictedPositive ? 1.0 : -1.0
        for k in order.indices { order[k] = k }
        order.sort { x, y in
            let u = sign * a[base + x], v = sign * a[base + y]
            return u > v || (u == v && x < y)
        }
    }

    /// Sufficiency and incomprehensiveness of every row. `probabilities` are the model's P(y = 1) on
    /// the full rows; `predict` is called once, on the 2n masked rows.
    public static func costs(rows: [Double], rowCount n: Int, columnCount d: Int, attributions: [Double],
                             probabilities: [Double], baseline: [Double], fraction: Double, loss: ExplanationLoss,
                             predict: ([Double], Int) -> [Double]) -> Costs {
        precondition(rows.count == n * d && attributions.count == n * d && probabilities.count == n && baseline.count == d,
                     "ExplanationQuality.costs: shape mismatch")
        guard n > 0 else { return Costs(sufficiency: [], incomprehensiveness: []) }
        let size = explanationSize(fraction: fraction, features: d)
        var masked = [Double](repeating: 0, count: 2 * n * d)
        var inJ = [Bool](repeating: false, count: d)
        var order = Array(0..<d)
        for i in 0..<n {
            rank(attributions[(i * d)..<((i + 1) * d)], predictedPositive: probabilities[i] >= 0.5, into: &order)
            for k in 0..<d { inJ[k] = false }
            for k in order.prefix(size) { inJ[k] = true }
            for k in 0..<d {
                let x = rows[i * d + k]
                masked[(2 * i) * d + k] = inJ[k] ? x : baseline[k]        // x_J
                masked[(2 * i + 1) * d + k] = inJ[k] ? baseline[k] : x    // x_∖J
            }
        }
        let p = predict(masked, 2 * n)
        precondition(p.count == 2 * n, "ExplanationQuality.costs: predictor returned \(p.count) values for \(2 * n) rows")
        var sufficiency = [Double](repeating: 0, count: n), incomprehensiveness = [Double](repeating: 0, count: n)
        for i in 0..<n {
            sufficiency[i] = lossValue(probabilities[i], p[2 * i], loss)
            incomprehensiveness[i] = 1 - lossValue(probabilities[i], p[2 * i + 1], loss)
        }
        return Costs(sufficiency: sufficiency, incomprehensiveness: incomprehensiveness)
    }

    /// ℓ(p, p′).
    public static func lossValue(_ p: Double, _ q: Double, _ loss: ExplanationLoss) -> Double {
        switch loss {
        case .zeroOne: return (p >= 0.5) == (q >= 0.5) ? 0 : 1
        case .absolute: return abs(p - q)
        }
    }
}
