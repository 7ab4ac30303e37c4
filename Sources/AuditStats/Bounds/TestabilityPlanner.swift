import AuditCore
import Foundation

/// Builds a ``TestabilityPlan`` from group counts alone (methods spec §2.8–2.9, §5):
///
/// * BoP limits (Cornelis et al., arXiv 2502.02786): k_max and d_max for N = the test rows, pooled
///   and per site (``Testability``), and the minimax error bound with the actual group sizes;
/// * Proposition 4 of Suriyakumar et al. (ICML 2023): the n_g for which an empirical gain generalizes
///   (``GeneralizationSampleSize``, corrected / as printed / Lemma 6);
/// * per group: the minimum detectable error-rate gain of the exact one-sided McNemar test
///   (``McNemarPower``) at the level a single discovery must reach after the audit's correction over
///   its family of M = m + m(m − 1) tests (m rationality, m(m − 1) envy-freeness; spec §0):
///   α/M for Holm (its first step), Bonferroni and BH (its worst case), α/(M·Σ_{j≤M} 1/j) for BY;
/// * the groups that cannot be tested and why: no test rows, test rows but no training rows (the
///   audit stops), withheld by a site's min_cell (as the agent's disclosure rule: a test
///   group × label cell of 1 … min_cell − 1 rows), no detectable gain, one class (AUC only),
///   decoupled fallback (fewer than `decoupled.min_rows` training rows, or one class).
public enum TestabilityPlanner {
    /// The plan of an audit named `name` over these sites' counts.
    public static func plan(name: String, sites: [TestabilityPlan.SiteCounts],
                            settings: TestabilityPlan.Settings) -> TestabilityPlan {
        let keys = Array(Set(sites.flatMap { $0.groups.map(\.key) })).sorted()
        let withheld = sites.map(withheldGroups)
        let multiSite = sites.count > 1
        var groups: [TestabilityPlan.Group] = keys.map { key in
            var group = TestabilityPlan.Group(key: key, rows: 0, positives: 0, testRows: 0, testPositives: 0,
                                              minimumDetectableGain: nil, issues: [])
            var rawTestRows = 0, trainRows = 0
            for (s, site) in sites.enumerated() {
                guard let count = site.groups.first(where: { $0.key == key }) else { continue }
                group.rows += count.rows
                group.positives += count.positives
                rawTestRows += count.testRows
                trainRows += count.trainRows
                if withheld[s].contains(key) {
                    group.issues.append(.init(code: "below_min_cell", affects: "site", site: site.name,
                                              message: "a test group × label cell at \(site.name) is below its min_cell (\(site.minCell ?? 0)); that site withholds the group"))
                } else {
                    group.testRows += count.testRows
                    group.testPositives += count.testPositives
                }
                if let minimum = settings.decoupledMinRows, count.testRows > 0 {
                    let at = multiSite ? " at \(site.name)" : ""
                    if count.trainRows < minimum {
                        group.issues.append(.init(code: "decoupled_fallback", affects: "decoupled", site: multiSite ? site.name : nil,
                                                  message: "\(count.trainRows) training rows\(at), fewer than decoupled.min_rows = \(minimum): the decoupled technique uses the generic model"))
                    } else if count.trainPositives == 0 || count.trainPositives == count.trainRows {
                        group.issues.append(.init(code: "decoupled_fallback", affects: "decoupled", site: multiSite ? site.name : nil,
                                                  message: "one class in the training rows\(at): the decoupled technique uses the generic model"))
                    }
                }
            }
            if rawTestRows == 0 {
                group.issues.insert(.init(code: "no_test_rows", affects: "all", site: nil,
                                          message: "\(group.rows) row(s), none in the test split: not evaluated"), at: 0)
            } else if trainRows == 0 {
                group.issues.insert(.init(code: "no_training_rows", affects: "all", site: nil,
                                          message: "test rows but no training rows: the audit stops"), at: 0)
            } else if group.testRows == 0 {
                group.issues.insert(.init(code: "below_min_cell", affects: "all", site: nil,
                                          message: "withheld by every site that holds test rows: not evaluated"), at: 0)
            }
            return group
        }
        let m = groups.filter { $0.testRows > 0 }.count
        let familySize = m * m
        let alphaPerTest = perTestLevel(alpha: settings.alpha, family: familySize, correction: settings.correction)
        for i in groups.indices where groups[i].testRows > 0 && !groups[i].issues.contains(where: { $0.affects == "all" }) {
            let t = groups[i].testRows, p = groups[i].testPositives
            groups[i].minimumDetectableGain = McNemarPower.minimumDetectableGain(
                rows: t, discordantFraction: settings.discordantFraction, alpha: alphaPerTest, power: settings.power)
            if groups[i].minimumDetectableGain == nil {
                groups[i].issues.insert(.init(code: "no_detectable_gain", affects: "all", site: nil,
                                              message: "\(t) test rows: the exact McNemar test cannot reach power \(settings.power) at level \(format(alphaPerTest)) even if every discordant row (ψ = \(settings.discordantFraction)) favoured one model"), at: 0)
            }
            if p == 0 || p == t {
                groups[i].issues.append(.init(code: "single_class", affects: "auc", site: nil,
                                              message: "one class in the \(t) test rows: AUC and its DeLong test are undefined"))
            }
        }
        let pooledSizes = groups.map(\.testRows).filter { $0 > 0 }
        let pooled = scope(name: "pooled", rows: groups.reduce(0) { $0 + $1.rows }, testSizes: pooledSizes,
                           minCell: nil, epsilons: settings.epsilons)
        let siteScopes = multiSite ? sites.enumerated().map { s, site in
            scope(name: site.name, rows: site.groups.reduce(0) { $0 + $1.rows },
                  testSizes: site.groups.filter { !withheld[s].contains($0.key) && $0.testRows > 0 }.map(\.testRows),
                  minCell: site.minCell, epsilons: settings.epsilons)
        } : []
        let sampleSizes = settings.gaps.flatMap { gap in
            [1, max(m, 1)].map { union in
                func n(_ variant: GeneralizationSampleSize.Variant) -> Int? {
                    GeneralizationSampleSize.required(vcDimension: Double(settings.vcDimension), gap: gap,
                                                      delta: settings.delta, groups: union, variant: variant)
                }
                return TestabilityPlan.SampleSize(gap: gap, unionGroups: union, corrected: n(.corrected),
                                                  asPrinted: n(.asPrinted), lemma6: n(.lemma6))
            }
        }
        var plan = TestabilityPlan(format: TestabilityPlan.format, name: name, settings: settings, familySize: familySize,
                                   alphaPerTest: alphaPerTest, pooled: pooled, sites: siteScopes,
                                   sampleSizes: sampleSizes, groups: groups)
        // The smallest bootstrap p is 1/(B + 1) (spec §2.1): below the per-test level only if B + 1 > 1/alphaPerTest.
        if let b = settings.bootstrapReplicates, familySize > 0 {
            let needed = Int((1 / alphaPerTest - 1e-9).rounded(.up)) - 1   // smallest B with 1/(B + 1) ≤ alphaPerTest
            if b == 0 {
                plan.notes.append("tests.bootstrap is 0: ECE gains (bootstrap is their primary test) are not tested")
            } else if b < needed {
                plan.notes.append("tests.bootstrap = \(b) is too small: the smallest bootstrap p, 1/(B + 1), exceeds the per-test level \(format(alphaPerTest)); no ECE comparison can be significant (B ≥ \(needed) needed; spec §2.1 recommends B ≥ max(2000, 10·M/α) = \(max(2000, Int((10 * Double(familySize) / settings.alpha).rounded(.up)))))")
            }
        }
        return plan
    }

    /// The level a lone discovery must reach in a family of `family` tests under `correction`.
    public static func perTestLevel(alpha: Double, family: Int, correction: Correction) -> Double {
        guard family > 1 else { return alpha }
        let m = Double(family)
        switch correction {
        case .holm, .bonferroni, .bh: return alpha / m
        case .by: return alpha / (m * (1...family).reduce(0) { $0 + 1 / Double($1) })
        }
    }

    /// Keys a site withholds: a test (group × label) cell of 1 … min_cell − 1 rows (AuditAgent's Disclosure rule).
    static func withheldGroups(_ site: TestabilityPlan.SiteCounts) -> Set<String> {
        guard let minCell = site.minCell else { return [] }
        return Set(site.groups.filter { g in
            [g.testPositives, g.testRows - g.testPositives].contains { $0 > 0 && $0 < minCell }
        }.map(\.key))
    }

    static func scope(name: String, rows: Int, testSizes: [Int], minCell: Int?, epsilons: [Double]) -> TestabilityPlan.Scope {
        let n = testSizes.reduce(0, +)
        let limits = epsilons.map { epsilon -> TestabilityPlan.Limit in
            let limit = Testability.classification(rows: Double(n), epsilon: epsilon)
            let bound = testSizes.isEmpty ? 1 : Testability.errorProbabilityBound(groupSizes: testSizes.map(Double.init), epsilon: epsilon)
            return .init(epsilon: epsilon, kMax: limit.kMax, dMax: limit.dMax,
                         withinLimit: Double(testSizes.count) <= limit.dMax, errorProbabilityBound: bound)
        }
        return .init(name: name, rows: rows, testRows: n, groups: testSizes.count, minCell: minCell, limits: limits)
    }

    static func format(_ x: Double) -> String { String(format: "%.3g", x) }
}
