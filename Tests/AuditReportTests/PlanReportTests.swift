import AuditStats
import Foundation
import Testing
@testable import AuditReport

@Suite("Testability plan: JSON and terminal")
struct PlanReportTests {
    static func plan() -> TestabilityPlan {
        typealias Count = TestabilityPlan.GroupCount
        return TestabilityPlanner.plan(name: "p", sites: [
            .init(name: "north", minCell: 5, groups: [
                Count(key: "sex=f", rows: 2000, positives: 400, testRows: 400, testPositives: 80),
                Count(key: "sex=m", rows: 150, positives: 10, testRows: 30, testPositives: 2),
            ]),
            .init(name: "south", minCell: 5, groups: [
                Count(key: "sex=f", rows: 900, positives: 200, testRows: 180, testPositives: 40),
                Count(key: "sex=x", rows: 3, positives: 1, testRows: 0, testPositives: 0),
            ]),
        ], settings: .init(alpha: 0.1, correction: .holm, vcDimension: 9, decoupledMinRows: 20))
    }

    @Test func jsonRoundTrip() throws {
        let plan = Self.plan()
        let data = try plan.jsonData()
        #expect(try TestabilityPlan.decode(data) == plan)
        let text = String(decoding: data, as: UTF8.self)
        for key in ["\"format\" : \"fairuse-plan/1\"", "\"k_max\"", "\"d_max\"", "\"alpha_per_test\"", "\"minimum_detectable_gain\"",
                    "\"min_cell\"", "\"as_printed\"", "\"no_test_rows\""] {
            #expect(text.contains(key), "missing \(key)")
        }
    }

    @Test func terminalNamesUntestableGroups() {
        let text = PlanReport.render(Self.plan())
        #expect(text.contains("Groups that cannot be tested:"))
        #expect(text.contains("· sex=x: 3 row(s), none in the test split"))
        #expect(text.contains("· sex=m:"))          // withheld at north (2 positives < 5), the only site with its rows
        #expect(text.contains("k_max") && text.contains("corrected") && text.contains("north") && text.contains("south"))
    }
}
