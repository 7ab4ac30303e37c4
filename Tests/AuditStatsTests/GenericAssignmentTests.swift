import Testing
@testable import AuditStats

@Suite("Intervention: assign h0 to groups with a violation (ICML 2023 §5.2)")
struct GenericAssignmentTests {
    /// Switched groups are exactly the flagged ones; the population values after the intervention
    /// equal those computed directly from the mixed predictions, for every metric and score; with
    /// several sites the AUC is the site-stratified one.
    @Test(arguments: [UInt64(5), 6, 7])
    func matchesTheMixedPredictions(seed: UInt64) throws {
        let predictions = randomPredictions(seed: seed, rows: 1500, groups: 5, sites: seed == 7 ? ["a", "b"] : ["local"])
        let evaluation = FairUseAudit.run(predictions, extraction: ExtractionSettings(bootstrapReplicates: 300, rootSeed: seed),
                                          evaluation: EvaluationSettings(alpha: 0.2))
        let assignment = GenericAssignment(evaluation: evaluation, predictions: predictions, eceBins: 10)
        let without = GenericAssignment(evaluation: evaluation)
        var anySwitched = false
        for (metric, a) in zip(evaluation.metrics, assignment.metrics) {
            let flagged = metric.groups.filter { $0.rationality?.primary.flag == .violation }.map(\.key)
            #expect(a.switched == flagged)
            anySwitched = anySwitched || !flagged.isEmpty
            let switched = Set(a.switched.compactMap { predictions.keys.firstIndex(of: $0) })
            let mixed = (0..<predictions.count).map { i in
                switched.contains(Int(predictions.groups[i])) ? predictions.generic[i] : predictions.own(i)
            }
            let direct = MetricValues.values(metric.metric, labels: predictions.labels, probabilities: mixed, modelCount: 1,
                                             sites: predictions.sites, eceBins: 10)[0]
            #expect(abs((a.population.after ?? .nan) - (direct ?? .nan)) < 1e-12)
            for g in a.groups where g.switched {
                #expect(g.after == g.generic && g.gainAfter == 0 && (g.gainBefore ?? 0) < 0)
            }
            let scores = MetricValues.scores(labels: predictions.labels, probabilities: mixed, modelCount: 1)
            #expect(abs((a.scores[0].after ?? .nan) - (scores.logLoss[0] ?? .nan)) < 1e-12)
            #expect(abs((a.scores[1].after ?? .nan) - (scores.brier[0] ?? .nan)) < 1e-12)
            // Without the rows: error, log-loss and Brier are exact, AUC and ECE are absent.
            let w = try #require(without.metrics.first { $0.metric == metric.metric })
            if metric.metric == .error {
                #expect(abs((w.population.after ?? .nan) - (a.population.after ?? .nan)) < 1e-12)
            } else {
                #expect(w.population.after == nil)
            }
            #expect(w.scores == a.scores)
        }
        #expect(anySwitched, "the fixture should have at least one violation")
    }

    /// ICML 2023 Figure 2: switching (female, young) to h0 takes the population error from 24/101
    /// to 0, below h0's 50/101.
    @Test func figure2() throws {
        let keys = ["female,old", "female,young", "male,old", "male,young"]
        let reported = [true, true, false, true]
        let predictions = cellPredictions(keys: keys, cells: [
            (1, 0, 24, false, reported), (3, 25, 0, false, reported),
            (0, 25, 0, false, reported), (2, 0, 27, false, reported),
        ])
        let evaluation = FairUseAudit.run(predictions, extraction: ExtractionSettings(bootstrapReplicates: 0),
                                          evaluation: EvaluationSettings(metrics: [.error]))
        let error = try #require(GenericAssignment(evaluation: evaluation).metrics.first)
        #expect(error.switched == ["female,young"])
        // Tolerance 1e-15: the values are ratios of small counts.
        #expect(abs((error.population.before ?? .nan) - 24.0 / 101) < 1e-15)
        #expect(abs((error.population.after ?? .nan) - 0) < 1e-15)
        #expect(abs((error.population.generic ?? .nan) - 50.0 / 101) < 1e-15)
        #expect(abs((error.population.gainBefore ?? .nan) - 26.0 / 101) < 1e-15)
        #expect(abs((error.population.gainAfter ?? .nan) - 50.0 / 101) < 1e-15)
    }
}
