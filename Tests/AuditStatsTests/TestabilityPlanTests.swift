import Foundation
import Testing
@testable import AuditStats

@Suite("Testability plan (fairuse plan, spec §2.8–2.9)")
struct TestabilityPlanTests {
    typealias Count = TestabilityPlan.GroupCount

    /// Two sites: "a" is large everywhere; "b" has a test cell of 3 positives at site north (min_cell 5);
    /// "c" has 2 rows and no test row; "d" has only negatives.
    static let sites: [TestabilityPlan.SiteCounts] = [
        .init(name: "north", minCell: 5, groups: [
            Count(key: "g=a", rows: 1000, positives: 300, testRows: 200, testPositives: 60),
            Count(key: "g=b", rows: 400, positives: 15, testRows: 80, testPositives: 3),
            Count(key: "g=d", rows: 3000, positives: 0, testRows: 600, testPositives: 0),
        ]),
        .init(name: "south", minCell: 5, groups: [
            Count(key: "g=a", rows: 500, positives: 150, testRows: 100, testPositives: 30),
            Count(key: "g=b", rows: 500, positives: 100, testRows: 100, testPositives: 20),
            Count(key: "g=c", rows: 2, positives: 1, testRows: 0, testPositives: 0),
        ]),
    ]

    static let settings = TestabilityPlan.Settings(alpha: 0.10, correction: .holm, vcDimension: 12, decoupledMinRows: 20)

    @Test func poolsCountsAndWithholdsSmallCells() {
        let plan = TestabilityPlanner.plan(name: "t", sites: Self.sites, settings: Self.settings)
        #expect(plan.groups.map(\.key) == ["g=a", "g=b", "g=c", "g=d"])
        let a = plan.groups[0], b = plan.groups[1]
        #expect((a.rows, a.positives, a.testRows, a.testPositives) == (1500, 450, 300, 90))
        // b's test rows at north are withheld (3 positives < min_cell 5); south's 100 remain.
        #expect((b.rows, b.testRows, b.testPositives) == (900, 100, 20))
        #expect(b.issues.map(\.code) == ["below_min_cell"])
        #expect(b.issues[0].site == "north" && b.issues[0].affects == "site")
        // m = 3 groups with test rows (a, b, d): M = 9 tests, Holm's first step at α/9.
        #expect(plan.familySize == 9)
        #expect(abs(plan.alphaPerTest - 0.1 / 9) < 1e-15)
        #expect(a.minimumDetectableGain == McNemarPower.minimumDetectableGain(rows: 300, discordantFraction: 0.1, alpha: 0.1 / 9))
        #expect(a.minimumDetectableGain.map { $0 > 0 && $0 <= 0.1 } == true)
    }

    @Test func namesUntestableGroupsWithReasons() {
        let plan = TestabilityPlanner.plan(name: "t", sites: Self.sites, settings: Self.settings)
        #expect(plan.untestableGroups.map(\.key) == ["g=c"])
        let c = plan.groups[2]
        #expect(c.issues.first?.code == "no_test_rows")
        #expect(c.minimumDetectableGain == nil)
        let d = plan.groups[3]
        #expect(d.issues.contains { $0.code == "single_class" && $0.affects == "auc" })
        #expect(d.issues.contains { $0.code == "decoupled_fallback" && $0.site == "north" })
        // A tiny group cannot reach power at α/M even with every discordant row favouring one model.
        let tiny = TestabilityPlanner.plan(name: "t", sites: [.init(name: "one", minCell: nil, groups: [
            Count(key: "g=a", rows: 5000, positives: 1000, testRows: 1000, testPositives: 200),
            Count(key: "g=small", rows: 60, positives: 20, testRows: 12, testPositives: 4),
        ])], settings: Self.settings)
        #expect(tiny.untestableGroups.map(\.key) == ["g=small"])
        #expect(tiny.groups[1].issues.first?.code == "no_detectable_gain")
        #expect(tiny.sites.isEmpty)
    }

    @Test func withheldEverywhereIsUntestable() {
        let plan = TestabilityPlanner.plan(name: "t", sites: [.init(name: "one", minCell: 10, groups: [
            Count(key: "g=a", rows: 5000, positives: 1000, testRows: 1000, testPositives: 200),
            Count(key: "g=b", rows: 200, positives: 20, testRows: 40, testPositives: 4),
        ])], settings: Self.settings)
        #expect(plan.untestableGroups.map(\.key) == ["g=b"])
        #expect(plan.groups[1].testRows == 0)
        #expect(plan.familySize == 1 && plan.alphaPerTest == 0.1)
    }

    @Test func limitsAndSampleSizesUseTheBounds() throws {
        let plan = TestabilityPlanner.plan(name: "t", sites: Self.sites, settings: Self.settings)
        let pooled = plan.pooled
        #expect(pooled.testRows == 300 + 100 + 600 && pooled.groups == 3)
        for limit in pooled.limits {
            let expected = Testability.classification(rows: 1000, epsilon: limit.epsilon)
            #expect(limit.kMax == expected.kMax && limit.dMax == expected.dMax)
            #expect(limit.withinLimit == (3 <= expected.dMax))
        }
        #expect(plan.sites.map(\.name) == ["north", "south"])
        #expect(plan.sites[0].testRows == 800 && plan.sites[0].groups == 2)   // b withheld at north
        #expect(plan.sampleSizes.count == 4)
        let rationality = try #require(plan.sampleSizes.first { $0.gap == 0.05 && $0.unionGroups == 1 })
        #expect(rationality.corrected == GeneralizationSampleSize.required(vcDimension: 12, gap: 0.05, delta: 0.05))
        #expect(rationality.asPrinted == GeneralizationSampleSize.required(vcDimension: 12, gap: 0.05, delta: 0.05, variant: .asPrinted))
        #expect(plan.sampleSizes.contains { $0.unionGroups == 3 })
    }

    @Test func tooFewBootstrapReplicatesIsNamed() {
        var settings = Self.settings
        settings.bootstrapReplicates = 50          // 1/51 > α/9
        let plan = TestabilityPlanner.plan(name: "t", sites: Self.sites, settings: settings)
        #expect(plan.notes.count == 1 && plan.notes[0].contains("B ≥ 89 needed"))
        settings.bootstrapReplicates = 2000
        #expect(TestabilityPlanner.plan(name: "t", sites: Self.sites, settings: settings).notes.isEmpty)
        settings.bootstrapReplicates = nil
        #expect(TestabilityPlanner.plan(name: "t", sites: Self.sites, settings: settings).notes.isEmpty)
    }

    @Test func perTestLevelFollowsTheCorrection() {
        #expect(TestabilityPlanner.perTestLevel(alpha: 0.1, family: 4, correction: .bonferroni) == 0.025)
        #expect(TestabilityPlanner.perTestLevel(alpha: 0.1, family: 4, correction: .bh) == 0.025)
        #expect(abs(TestabilityPlanner.perTestLevel(alpha: 0.1, family: 4, correction: .by) - 0.1 / (4 * (1 + 0.5 + 1.0 / 3 + 0.25))) < 1e-15)
        #expect(TestabilityPlanner.perTestLevel(alpha: 0.1, family: 1, correction: .holm) == 0.1)
    }
}
