import AuditCore
import AuditSpec
import AuditStats
import AuditWire
import Foundation
import Testing
@testable import AuditCoordinator

/// Federated = pooled, against an independent oracle (issue 9, item 8). Random held-out rows are
/// split over 1–8 sites (random sizes, tiny and empty sites included); every site computes its
/// statistics (`SiteStatistics.extract`, what an agent sends), the statistics travel as the JSON
/// of a `TaskResult`, and the coordinator's own combiner (`AuditCombiner.combine`) builds the
/// report. Every group × comparison of its evaluation must agree with `RowLevelOracle`, which
/// recomputes everything from the raw rows and shares no code with the statistics module:
/// error gains, McNemar counts and exact p-values, site-stratified AUCs, DeLong z and p-values
/// (singleton strata included), and ECE values and gains. Tolerance 1e-12 (absolute for values
/// and p-values, relative for z).
@Suite("Federated = row-level oracle")
struct FederatedOracleTests {
    /// SplitMix64 (Steele, Lea & Flood 2014), the test's own generator of random data.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// How scores are drawn: independent on a 0.01 grid (ties, bin edges, 0.5), additive group
    /// offsets (identical orderings, decision D4), or a coarse 0.1 grid (heavy ties, 0 and 1).
    enum Scores: CaseIterable { case grid, offsets, coarse }

    static func rows(seed: UInt64, scores: Scores) -> (rows: [RowLevelOracle.Row], groups: Int) {
        var rng = Generator(state: seed)
        let m = 2 + rng.below(3), sites = 1 + rng.below(8)
        let prevalence = (0..<m).map { _ in 0.08 + 0.5 * rng.uniform() }
        let share = (0..<m).map { _ in 0.2 + rng.uniform() }
        let offsets = (0..<m).map { _ in rng.uniform() * 2 - 1 }
        var out: [RowLevelOracle.Row] = []
        for s in 0..<sites {
            let size = [0, 1, 2, 3, 5][rng.below(5)] + (rng.below(3) == 0 ? 0 : rng.below(60))
            for _ in 0..<size {
                var u = rng.uniform() * share.reduce(0, +), g = 0
                while g < m - 1 && u > share[g] { u -= share[g]; g += 1 }
                let y = rng.uniform() < prevalence[g] ? 1 : 0
                let signal = Double(y) * 0.8 + rng.uniform() * 2 - 1
                func round(_ p: Double, _ step: Double) -> Double { (p / step).rounded() * step }
                func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
                let generic: Double, personalized: [Double]
                switch scores {
                case .grid:
                    generic = round(sigmoid(signal + rng.uniform() - 0.5), 0.01)
                    personalized = (0..<m).map { _ in round(sigmoid(signal + rng.uniform() - 0.5), 0.01) }
                case .offsets:
                    generic = sigmoid(signal)
                    personalized = offsets.map { sigmoid(signal + $0) }
                case .coarse:
                    generic = round(rng.uniform() * 0.6 + Double(y) * 0.4, 0.1)
                    personalized = (0..<m).map { _ in round(rng.uniform() * 0.7 + Double(y) * 0.3, 0.1) }
                }
                out.append(RowLevelOracle.Row(site: "site\(s)", group: g, label: y, generic: generic, personalized: personalized))
            }
        }
        return (out, m)
    }

    /// The coordinator's report of these rows: per-site statistics as agents send them, combined.
    static func federatedEvaluation(_ rows: [RowLevelOracle.Row], groups m: Int) throws -> FairUseEvaluation? {
        let keys = (0..<m).map { "g=\($0)" }
        let predictions = Predictions(keys: keys, sites: rows.map(\.site), groups: rows.map { Int32($0.group) },
                                      labels: rows.map { UInt8($0.label) }, generic: rows.map(\.generic),
                                      personalized: rows.flatMap(\.personalized))
        var spec = AuditSpec(name: "oracle", outcome: OutcomeSpec(column: "y"), groups: [GroupAttributeSpec(column: "g")])
        spec.techniques = [.intersectional]
        let audit = AuditID.generate()
        var tasks: [SiteTaskRecord] = [], submissions: [SubmissionRecord] = []
        for site in predictions.siteIDs {
            let statistics = SiteStatistics.extract(from: predictions, site: site,
                                                    settings: ExtractionSettings(bootstrapReplicates: 0, site: site))
            let task = TaskID.generate()
            let siteID = try SiteID(validating: site)
            let result = TaskResult(task: task, audit: audit, site: siteID, round: 1,
                                    specSHA256: SiteTask.specDigest(spec), rootSeed: 0, agentVersion: "oracle",
                                    techniques: [TechniqueStatistics(technique: "intersectional", statistics: statistics)],
                                    suppressed: [], rowCounts: RowCounts(total: 0, train: 0, test: 0))
            tasks.append(SiteTaskRecord(id: task, auditID: audit, siteID: siteID, round: 1,
                                        state: .submitted, updatedAt: Date(timeIntervalSince1970: 0)))
            submissions.append(SubmissionRecord(taskID: task, idempotencyKey: "", bodySHA256: "",
                                                payload: try PayloadCodec.encodeJSON(result), receivedAt: Date(timeIntervalSince1970: 0)))
        }
        let record = AuditRecord(id: audit, name: spec.name, specYAML: spec.yaml(), specSHA256: SiteTask.specDigest(spec),
                                 state: .combining, minSites: 1, requiredSites: [], deadline: Date(timeIntervalSince1970: 0),
                                 createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 0), rootSeed: 0)
        let document = try AuditCombiner.combine(audit: record, outcome: .complete, tasks: tasks, submissions: submissions,
                                                 limits: PayloadLimits())
        return document.results.first?.evaluation
    }

    /// Counts of the cases the random data reached, to show that each branch was exercised.
    struct Coverage { var trials = 0, comparisons = 0, singletonStrata = 0, exactlyZero = 0, deLongNA = 0, mcnemarEmpty = 0 }

    @Test func federatedAgreesWithTheRowLevelOracle() throws {
        var coverage = Coverage()
        for trial in 0..<150 {
            let scores = Scores.allCases[trial % 3]
            let (rows, m) = Self.rows(seed: 0xFA1E_0000 + UInt64(trial), scores: scores)
            guard !rows.isEmpty else { continue }
            coverage.trials += 1
            let evaluation = try #require(try Self.federatedEvaluation(rows, groups: m))
            let oracle = RowLevelOracle(rows: rows, groupCount: m, bins: 10)
            try check(evaluation, oracle: oracle, coverage: &coverage, trial: trial)
        }
        // The random splits reached every case the oracle distinguishes.
        #expect(coverage.trials >= 130 && coverage.comparisons > 1000, "\(coverage)")
        #expect(coverage.singletonStrata > 20 && coverage.exactlyZero > 20 && coverage.deLongNA > 5 && coverage.mcnemarEmpty > 5,
                "\(coverage)")
    }

    func check(_ evaluation: FairUseEvaluation, oracle: RowLevelOracle, coverage: inout Coverage, trial: Int) throws {
        func close(_ a: Double?, _ b: Double?, _ what: String, relative: Bool = false) {
            guard let a, let b else { #expect(a == nil && b == nil, "trial \(trial): \(what) \(String(describing: a)) vs oracle \(String(describing: b))"); return }
            #expect(abs(a - b) <= 1e-12 * (relative ? max(1, abs(b)) : 1), "trial \(trial): \(what) \(a) vs oracle \(b)")
        }
        let metric = { (name: Metric) in try #require(evaluation.metrics.first { $0.metric == name }) }
        let error = try metric(.error), auc = try metric(.auc), ece = try metric(.ece)
        for j in 0..<oracle.groupCount {
            let groupRows = oracle.rows(ofGroup: j)
            guard !groupRows.isEmpty else {
                #expect(error.groups[j].rationality == nil, "trial \(trial): group \(j) has no rows")
                continue
            }
            let comparators = [0] + (0..<oracle.groupCount).filter { $0 != j }.map { $0 + 1 }
            let sites = Dictionary(grouping: groupRows, by: \.site).values
            let singleton = sites.contains { site in
                let p = site.filter { $0.label == 1 }.count, n = site.count - p
                return p > 0 && n > 0 && (p == 1 || n == 1)
            }
            for (position, c) in comparators.enumerated() {
                let expected = oracle.compare(group: j, comparator: c)
                let what = "group \(j) vs model \(c)"
                coverage.comparisons += 1
                func comparison(_ m: MetricEvaluation) throws -> Comparison {
                    try #require(position == 0 ? m.groups[j].rationality : m.groups[j].envy[position - 1])
                }
                // Error and the exact McNemar test.
                let e = try comparison(error)
                close(e.gain, expected.errorGain, "\(what) error gain")
                #expect(e.n10 == expected.n10 && e.n01 == expected.n01, "trial \(trial): \(what) discordant counts")
                close(e.primary.violation.raw, expected.mcnemarViolation, "\(what) McNemar p_V")
                close(e.primary.gain.raw, expected.mcnemarGain, "\(what) McNemar p_G")
                if expected.n10 + expected.n01 == 0 { coverage.mcnemarEmpty += 1 }
                // Site-stratified AUC and DeLong.
                let a = try comparison(auc)
                if position == 0 {
                    close(auc.groups[j].personalized, expected.aucTarget, "\(what) AUC(h_g)")
                    close(auc.groups[j].generic, expected.aucComparator, "\(what) AUC(h0)")
                }
                close(a.comparatorValue, expected.aucComparator, "\(what) comparator AUC")
                close(a.gain, expected.aucGain, "\(what) AUC gain")
                close(a.z, expected.z, "\(what) DeLong z", relative: true)
                close(a.primary.violation.raw, expected.deLongViolation, "\(what) DeLong p_V")
                close(a.primary.gain.raw, expected.deLongGain, "\(what) DeLong p_G")
                #expect((a.primary.unavailableReason != nil) == (expected.z == nil), "trial \(trial): \(what) NA reason")
                #expect((a.primary.flag == .na) == (expected.z == nil), "trial \(trial): \(what) NA flag")
                if expected.z == nil { coverage.deLongNA += 1 }
                if expected.z == 0 && a.standardError == 0 { coverage.exactlyZero += 1 }
                if singleton && expected.z != nil && a.standardError != 0 {
                    coverage.singletonStrata += 1
                    #expect(a.caution?.contains("a single positive or negative") == true, "trial \(trial): \(what) singleton caution")
                }
                // ECE values and gains (not the calibration test: see the hook below).
                let k = try comparison(ece)
                if position == 0 {
                    close(ece.groups[j].personalized, expected.eceTarget, "\(what) ECE(h_g)")
                    close(ece.groups[j].generic, expected.eceComparator, "\(what) ECE(h0)")
                }
                close(k.comparatorValue, expected.eceComparator, "\(what) comparator ECE")
                close(k.gain, expected.eceGain, "\(what) ECE gain")
                try calibrationTestOracle(k, rows: groupRows, target: 1 + j, comparator: c)
            }
        }
    }

    /// The calibration test's estimate from raw rows (Docs/methods.md): per site, the vectors v_i
    /// of row i's residual at its bin under the comparator and under h_g, S = Σ v_i, σ_a² = the
    /// diagonal of Σ_sites Σ_i (v_i − v̄_s)², and T = Σ_a ±(2|S_a| − E|N(S_a, σ_a²)|)/n with the
    /// folded-normal mean written out here. The SE comes from the coordinator's Monte Carlo draws
    /// (checked against the delta method in CalibrationGainTestTests); here the p-values and the
    /// interval must be exactly Φ(T/SE) and T ± z_{0.95}·SE.
    func calibrationTestOracle(_ comparison: Comparison, rows: [RowLevelOracle.Row], target: Int, comparator: Int) throws {
        let k = 10, d = 2 * k
        func bin(_ p: Double) -> Int { (0..<k).first { p <= Double($0 + 1) / Double(k) } ?? k - 1 }
        var s = [Double](repeating: 0, count: d), variance = [Double](repeating: 0, count: d)
        for site in Set(rows.map(\.site)) {
            let mine = rows.filter { $0.site == site }
            var local = [Double](repeating: 0, count: d), squares = [Double](repeating: 0, count: d)
            for row in mine {
                for (offset, r) in [(0, comparator), (k, target)] {
                    let residual = row.score(r) - Double(row.label)
                    local[offset + bin(row.score(r))] += residual
                    squares[offset + bin(row.score(r))] += residual * residual
                }
            }
            for a in 0..<d {
                s[a] += local[a]
                variance[a] += squares[a] - local[a] * local[a] / Double(mine.count)
            }
        }
        func folded(_ m: Double, _ sd: Double) -> Double {
            sd > 0 ? sd * (2 / Double.pi).squareRoot() * exp(-m * m / (2 * sd * sd)) + m * erf(m / (sd * 2.0.squareRoot())) : abs(m)
        }
        var total = 0.0
        for a in 0..<d {
            let term = 2 * abs(s[a]) - folded(s[a], max(variance[a], 0).squareRoot())
            total += a < k ? term : -term
        }
        let estimate = try #require(comparison.testEstimate)
        #expect(abs(estimate - total / Double(rows.count)) < 1e-9, "calibration estimate \(estimate) vs \(total / Double(rows.count))")
        guard let se = comparison.primary.standardError else {
            #expect(comparison.primary.unavailableReason != nil, "an NA calibration test says why")
            return
        }
        let phi = { (z: Double) in 0.5 * erfc(-z / 2.0.squareRoot()) }
        #expect(abs((comparison.primary.violation.raw ?? -1) - phi(estimate / se)) < 1e-12)
        #expect(abs((comparison.primary.gain.raw ?? -1) - phi(-estimate / se)) < 1e-12)
        #expect(abs((comparison.primary.intervalUpper ?? .nan) - (estimate + 1.6448536269514722 * se)) < 1e-9)
    }
}
