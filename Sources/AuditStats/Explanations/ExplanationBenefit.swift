import AuditCore
import Foundation

/// BoP-X per group: the benefit of personalization for explanations (Cornelis et al., arXiv
/// 2502.02786, Definitions 3–4), with the paper's sign: gain = C(h0, g) − C(h_g, g) for an
/// explanation cost C (sufficiency or incomprehensiveness, ``ExplanationQuality``), so a positive
/// gain means the personalized model's explanations are better for group g — the same convention
/// as the audit's rationality gains (spec §0).
///
/// Tests per group, one-sided in both directions, on the paired per-row differences
/// d_i = C0_i − Cp_i of the group's test rows:
/// * paired bootstrap (spec §2.1 applied to the mean of d): B resamples of the group's rows with
///   replacement, from the keyed stream (root seed, "explanations:<metric>", group); percentile
///   p-values with ties against the alternative (``BootstrapTest``). The primary test when B > 0.
/// * paired t-test: t = d̄ / (s_d/√n), n − 1 degrees of freedom (primary when B = 0).
/// Adjusted p-values: within one (metric, direction) family over the groups with rows
/// (``MultipleTesting``).
public enum ExplanationBenefit {
    /// The explanation cost.
    public enum Metric: String, Sendable, Codable, CaseIterable {
        /// ``ExplanationQuality`` sufficiency.
        case sufficiency
        /// ``ExplanationQuality`` incomprehensiveness.
        case incomprehensiveness
    }

    /// One group's BoP-X for one metric.
    public struct Group: Sendable, Codable, Equatable {
        /// Group key.
        public var key: String
        /// Test rows.
        public var count: Int
        /// Mean cost of the generic model h0 and of the personalized model h_g on the group's rows.
        public var generic: Double?, personalized: Double?
        /// BoP-X = generic − personalized (positive: personalization improves the explanations).
        public var gain: Double?
        /// The primary test, its two one-sided p-values and their adjusted values.
        public var test: TestOutcome
        /// The paired t-test's one-sided p-values (raw), reported beside the bootstrap.
        public var tGain: Double?, tHarm: Double?
    }

    /// All groups for one metric.
    public struct Result: Sendable, Codable, Equatable {
        /// The metric.
        public var metric: Metric
        /// `bootstrap` or `paired_t`.
        public var primaryTest: String
        /// Groups with rows (the family size of each direction).
        public var familySize: Int
        /// Per group, in key order.
        public var groups: [Group]
    }

    /// BoP-X of one metric. `groups[i]` indexes `keys`; `generic[i]` and `personalized[i]` are row i's
    /// costs under h0 and under its own group's personalized model.
    public static func evaluate(metric: Metric, keys: [String], groups: [Int32], generic: [Double], personalized: [Double],
                                bootstrap: Int, seed: UInt64, alpha: Double, correction: Correction) -> Result {
        precondition(groups.count == generic.count && generic.count == personalized.count, "ExplanationBenefit: lengths differ")
        var rowsOf = [[Int]](repeating: [], count: keys.count)
        for (i, g) in groups.enumerated() { rowsOf[Int(g)].append(i) }
        var out: [Group] = []
        var pGain: [Double] = [], pHarm: [Double] = []
        for (g, key) in keys.enumerated() {
            let rows = rowsOf[g]
            guard !rows.isEmpty else {
                out.append(Group(key: key, count: 0, generic: nil, personalized: nil, gain: nil,
                                 test: TestOutcome(violation: .init(raw: nil), gain: .init(raw: nil), flag: .na), tGain: nil, tHarm: nil))
                pGain.append(.nan); pHarm.append(.nan)
                continue
            }
            let d = rows.map { generic[$0] - personalized[$0] }
            let n = Double(d.count)
            let c0 = rows.reduce(0) { $0 + generic[$1] } / n, cp = rows.reduce(0) { $0 + personalized[$1] } / n
            let (tg, th) = pairedT(d)
            var test: TestOutcome
            var se: Double?, interval: ClosedRange<Double>?
            if bootstrap > 0 {
                let replicates = bootstrapMeans(d, replicates: bootstrap, seed: seed, stream: "explanations:\(metric.rawValue)", group: key)
                let b = BootstrapTest(replicateGains: replicates, level: 1 - 2 * alpha)
                test = TestOutcome(violation: .init(raw: b.pViolation), gain: .init(raw: b.pGain), flag: .none)
                se = b.standardError
                interval = b.interval
            } else {
                test = TestOutcome(violation: .init(raw: th), gain: .init(raw: tg), flag: .none)
            }
            test.standardError = se
            test.intervalLower = interval?.lowerBound
            test.intervalUpper = interval?.upperBound
            pGain.append(test.gain.raw ?? .nan); pHarm.append(test.violation.raw ?? .nan)
            out.append(Group(key: key, count: rows.count, generic: c0, personalized: cp, gain: c0 - cp, test: test, tGain: tg, tHarm: th))
        }
        var adjustedGain: [Correction: [Double]] = [:], adjustedHarm: [Correction: [Double]] = [:]
        for method in Correction.allCases {
            adjustedGain[method] = MultipleTesting.adjust(pGain, method: method)
            adjustedHarm[method] = MultipleTesting.adjust(pHarm, method: method)
        }
        for i in out.indices where out[i].count > 0 {
            // An undefined test (raw p nil, NaN in the family) keeps nil adjusted values and is NA.
            func adjusted(_ table: [Correction: [Double]], _ method: Correction) -> Double? {
                table[method].flatMap { $0[i].isNaN ? nil : $0[i] }
            }
            func values(_ raw: Double?, _ table: [Correction: [Double]]) -> AdjustedPValues {
                AdjustedPValues(raw: raw, holm: adjusted(table, .holm), bonferroni: adjusted(table, .bonferroni),
                                bh: adjusted(table, .bh), by: adjusted(table, .by))
            }
            out[i].test.gain = values(out[i].test.gain.raw, adjustedGain)
            out[i].test.violation = values(out[i].test.violation.raw, adjustedHarm)
            guard out[i].test.gain.raw != nil, out[i].test.violation.raw != nil else {
                out[i].test.flag = .na
                continue
            }
            let g = out[i].test.gain.adjusted(correction) ?? 1, h = out[i].test.violation.adjusted(correction) ?? 1
            out[i].test.flag = h <= alpha ? .violation : (g <= alpha ? .gain : .none)
        }
        return Result(metric: metric, primaryTest: bootstrap > 0 ? "bootstrap" : "paired_t",
                      familySize: out.filter { $0.count > 0 }.count, groups: out)
    }

    /// Means of B resamples (with replacement) of `d`, drawn from the keyed stream of the group.
    static func bootstrapMeans(_ d: [Double], replicates: Int, seed: UInt64, stream: String, group: String) -> [Double] {
        var rng = StratumStream(rootSeed: seed, site: stream, group: group, label: 0)
        var draw = [Int32](repeating: 0, count: d.count)
        var means = [Double](repeating: 0, count: replicates)
        for b in 0..<replicates {
            rng.draw(into: &draw, count: d.count)
            var sum = 0.0
            for k in draw { sum += d[Int(k)] }
            means[b] = sum / Double(d.count)
        }
        return means
    }

    /// One-sided p-values (gain: H1 mean > 0; harm: H1 mean < 0) of the paired t-test; nil for n < 2.
    /// Identical values 0 give p = 1 both ways; any other zero spread leaves the test undefined (nil).
    /// The test itself is ``PairedTTest`` (one place for its formula and edge cases).
    public static func pairedT(_ d: [Double]) -> (gain: Double?, harm: Double?) {
        var sums = PairedDifferenceSums()
        for x in d { sums.add(x) }
        let test = PairedTTest(sums)
        return (test.pGain, test.pViolation)
    }
}
