import AuditSpec
import AuditStats
import Foundation
import Testing
@testable import AuditModels

@Suite("Group census for fairuse plan")
struct GroupCensusTests {
    /// The census's expected test rows are exactly the split's: compared with a real LocalAudit.train.
    @Test func testCountsEqualTheSplit() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = try folder.write("data.csv", syntheticCSV(rows: 537, seed: 4))
        var spec = smallSpec(bootstrap: 0)
        spec.techniques = [.onehot]
        let dataset = try AuditDataset.load(path: path, spec: spec)
        let counts = GroupCensus.counts(dataset, spec: spec)
        let trained = try LocalAudit.train(spec: spec, dataPath: path).result
        #expect(counts.map(\.key) == trained.groups.map(\.key))
        for (c, g) in zip(counts, trained.groups) {
            #expect(c.testRows == g.testCount && c.testPositives == g.testPositives)
            #expect(c.trainRows == g.trainCount && c.trainPositives == g.trainPositives)
        }
        #expect(counts.reduce(0) { $0 + $1.rows } == 537)
        // x1, x2 and smoker's three levels: 5 design columns, plus 4 groups.
        #expect(GroupCensus.vcDimension(dataset, groups: counts.count) == 9)
    }

    @Test func handCountedFixture() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        var text = "sex,x,y\n"
        for i in 0..<10 { text += "f,\(i),\(i < 3 ? 1 : 0)\n" }   // f: 10 rows, 3 positives
        for i in 0..<7 { text += "m,\(i),0\n" }                   // m: 7 rows, one class
        let path = try folder.write("tiny.csv", text)
        var spec = AuditSpec(name: "tiny", outcome: OutcomeSpec(column: "y"), groups: [GroupAttributeSpec(column: "sex")])
        spec.split.testFraction = 0.5
        let counts = GroupCensus.counts(try AuditDataset.load(path: path, spec: spec), spec: spec)
        // round(3·0.5) = 2 (half to even), round(7·0.5) = 4 (half to even): f has 6 test rows, 2 positive.
        #expect(counts == [.init(key: "sex=f", rows: 10, positives: 3, testRows: 6, testPositives: 2),
                           .init(key: "sex=m", rows: 7, positives: 0, testRows: 4, testPositives: 0)])
        let plan = TestabilityPlanner.plan(name: "tiny", sites: [.init(name: "tiny", minCell: nil, groups: counts)],
                                           settings: .init(alpha: 0.1, correction: .holm, vcDimension: 3))
        #expect(plan.untestableGroups.map(\.key) == ["sex=f", "sex=m"])
        #expect(plan.groups[1].issues.map(\.code) == ["no_detectable_gain", "single_class"])
    }
}
