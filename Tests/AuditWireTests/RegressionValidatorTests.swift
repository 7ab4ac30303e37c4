import AuditCore
import AuditSpec
import AuditStats
import AuditWire
import Foundation
import Testing

/// The coordinator's checks of a continuous-outcome result (`PayloadValidator+Regression`).
@Suite("Regression payload validation")
struct RegressionValidatorTests {
    static var spec: AuditSpec {
        var spec = AuditSpec(name: "wire-regression", outcome: OutcomeSpec(column: "chol", type: .continuous),
                             groups: [GroupAttributeSpec(column: "sex")])
        spec.techniques = [.onehot]
        spec.tests.bootstrapReplicates = 3
        return spec
    }

    static var task: SiteTask {
        SiteTask(id: Fixtures.task, audit: Fixtures.audit, round: 1, spec: spec, rootSeed: 7,
                 createdAt: Fixtures.created, deadline: Fixtures.deadline)
    }

    static func statistics() -> RegressionSiteStatistics {
        var groups: [Int32] = [], outcomes: [Double] = [], generic: [Double] = [], personalized: [Double] = []
        for i in 0..<20 {
            groups.append(Int32(i % 2)); outcomes.append(Double(i)); generic.append(Double(i) + 0.5)
            personalized += [Double(i) + 0.25, Double(i) - 0.75]
        }
        let predictions = RegressionPredictions(keys: ["sex=F", "sex=M"], sites: Array(repeating: Fixtures.site.rawValue, count: 20),
                                                groups: groups, outcomes: outcomes, generic: generic, personalized: personalized)
        return RegressionSiteStatistics.extract(from: predictions, site: Fixtures.site.rawValue,
                                                metrics: Metric.regressionMetrics,
                                                settings: ExtractionSettings(bootstrapReplicates: 3, rootSeed: 7, site: Fixtures.site.rawValue))
    }

    static func result(_ statistics: RegressionSiteStatistics = statistics(), test: Int = 20) -> TaskResult {
        TaskResult(task: Fixtures.task, audit: Fixtures.audit, site: Fixtures.site, round: 1, specSHA256: task.specSHA256,
                   rootSeed: task.rootSeed, agentVersion: "test", techniques: [], suppressed: [], rowCounts: RowCounts(total: 100, train: 100 - test, test: test),
                   regressionTechniques: [RegressionTechniqueStatistics(technique: "onehot", statistics: statistics)])
    }

    @Test func aValidResultPasses() throws {
        try PayloadValidator.validate(Self.result(), against: Self.task, authenticatedSite: Fixtures.site)
        let data = try JSONEncoder().encode(Self.result())
        #expect(try JSONDecoder().decode(TaskResult.self, from: data) == Self.result())
    }

    @Test func badShapesAreRefusedWithTheField() {
        var wrongReplicates = Self.statistics()
        wrongReplicates.groups[1]!.metrics[0].replicateSums.removeLast()
        var nonFinite = Self.statistics()
        nonFinite.groups[0]!.metrics[1].lossSums[0] = .nan
        var wrongCount = Self.statistics()
        wrongCount.groups[0]!.count += 1
        var wrongMetrics = Self.statistics()
        wrongMetrics.groups[0]!.metrics.reverse()
        let cases: [(TaskResult, WireErrorCode, String)] = [
            (Self.result(wrongReplicates), .invalidShape, "regression_techniques[0].statistics.groups[1].metrics[0].replicate_sums"),
            (Self.result(nonFinite), .nonFiniteNumber, "regression_techniques[0].statistics.groups[0].metrics[1]"),
            (Self.result(wrongCount), .inconsistentCounts, "regression_techniques[0].statistics.groups[0].metrics[0].differences[0].count"),
            (Self.result(wrongMetrics), .invalidShape, "regression_techniques[0].statistics.groups[0].metrics"),
            (Self.result(test: 19), .inconsistentCounts, "row_counts.test"),
        ]
        for (result, code, field) in cases {
            let error = #expect(throws: WireError.self) {
                try PayloadValidator.validate(result, against: Self.task, authenticatedSite: Fixtures.site)
            }
            #expect(error?.code == code && error?.field == field, "\(String(describing: error))")
        }
    }

    /// Each bound of `checkRegressionBounds`, with the bound computed here from the payload's own
    /// loss sums and counts (the formula, not the validator): a value just beyond it is refused with
    /// the field's path and the bound in the message.
    @Test func sumsBeyondTheirBoundsAreRefused() throws {
        let base = Self.statistics()
        let g = try #require(base.groups[0]), m = g.metrics[0]
        let n = Double(g.count), lr = m.lossSums[0], lt = m.lossSums[1]
        let prefix = "regression_techniques[0].statistics.groups[0].metrics[0]"
        typealias Edit = (inout RegressionMetricStatistics) -> Void
        let cases: [(String, String, Edit)] = [
            ("loss_sums[0]", "is negative", { $0.lossSums[0] = -1 }),
            ("differences[0].sum", "differs from loss_sums[0] − loss_sums[1]", { $0.differences[0].sum = (lr - lt) + 1 }),
            ("differences[0].sum_of_squares", "(L_r + L_t)²", { $0.differences[0].sumOfSquares = (lr + lt) * (lr + lt) * 1.01 }),
            ("differences[0].sum_of_squares", "is below (Σd)²/n", { $0.differences[0].sumOfSquares = (lr - lt) * (lr - lt) / n * 0.99 }),
            ("differences[1]", "differences with itself must be 0", { $0.differences[1].sum = 1 }),
            ("replicate_sums[0]", "n·√Σd²", { $0.replicateSums[0] = n * m.differences[0].sumOfSquares.squareRoot() * 1.01 + 1 }),
            ("replicate_sums[0]", "n·√Σd²", { $0.replicateSums[0] = 1.7e308 }),
        ]
        for (field, words, edit) in cases {
            var statistics = base
            edit(&statistics.groups[0]!.metrics[0])
            let error = #expect(throws: WireError.self) {
                try PayloadValidator.validate(Self.result(statistics), against: Self.task, authenticatedSite: Fixtures.site)
            }
            #expect(error?.code == .inconsistentCounts && error?.field == "\(prefix).\(field)", "\(String(describing: error))")
            #expect(error?.message.contains(words) == true, "\(String(describing: error))")
        }
    }

    @Test func theOutcomeTypeDecidesWhichStatisticsAreAccepted() {
        let binaryTask = Fixtures.siteTask
        var mixed = Fixtures.taskResult
        mixed.regressionTechniques = Self.result().regressionTechniques
        let error = #expect(throws: WireError.self) {
            try PayloadValidator.validate(mixed, against: binaryTask, authenticatedSite: Fixtures.site)
        }
        #expect(error?.field == "regression_techniques")
        var none = Self.result()
        none.regressionTechniques = nil
        let missing = #expect(throws: WireError.self) {
            try PayloadValidator.validate(none, against: Self.task, authenticatedSite: Fixtures.site)
        }
        #expect(missing?.field == "regression_techniques")
    }
}
