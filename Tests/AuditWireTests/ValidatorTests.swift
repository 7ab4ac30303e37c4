import AuditSpec
import AuditStats
import AuditWire
import Foundation
import Testing

/// Each validator rule, shown by one mutation of a valid result built with `SiteStatistics.extract`.
@Suite struct ValidatorTests {
    typealias Mutation = @Sendable (inout TaskResult) -> Void

    /// Group 0 (`sex=F`, target model 1) of technique `t`.
    static func g0(_ r: inout TaskResult, _ t: Int = 0, _ body: (inout GroupStatistics) -> Void) {
        body(&r.techniques[t].statistics.groups[0]!)
    }

    static let mutations: [(name: String, code: WireErrorCode, field: String, mutate: Mutation)] = [
        // Identity and binding.
        ("another site", .siteMismatch, "site", { $0.site = Fixtures.otherSite }),
        ("statistics of another site", .siteMismatch, "techniques[1].statistics.site",
         { $0.techniques[1].statistics.site = "haukeland" }),
        ("another task", .conflict, "task", { $0.task = Fixtures.otherTask }),
        ("another audit", .conflict, "audit", { $0.audit = AuditID(rawValue: "aud_aaaaaaaaaaaaaaaaaaaa")! }),
        ("another round", .conflict, "round", { $0.round = 2 }),
        ("another spec", .conflict, "spec_sha256", { $0.specSHA256 = String(repeating: "0", count: 64) }),
        // Finite numbers.
        ("NaN log loss", .nonFiniteNumber, "techniques[1].statistics.groups[0].log_loss_sum[1]",
         { g0(&$0, 1) { $0.logLossSum[1] = .nan } }),
        ("infinite replicate residual", .nonFiniteNumber,
         "techniques[0].statistics.groups[1].bootstrap.calibration_residuals[5]",
         { $0.techniques[0].statistics.groups[1]!.bootstrap!.calibrationResiduals[5] = -.infinity }),
        ("infinite population bin", .nonFiniteNumber, "techniques[0].statistics.population.calibration[1].residual_sums[2]",
         { $0.techniques[0].statistics.population.calibration[1].residualSums[2] = .infinity }),
        // Techniques.
        ("no techniques", .invalidShape, "techniques", { $0.techniques = [] }),
        ("technique not in spec", .invalidShape, "techniques[1].technique", { $0.techniques[1].technique = "decoupled" }),
        ("technique twice", .invalidShape, "techniques[1].technique", { $0.techniques[1].technique = "onehot" }),
        // Shapes.
        ("duplicate key", .invalidShape, "techniques[0].statistics.keys[1]",
         { $0.techniques[0].statistics.keys[1] = "sex=F" }),
        ("groups longer than keys", .invalidShape, "techniques[0].statistics.groups",
         { $0.techniques[0].statistics.groups.append(nil) }),
        ("group key", .invalidShape, "techniques[0].statistics.groups[0].key", { g0(&$0) { $0.key = "sex=X" } }),
        ("group target", .invalidShape, "techniques[0].statistics.groups[0].target", { g0(&$0) { $0.target = 2 } }),
        ("models", .invalidShape, "techniques[0].statistics.groups[0].wrong", { g0(&$0) { $0.wrong.removeLast() } }),
        ("discordance models", .invalidShape, "techniques[0].statistics.groups[0].discordance",
         { g0(&$0) { $0.discordance.append(Discordance(n10: 0, n01: 0)) } }),
        ("calibration bins", .invalidShape, "techniques[0].statistics.groups[0].calibration[2].residual_sums",
         { g0(&$0) { $0.calibration[2].residualSums.append(0) } }),
        ("AUC strata", .invalidShape, "techniques[0].statistics.groups[0].auc", { g0(&$0) { $0.auc.append($0.auc[0]) } }),
        ("placement models", .invalidShape, "techniques[0].statistics.groups[0].auc[0].placement_sums",
         { g0(&$0) { $0.auc[0].placementSums.removeLast() } }),
        ("bootstrap missing", .invalidShape, "techniques[0].statistics.groups[0].bootstrap",
         { g0(&$0) { $0.bootstrap = nil } }),
        ("bootstrap replicates", .invalidShape, "techniques[0].statistics.groups[0].bootstrap.replicates",
         { g0(&$0) { $0.bootstrap!.replicates = 4 } }),
        ("bootstrap bins", .invalidShape, "techniques[0].statistics.groups[0].bootstrap.bins",
         { g0(&$0) { $0.bootstrap!.bins = 10 } }),
        ("bootstrap wrong length", .invalidShape, "techniques[0].statistics.groups[0].bootstrap.wrong",
         { g0(&$0) { $0.bootstrap!.wrong.removeLast() } }),
        ("bootstrap AUC length", .invalidShape, "techniques[0].statistics.groups[0].bootstrap.auc_numerators",
         { g0(&$0) { $0.bootstrap!.aucNumerators.append(0) } }),
        ("bootstrap ECE length", .invalidShape, "techniques[0].statistics.groups[0].bootstrap.calibration_residuals",
         { g0(&$0) { $0.bootstrap!.calibrationResiduals.removeLast() } }),
        ("population bootstrap", .invalidShape, "techniques[0].statistics.population.bootstrap",
         { $0.techniques[0].statistics.population.bootstrap = $0.techniques[0].statistics.groups[0]!.bootstrap }),
        ("merged bins not increasing", .invalidShape, "techniques[0].statistics.groups[0].calibration_edges[1]",
         { g0(&$0) { $0.calibrationEdges = [1, 1, 3] } }),
        ("merged bins beyond the base bins", .invalidShape, "techniques[0].statistics.groups[0].calibration_edges[1]",
         { g0(&$0) { $0.calibrationEdges = [1, 4] } }),
        ("merged bins end early", .invalidShape, "techniques[0].statistics.groups[0].calibration_edges",
         { g0(&$0) { $0.calibrationEdges = [0, 2] } }),
        ("merged edges without merged bins", .invalidShape, "techniques[0].statistics.groups[0].calibration[0].counts",
         { g0(&$0) { $0.calibrationEdges = [1, 3] } }),
        ("bootstrap bins not merged", .invalidShape, "techniques[0].statistics.groups[0].bootstrap.bins", {
            g0(&$0) { g in
                let bootstrap = g.bootstrap
                g = CalibrationCoarsening.coarsened(g, to: [1, 3])
                g.bootstrap = bootstrap
            }
        }),
        ("population models", .invalidShape, "techniques[0].statistics.population.brier_sum",
         { $0.techniques[0].statistics.population.brierSum.append(0) }),
        // Counts.
        ("positives above count", .inconsistentCounts, "techniques[0].statistics.groups[0].positives",
         { g0(&$0) { $0.positives = $0.count + 1 } }),
        ("wrong above count", .inconsistentCounts, "techniques[0].statistics.groups[0].wrong[2]",
         { g0(&$0) { $0.wrong[2] = $0.count + 1 } }),
        ("negative brier", .inconsistentCounts, "techniques[0].statistics.groups[0].brier_sum[0]",
         { g0(&$0) { $0.brierSum[0] = -0.5 } }),
        ("discordant above count", .inconsistentCounts, "techniques[0].statistics.groups[0].discordance[0]",
         { g0(&$0) { $0.discordance[0] = Discordance(n10: $0.count, n01: 1) } }),
        ("discordance against wrong counts", .inconsistentCounts, "techniques[0].statistics.groups[0].discordance[2]",
         { g0(&$0) { $0.discordance[2].n10 += 1; $0.discordance[2].n01 += 2 } }),
        ("target against itself", .inconsistentCounts, "techniques[0].statistics.groups[0].discordance[1]",
         { g0(&$0) { $0.discordance[1] = Discordance(n10: 1, n01: 1) } }),
        ("bin counts do not add up", .inconsistentCounts, "techniques[0].statistics.groups[0].calibration[0].counts",
         { g0(&$0) { $0.calibration[0].counts[0] += 1 } }),
        ("bin positives do not add up", .inconsistentCounts, "techniques[0].statistics.groups[0].calibration[0].positives",
         { g0(&$0) { c in
             let k = c.calibration[0].positives.firstIndex { $0 > 0 }!
             c.calibration[0].positives[k] -= 1
             c.calibration[0].residualSums[k] += 1
         } }),
        ("residual outside its bin", .inconsistentCounts,
         "techniques[0].statistics.groups[0].calibration[0].residual_sums[0]",
         { g0(&$0) { $0.calibration[0].residualSums[0] = Double($0.calibration[0].counts[0]) + 1 } }),
        ("stratum positives", .inconsistentCounts, "techniques[0].statistics.groups[0].auc[0].positives",
         { g0(&$0) { $0.auc[0].positives += 1 } }),
        ("stratum negatives", .inconsistentCounts, "techniques[0].statistics.groups[0].auc[0].negatives",
         { g0(&$0) { $0.auc[0].negatives -= 1 } }),
        ("placement sum above 2MN", .inconsistentCounts, "techniques[0].statistics.groups[0].auc[0].placement_sums[0]",
         { g0(&$0) { g in g.auc[0].placementSums[0] = 2 * Int64(g.positives * (g.count - g.positives)) + 1 } }),
        ("placement difference sum", .inconsistentCounts,
         "techniques[0].statistics.groups[0].auc[0].differences[0].positive_sum",
         { g0(&$0) { $0.auc[0].differences[0].positiveSum += 2 } }),
        ("negative difference sum", .inconsistentCounts,
         "techniques[0].statistics.groups[0].auc[0].differences[2].negative_sum",
         { g0(&$0) { $0.auc[0].differences[2].negativeSum -= 2 } }),
        ("negative squares", .inconsistentCounts,
         "techniques[0].statistics.groups[0].auc[0].differences[0].negative_squares",
         { g0(&$0) { $0.auc[0].differences[0].negativeSquares = -1 } }),
        ("replicate wrong above count", .inconsistentCounts, "techniques[0].statistics.groups[0].bootstrap.wrong[4]",
         { g0(&$0) { g in g.bootstrap!.wrong[4] = Int32(g.count + 1) } }),
        ("replicate AUC above 2MN", .inconsistentCounts, "techniques[0].statistics.groups[0].bootstrap.auc_numerators[0]",
         { g0(&$0) { g in g.bootstrap!.aucNumerators[0] = 2 * Int64(g.positives * (g.count - g.positives)) + 1 } }),
        ("replicate residual above count", .inconsistentCounts,
         "techniques[0].statistics.groups[0].bootstrap.calibration_residuals[7]",
         { g0(&$0) { g in g.bootstrap!.calibrationResiduals[7] = Double(g.count) + 1 } }),
        ("group missing without suppression", .inconsistentCounts, "techniques[0].statistics.population.count",
         { $0.techniques[0].statistics.groups[1] = nil }),
        // Across techniques.
        ("keys differ between techniques", .invalidShape, "techniques[1].statistics.keys", {
            $0.techniques[1].statistics.keys[1] = "sex=Z"
            $0.techniques[1].statistics.groups[1]!.key = "sex=Z"
        }),
        ("group absent in one technique", .inconsistentCounts, "techniques[1].statistics.groups[1]", {
            $0.techniques[1].statistics = Fixtures.statistics(shift: 0.2, withheld: [1])
            $0.suppressed = [Suppression(group: "sex=M", scope: "group", reason: "min_cell 5")]
        }),
        ("different test rows", .inconsistentCounts, "techniques[1].statistics.groups[0].count",
         { $0.techniques[1].statistics = Fixtures.statistics(shift: 0.2, rows: 26) }),
        // Suppressions and row counts.
        ("suppressed unknown group", .invalidShape, "suppressed[0].group",
         { $0.suppressed = [Suppression(group: "sex=Q", scope: "group", reason: "r")] }),
        ("suppressed empty scope", .invalidShape, "suppressed[0].scope",
         { $0.suppressed = [Suppression(group: nil, scope: "", reason: "r")] }),
        ("rows do not add up", .inconsistentCounts, "row_counts.total", { $0.rowCounts.total += 1 }),
        ("test rows differ", .inconsistentCounts, "row_counts.test", { $0.rowCounts = RowCounts(total: 121, train: 96, test: 25) }),
        ("negative rows", .inconsistentCounts, "row_counts", { $0.rowCounts = RowCounts(total: 0, train: 24, test: -24) }),
    ]

    @Test func theBaseResultIsValid() throws {
        try PayloadValidator.validate(Fixtures.taskResult, against: Fixtures.siteTask, authenticatedSite: Fixtures.site)
    }

    @Test(arguments: mutations.map(\.name))
    func mutationIsRefused(name: String) throws {
        let mutation = try #require(Self.mutations.first { $0.name == name })
        var result = Fixtures.taskResult
        mutation.mutate(&result)
        let error = try #require(throws: WireError.self) {
            try PayloadValidator.validate(result, against: Fixtures.siteTask, authenticatedSite: Fixtures.site)
        }
        #expect(error.code == mutation.code, "\(name): \(error)")
        #expect(error.field == mutation.field, "\(name): \(error)")
    }

    @Test func reportedSuppressionsAllowMissingGroupsAndBootstraps() throws {
        var result = Fixtures.taskResult
        result.techniques[0].statistics = Fixtures.statistics(shift: 0.1, withheld: [1])
        result.techniques[1].statistics = Fixtures.statistics(shift: 0.2, withheld: [1])
        for t in result.techniques.indices {
            #expect(result.techniques[t].statistics.groups[1] == nil)
            result.techniques[t].statistics.groups[0]!.bootstrap = nil
        }
        result.rowCounts = RowCounts(total: 108, train: 96, test: 12)
        result.suppressed = [Suppression(group: "sex=M", scope: "group", reason: "a group × label cell is below min_cell (5)"),
                             Suppression(group: "sex=F", scope: "bootstrap", reason: "policy: no replicates")]
        try PayloadValidator.validate(result, against: Fixtures.siteTask, authenticatedSite: Fixtures.site)
    }

    @Test func mergedCalibrationBinsAreValid() throws {
        // Bins merged for disclosure control (min_cell 5), observed and bootstrap alike.
        var result = Fixtures.taskResult
        var merged = 0
        for t in result.techniques.indices {
            var statistics = result.techniques[t].statistics
            for j in statistics.groups.indices {
                let (group, changed) = CalibrationCoarsening.enforceMinimum(statistics.groups[j]!, minCount: 5)
                statistics.groups[j] = group
                if changed { merged += 1 }
            }
            statistics.population = CalibrationCoarsening.enforceMinimum(statistics.population, minCount: 5).0
            result.techniques[t].statistics = statistics
        }
        #expect(merged > 0)
        result.suppressed = [Suppression(group: nil, scope: "ece_bins", reason: "bins below min_cell (5) were merged")]
        let decoded = try PayloadCodec.decode(TaskResult.self, from: PayloadCodec.encode(result))
        #expect(decoded == result)
        try PayloadValidator.validate(decoded, against: Fixtures.siteTask, authenticatedSite: Fixtures.site)
    }

    @Test func withoutBootstrapInTheSpecNoReplicatesAreSent() throws {
        var task = Fixtures.siteTask
        task.spec.tests.bootstrapReplicates = 0
        task.specSHA256 = SiteTask.specDigest(task.spec)
        var result = Fixtures.taskResult
        result.specSHA256 = task.specSHA256
        let error = try #require(throws: WireError.self) {
            try PayloadValidator.validate(result, against: task, authenticatedSite: Fixtures.site)
        }
        #expect(error.code == .invalidShape)
        #expect(error.field == "techniques[0].statistics.groups[0].bootstrap")
        result.techniques = [TechniqueStatistics(technique: "onehot", statistics: Fixtures.statistics(shift: 0.1, replicates: 0))]
        try PayloadValidator.validate(result, against: task, authenticatedSite: Fixtures.site)
    }

    @Test func eceBinsFollowTheSpec() throws {
        var task = Fixtures.siteTask
        task.spec.tests.eceBins = 10
        task.specSHA256 = SiteTask.specDigest(task.spec)
        var result = Fixtures.taskResult
        result.specSHA256 = task.specSHA256
        let error = try #require(throws: WireError.self) {
            try PayloadValidator.validate(result, against: task, authenticatedSite: Fixtures.site)
        }
        #expect(error.code == .invalidShape)
        #expect(error.field == "techniques[0].statistics.groups[0].calibration[0].counts")
    }

    @Test func validResultSurvivesTheWire() throws {
        let body = try PayloadCodec.encode(Fixtures.taskResult)
        let decoded = try PayloadCodec.decode(TaskResult.self, from: body)
        try PayloadValidator.validate(decoded, against: Fixtures.siteTask, authenticatedSite: Fixtures.site)
        #expect(decoded == Fixtures.taskResult)
    }

    @Test func refusalRules() throws {
        let valid = TaskRefusal(task: Fixtures.task, site: Fixtures.site, code: RefusalCode.modelNotAllowed,
                                reason: "model class random_forest is not allowed")
        try PayloadValidator.validate(valid, against: Fixtures.siteTask, authenticatedSite: Fixtures.site)
        var cases: [(TaskRefusal, WireErrorCode, String)] = []
        var other = valid; other.site = Fixtures.otherSite; cases.append((other, .siteMismatch, "site"))
        other = valid; other.task = Fixtures.otherTask; cases.append((other, .conflict, "task"))
        other = valid; other.code = "Not Allowed"; cases.append((other, .invalidShape, "code"))
        other = valid; other.code = ""; cases.append((other, .invalidShape, "code"))
        other = valid; other.reason = String(repeating: "x", count: 5000); cases.append((other, .invalidShape, "reason"))
        for (refusal, code, field) in cases {
            let error = try #require(throws: WireError.self) {
                try PayloadValidator.validate(refusal, against: Fixtures.siteTask, authenticatedSite: Fixtures.site)
            }
            #expect(error.code == code)
            #expect(error.field == field)
        }
    }
}
