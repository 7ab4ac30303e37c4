import AuditCore
import Foundation

/// Rejection counts of one family of tests (one metric, rationality or envy-freeness) over the
/// simulated audits, at the nominal level α.
public struct RejectionTally: Sendable, Codable, Equatable {
    /// Defined tests.
    public var tests = 0
    /// Raw one-sided violation p ≤ α.
    public var violations = 0
    /// Raw one-sided gain p ≤ α.
    public var gains = 0
    /// Audits with at least one Holm-adjusted violation p ≤ α in the family.
    public var holmFamilies = 0
    /// Audits with at least one BH-adjusted violation p ≤ α in the family.
    public var bhFamilies = 0
    /// Audits with at least one defined test in the family.
    public var families = 0

    /// Violation rejection rate and its binomial standard error.
    public var violationRate: (rate: Double, se: Double) { Self.rate(violations, tests) }
    /// Gain rejection rate and its standard error.
    public var gainRate: (rate: Double, se: Double) { Self.rate(gains, tests) }
    /// Family-wise violation rate under Holm (under the complete null every rejection is false).
    public var holmRate: (rate: Double, se: Double) { Self.rate(holmFamilies, families) }
    /// Rate of families with a BH violation (under the complete null, the FDR).
    public var bhRate: (rate: Double, se: Double) { Self.rate(bhFamilies, families) }

    static func rate(_ k: Int, _ n: Int) -> (rate: Double, se: Double) {
        guard n > 0 else { return (.nan, .nan) }
        let p = Double(k) / Double(n)
        return (p, (p * (1 - p) / Double(n)).squareRoot())
    }

    mutating func add(_ other: RejectionTally) {
        tests += other.tests; violations += other.violations; gains += other.gains
        holmFamilies += other.holmFamilies; bhFamilies += other.bhFamilies; families += other.families
    }
}

/// What one simulation measured, per metric.
public struct SimulationResult: Sendable, Codable, Equatable {
    /// Per metric: rationality tests.
    public var rationality: [Metric: RejectionTally] = [:]
    /// Per metric: envy-freeness tests.
    public var envy: [Metric: RejectionTally] = [:]
    /// Per metric: group 0's rationality violation test (the harmed group when the design harms one).
    public var harmedGroup: [Metric: RejectionTally] = [:]
    /// The previous ECE test (percentile bootstrap) on group 0's rationality comparison, when run.
    public var legacyHarmedGroup: RejectionTally?
    /// The previous ECE test on every rationality comparison, when run.
    public var legacyRationality: RejectionTally?
    /// Simulated audits.
    public var audits = 0

    mutating func add(_ other: SimulationResult) {
        for (m, t) in other.rationality { rationality[m, default: RejectionTally()].add(t) }
        for (m, t) in other.envy { envy[m, default: RejectionTally()].add(t) }
        for (m, t) in other.harmedGroup { harmedGroup[m, default: RejectionTally()].add(t) }
        if let t = other.legacyHarmedGroup { legacyHarmedGroup = (legacyHarmedGroup ?? RejectionTally()); legacyHarmedGroup?.add(t) }
        if let t = other.legacyRationality { legacyRationality = (legacyRationality ?? RejectionTally()); legacyRationality?.add(t) }
        audits += other.audits
    }
}

/// Runs simulated audits of a design through the real audit (`FairUseAudit.run`: site statistics,
/// pooling, every primary test, Holm and BH) and tallies rejections at α.
public enum NullSimulation {
    /// `audits` audits from `seed`; `legacyReplicates` > 0 also runs the previous ECE test with
    /// that many bootstrap replicates. Audits run in parallel; the result does not depend on scheduling.
    public static func run(design: SimulationDesign, audits: Int, settings: EvaluationSettings, eceBins: Int = 10,
                           seed: UInt64, legacyReplicates: Int = 0,
                           progress: @Sendable (Int) -> Void = { _ in }) -> SimulationResult {
        let chunks = max(1, min(audits, 64))
        let parts = ParallelMap.run(count: chunks) { chunk -> SimulationResult in
            var total = SimulationResult()
            for a in stride(from: chunk, to: audits, by: chunks) {
                total.add(one(design: design, index: a, settings: settings, eceBins: eceBins, seed: seed,
                              legacyReplicates: legacyReplicates))
                progress(a)
            }
            return total
        }
        var result = SimulationResult()
        for part in parts { result.add(part) }
        return result
    }

    static func one(design: SimulationDesign, index: Int, settings: EvaluationSettings, eceBins: Int, seed: UInt64,
                    legacyReplicates: Int) -> SimulationResult {
        var generator = Xoshiro256StarStar(seed: SplitMix64.mix(seed ^ SplitMix64.mix(UInt64(index))))
        let predictions = design.predictions(using: &generator)
        var auditSettings = settings
        auditSettings.seed = SplitMix64.mix(seed &+ UInt64(index))
        let evaluation = FairUseAudit.run(predictions, extraction: ExtractionSettings(eceBins: eceBins, bootstrapReplicates: 0),
                                          evaluation: auditSettings)
        var result = SimulationResult()
        result.audits = 1
        let alpha = settings.alpha
        for metric in evaluation.metrics {
            var rational = RejectionTally(), envy = RejectionTally(), harmed = RejectionTally()
            func tally(_ outcome: TestOutcome, into t: inout RejectionTally) {
                guard let pv = outcome.violation.raw, let pg = outcome.gain.raw else { return }
                t.tests += 1
                if pv <= alpha { t.violations += 1 }
                if pg <= alpha { t.gains += 1 }
            }
            var holm = (false, false), bh = (false, false), defined = (false, false)
            for (g, group) in metric.groups.enumerated() {
                if let r = group.rationality {
                    tally(r.primary, into: &rational)
                    if g == 0 { tally(r.primary, into: &harmed) }
                    if r.primary.violation.raw != nil { defined.0 = true }
                    if (r.primary.violation.holm ?? 1) <= alpha { holm.0 = true }
                    if (r.primary.violation.bh ?? 1) <= alpha { bh.0 = true }
                }
                for e in group.envy {
                    tally(e.primary, into: &envy)
                    if e.primary.violation.raw != nil { defined.1 = true }
                    if (e.primary.violation.holm ?? 1) <= alpha { holm.1 = true }
                    if (e.primary.violation.bh ?? 1) <= alpha { bh.1 = true }
                }
            }
            // One family per metric and direction holds rationality and envy together (the evaluator's).
            let anyHolm = holm.0 || holm.1, anyBH = bh.0 || bh.1
            if defined.0 || defined.1 {
                rational.families = 1; rational.holmFamilies = anyHolm ? 1 : 0; rational.bhFamilies = anyBH ? 1 : 0
            }
            result.rationality[metric.metric] = rational
            result.envy[metric.metric] = envy
            if g0Defined(harmed) { result.harmedGroup[metric.metric] = harmed }
        }
        if legacyReplicates > 0 {
            var all = RejectionTally(), harmed = RejectionTally()
            let siteIndex = Dictionary(uniqueKeysWithValues: predictions.siteIDs.enumerated().map { ($1, $0) })
            for g in 0..<predictions.groupCount {
                let rows = (0..<predictions.count).filter { predictions.groups[$0] == Int32(g) }
                let p = PercentileBootstrapECE.pViolation(
                    labels: rows.map { predictions.labels[$0] }, comparator: rows.map { predictions.generic[$0] },
                    target: rows.map { predictions.own($0) }, strata: rows.map { siteIndex[predictions.sites[$0]] ?? 0 },
                    bins: eceBins, replicates: legacyReplicates, generator: &generator)
                all.tests += 1
                if p <= alpha { all.violations += 1 }
                if g == 0 { harmed.tests = 1; harmed.violations = p <= alpha ? 1 : 0 }
            }
            result.legacyRationality = all
            result.legacyHarmedGroup = harmed
        }
        return result
    }

    private static func g0Defined(_ t: RejectionTally) -> Bool { t.tests > 0 }
}
