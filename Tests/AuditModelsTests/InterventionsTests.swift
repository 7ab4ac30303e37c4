import AuditCore
import AuditSpec
import AuditStats
import Foundation
import Testing
@testable import AuditModels

@Suite("Interventions and model selection (ICML 2023 §3.1, §5.2)")
struct InterventionsTests {
    /// Property: on random rows and candidates, the chosen model's validation value is never worse
    /// than h0's for any group and metric, is the best of the three, and ties go to h0.
    @Test(arguments: [Metric.error, .auc, .ece])
    func choiceIsNeverWorseThanGenericOnValidation(metric: Metric) {
        var rng = Xoshiro256StarStar(seed: 11)
        func u() -> Double { Double(rng.next() >> 11) * 0x1p-53 }
        for trial in 0..<40 {
            let n = 20 + Int(u() * 200), m = 1 + Int(u() * 5)
            let labels = (0..<n).map { _ in UInt8(u() < 0.4 ? 1 : 0) }
            let groups = (0..<n).map { _ in Int(u() * Double(m)) }
            // Every few trials, candidate 1 copies h0 exactly, so the tie rule is exercised.
            var p = (0..<(n * 3)).map { _ in (u() * 10).rounded() / 10 }
            if trial % 4 == 0 { for i in 0..<n { p[i * 3 + 1] = p[i * 3] } }
            let choices = BestModelAssignment.choose(metric: metric, labels: labels, groups: groups, groupCount: m, probabilities: p)
            #expect(choices.count == m)
            for (chosen, values) in choices {
                let c = BestModelAssignment.Candidate.allCases.firstIndex(of: chosen)!
                guard let generic = values[0] else { #expect(chosen == .generic); continue }
                let value = values[c]!
                #expect(metric.higherIsBetter ? value >= generic : value <= generic)
                for v in values.compactMap({ $0 }) { #expect(metric.higherIsBetter ? value >= v : value <= v) }
                if trial % 4 == 0 { #expect(chosen != .personalized) }   // a copy of h0 never beats it
            }
        }
    }

    /// The folds are a partition, balanced within every (group, label) stratum, and seeded.
    @Test func foldsAreStratified() {
        let keys = (0..<500).map { "g=\($0 % 3)" }, labels = (0..<500).map { UInt8(($0 / 3) % 4 == 0 ? 1 : 0) }
        let a = StratifiedFolds(keys: keys, labels: labels, folds: 5, seed: 3)
        #expect(a == StratifiedFolds(keys: keys, labels: labels, folds: 5, seed: 3))
        #expect(a != StratifiedFolds(keys: keys, labels: labels, folds: 5, seed: 4))
        for key in Set(keys) {
            for y in [UInt8(0), 1] {
                let sizes = (0..<5).map { f in keys.indices.filter { keys[$0] == key && labels[$0] == y && a.fold[$0] == f }.count }
                #expect(sizes.max()! - sizes.min()! <= 1)
            }
        }
    }

    /// ICML 2023 Example 2, from its table: a table classifier of (group, x1) or of (group, x2)
    /// fitted by majority vote in each cell (empirical risk minimization for that class). Errors
    /// per group: with x1 A 20, B 5 (total 25); with x2 A 10, B 20 (total 30); h0 ("+") A 20, B 20.
    /// Population-level selection picks x1 — no gain for A — and worst-group selection picks x2 —
    /// no gain for B. (The table has 60 rows of A and 75 of B, 135 in all — its totals row says
    /// 95 + 40 — although the text says 90 of B; the counts used here are the table's.)
    @Test func example2ModelSelection() {
        // (group, x1, x2, positives, negatives)
        let cells = [(0, 0, 0, 10, 0), (0, 0, 1, 10, 0), (0, 1, 0, 0, 20), (0, 1, 1, 20, 0),
                     (1, 0, 0, 5, 0), (1, 0, 1, 0, 20), (1, 1, 0, 20, 0), (1, 1, 1, 30, 0)]
        let sizes = cells.reduce(into: [0, 0]) { $0[$1.0] += $1.3 + $1.4 }
        #expect(sizes == [60, 75])
        func errors(feature: Int) -> [Int] {
            var votes: [[Int]: (Int, Int)] = [:]
            for c in cells { let k = [c.0, feature == 1 ? c.1 : c.2]; let v = votes[k] ?? (0, 0); votes[k] = (v.0 + c.3, v.1 + c.4) }
            var wrong = [0, 0]
            for (k, v) in votes { wrong[k[0]] += min(v.0, v.1) }   // the majority label is right, the minority wrong
            return wrong
        }
        let generic = cells.reduce(into: [0, 0]) { $0[$1.0] += $1.4 }   // h0 predicts "+": negatives are wrong
        #expect(generic == [20, 20])
        #expect(errors(feature: 1) == [20, 5])
        #expect(errors(feature: 2) == [10, 20])
        let keys = ["A", "B"]
        let points = [1, 2].map { f -> RegularizationSelection.GridPoint in
            let e = errors(feature: f)
            return RegularizationSelection.GridPoint(c: Double(f), population: Double(e[0] + e[1]) / 135,
                                                     groups: [Double(e[0]) / 60, Double(e[1]) / 75], keys: keys, higherIsBetter: false)
        }
        let chosen = RegularizationSelection.choose(points, higherIsBetter: false)
        #expect(points[chosen.population].c == 1)      // x1: 25/135 < 30/135
        #expect(points[chosen.worstGroup].c == 2)      // x2: worst B 20/75 < x1's worst A 20/60
        #expect(points[0].worstGroup == "A" && points[1].worstGroup == "B")
        // The gains each choice leaves: x1 gives A nothing, x2 gives B nothing.
        #expect(zip(generic, errors(feature: 1)).map { $0 - $1 } == [0, 15])
        #expect(zip(generic, errors(feature: 2)).map { $0 - $1 } == [10, 0])
    }

    /// End to end on a synthetic dataset: the split is the audit's, the interventions are
    /// reproducible, every group's chosen model is no worse than h0 on validation, and data
    /// minimization and model selection report every group.
    @Test func localInterventionsEndToEnd() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = try folder.write("data.csv", syntheticCSV(rows: 900, seed: 4))
        let spec = smallSpec(bootstrap: 100)
        let result = try LocalAudit.run(spec: spec, dataPath: path)
        let data = try TrainingData.load(spec: spec, dataPath: path)
        // The rebuilt split and h0 are the audit's.
        let refit = try data.fit(technique: .onehot, rows: data.train)
        #expect(refit.generic == result.generic)
        #expect(data.test.map(String.init) == result.techniques[0].predictions.rowIDs)

        let settings = LocalInterventions.Settings(validationFraction: 0.3, selectionGrid: [0.01, 1, 100], selectionFolds: 3)
        let analyses = try LocalInterventions.run(result, dataPath: path, settings: settings)
        let again = try LocalInterventions.run(result, dataPath: path, settings: settings)
        #expect(analyses.map(\.bestOfModels) == again.map(\.bestOfModels))
        #expect(analyses.map(\.modelSelection) == again.map(\.modelSelection))
        for a in analyses {
            let best = try #require(a.bestOfModels)
            #expect(best.fitRows + best.validationRows == result.trainCount)
            #expect(best.groups.count == 4)
            for g in best.groups {
                let c = BestModelAssignment.Candidate.allCases.firstIndex(of: g.chosen)!
                if let h0 = g.validation[0] { #expect(g.validation[c]! <= h0) } else { #expect(g.chosen == .generic) }
                // A group kept on h0 has no gain after.
                if g.chosen == .generic, let t = g.test.first { #expect(t.gainAfter == 0) }
            }
            let minimization = try #require(a.dataMinimization)
            #expect(minimization.attributes.map(\.attribute) == ["sex", "age_group"])
            for attribute in minimization.attributes {
                for metric in attribute.metrics {
                    #expect(metric.groups.count == 4)
                    for e in metric.groups {
                        #expect(e.needNotCollect == ((e.gain ?? 1) <= 0))
                        // Without sex the report is the age group alone, and the reverse.
                        #expect(!e.reportWithout.contains(attribute.attribute + "="))
                    }
                }
            }
            let selection = try #require(a.modelSelection)
            #expect(selection.grid.map(\.c) == [0.01, 1, 100])
            #expect(selection.grid.allSatisfy { $0.groups.count == 4 && $0.population != nil })
            let chosen = RegularizationSelection.choose(selection.grid, higherIsBetter: false)
            #expect(selection.populationBest == selection.grid[chosen.population].c)
            #expect(selection.worstGroupBest == selection.grid[chosen.worstGroup].c)
            #expect(selection.atPopulationBest?.count == 3 && selection.atWorstGroupBest?.count == 3)
            // The population value of the audit at C = 1 is the main audit's.
            if selection.populationBest == 1 {
                let main = result.techniques.first { $0.technique == a.technique }!.evaluation.metrics[0].summary.personalized
                #expect(selection.atPopulationBest?.first?.personalized == main)
            }
        }
    }

    /// Data minimization for a one-hot model: withholding an attribute is served by the one-hot
    /// model refitted without that attribute's indicators.
    @Test func minimizationRefitsWithoutTheAttribute() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = try folder.write("data.csv", syntheticCSV(rows: 600, seed: 9))
        var spec = smallSpec(bootstrap: 50)
        spec.techniques = [.onehot]
        let result = try LocalAudit.run(spec: spec, dataPath: path)
        let h0 = try #require(result.generic)
        let data = try TrainingData.load(spec: spec, dataPath: path)
        let coarse = try TrainingData(spec: spec, dataset: DataMinimization.withoutAttribute(0, data.dataset), testRows: data.test)
        #expect(coarse.keys == ["age_group=60+", "age_group=<60"])
        let model = try coarse.fit(technique: .onehot, rows: coarse.train, generic: h0, preprocessor: result.preprocessor)
        #expect(model.personalized.indicatorColumns == ["age_group=60+", "age_group=<60"])
        let minimization = try DataMinimization.run(data, technique: .onehot, full: result.techniques[0].predictions.predictions,
                                                    generic: h0, preprocessor: result.preprocessor)
        let error = try #require(minimization.attributes.first?.metrics.first)
        let own = model.predict(coarse, rows: coarse.test).own
        for e in error.groups {
            let rows = data.test.indices.filter { data.dataset.rowKeys[data.test[$0]] == e.key }
            let wrong = rows.filter { (own[$0] >= 0.5) != (data.dataset.labels[data.test[$0]] == 1) }.count
            #expect(e.without == Double(wrong) / Double(rows.count))
            #expect(e.reportWithout == coarse.dataset.rowKeys[data.test[rows[0]]])
        }
    }
}

@Suite("Interventions of a fixed (published) model")
struct FixedModelInterventionsTests {
    /// Nothing to refit: only the h0 assignment, computed from the predictions, even with model selection asked for.
    @Test func onlyTheGenericAssignment() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = try folder.write("data.csv", syntheticCSV(rows: 300, seed: 9))
        let spec = try AuditSpec.parse(yaml: FixedModelTests.yaml, source: "fixed.yaml")
        let result = try LocalAudit.run(spec: spec, dataPath: path)
        let analyses = try LocalInterventions.run(result, dataPath: path, settings: .init(selectionGrid: [1]))
        let analysis = try #require(analyses.first)
        #expect(analyses.count == 1)
        #expect(analysis.bestOfModels == nil && analysis.dataMinimization == nil && analysis.modelSelection == nil)
        #expect(analysis.assignGeneric == GenericAssignment(evaluation: result.techniques[0].evaluation,
                                                             predictions: result.techniques[0].predictions.predictions))
        #expect(analysis.assignGeneric.metrics.allSatisfy { $0.population.after != nil })
    }
}
