import Testing
@testable import AuditStats

/// Builds predictions where every row of a cell gets a fixed prediction ("+" → 0.9, "−" → 0.1).
func cellPredictions(keys: [String], cells: [(group: Int, positives: Int, negatives: Int, generic: Bool, as: [Bool])]) -> Predictions {
    var groups: [Int32] = [], labels: [UInt8] = [], generic: [Double] = [], personalized: [Double] = []
    func p(_ plus: Bool) -> Double { plus ? 0.9 : 0.1 }
    for cell in cells {
        for (label, count) in [(UInt8(1), cell.positives), (UInt8(0), cell.negatives)] {
            for _ in 0..<count {
                groups.append(Int32(cell.group))
                labels.append(label)
                generic.append(p(cell.generic))
                personalized += cell.as.map(p)
            }
        }
    }
    return Predictions(keys: keys, sites: Array(repeating: "local", count: labels.count), groups: groups,
                       labels: labels, generic: generic, personalized: personalized)
}

@Suite("Paper examples reproduced from their counts")
struct PaperExampleTests {
    // ICML 2023 Figure 2: h0 predicts "−" for everyone; the one-hot personalized classifier
    // predicts "+" for (female, young), (male, young), (female, old) and "−" for (male, old).
    // Errors: personalized 24, 0, 0, 0 (total 24); generic 0, 25, 25, 0 (total 50); gains −24, 25, 25, 0.
    @Test func figure2() throws {
        let keys = ["female,old", "female,young", "male,old", "male,young"]
        let reported = [true, true, false, true]  // h(x, g') by reported group, in key order
        let predictions = cellPredictions(keys: keys, cells: [
            (1, 0, 24, false, reported), (3, 25, 0, false, reported),
            (0, 25, 0, false, reported), (2, 0, 27, false, reported),
        ])
        let result = FairUseAudit.run(predictions, extraction: ExtractionSettings(bootstrapReplicates: 0),
                                      evaluation: EvaluationSettings(metrics: [.error]))
        let error = try #require(result.metrics.first)
        let byKey = Dictionary(uniqueKeysWithValues: error.groups.map { ($0.key, $0) })
        let expected: [String: (pers: Int, gen: Int)] = [
            "female,young": (24, 0), "male,young": (0, 25), "female,old": (0, 25), "male,old": (0, 0)]
        for (key, counts) in expected {
            let g = try #require(byKey[key])
            #expect(g.personalized == Double(counts.pers) / Double(g.count), "\(key)")
            #expect(g.generic == Double(counts.gen) / Double(g.count), "\(key)")
        }
        #expect(error.summary.personalized == 24.0 / 101.0)
        #expect(error.summary.generic == 50.0 / 101.0)
        #expect(error.summary.gain == 26.0 / 101.0)
        // (female, young): 24 discordant rows all favour h0 → a violation, p = 2^-24.
        let fy = try #require(byKey["female,young"]?.rationality)
        #expect(fy.n10 == 0 && fy.n01 == 24)
        #expect(fy.primary.violation.raw == 1.0 / 16_777_216.0)
        #expect(fy.primary.flag == .violation)
        #expect(byKey["male,old"]?.rationality?.primary.flag == TestFlag.none)
        #expect(error.summary.worstGroup?.key == "female,young")
    }

    // ICML 2023 Example 2, from the table's counts (A: 60 rows, B: 75; the prose's "90" does not
    // match the table, whose totals are 95 positives and 40 negatives). h0 predicts "+" everywhere
    // (errors A 20, B 20). With x1 the personalized errors are A 20 (gain 0), B 5 (gain 15); with x2,
    // A 10 (gain 10), B 20 (gain 0); population errors 25 and 30 against 40.
    @Test(arguments: [
        // per cell: (group, n+, n−, prediction with x1, prediction with x2)
        ([true, true, false, false, false, false, true, true], 20, 5, 25),
        ([false, true, false, true, true, true, true, true], 10, 20, 30),
    ])
    func example2(ownPredictions: [Bool], errorsA: Int, errorsB: Int, total: Int) throws {
        let cells: [(Int, Int, Int)] = [(0, 10, 0), (0, 10, 0), (0, 0, 20), (0, 20, 0),
                                        (1, 5, 0), (1, 0, 20), (1, 20, 0), (1, 30, 0)]
        let predictions = cellPredictions(keys: ["A", "B"], cells: zip(cells, ownPredictions).map { cell, own in
            (cell.0, cell.1, cell.2, true, [own, own])
        })
        let result = FairUseAudit.run(predictions, extraction: ExtractionSettings(bootstrapReplicates: 0),
                                      evaluation: EvaluationSettings(metrics: [.error]))
        let error = try #require(result.metrics.first)
        #expect(error.groups[0].personalized == Double(errorsA) / 60)
        #expect(error.groups[1].personalized == Double(errorsB) / 75)
        #expect(error.groups[0].generic == 20.0 / 60 && error.groups[1].generic == 20.0 / 75)
        #expect(error.summary.personalized == Double(total) / 135)
        #expect(error.summary.generic == 40.0 / 135)
        #expect(error.groups[0].rationality?.gain == Double(20 - errorsA) / 60)
        #expect(error.groups[1].rationality?.gain == Double(20 - errorsB) / 75)
    }
}
