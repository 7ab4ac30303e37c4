import AuditCore
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
        // An old result re-targeted to a new task of the same spec: task and audit edited, the root
        // seed it was computed with still the old audit's (issue 11, item 2).
        ("another root seed", .conflict, "root_seed", { $0.rootSeed &+= 1 }),
        // Finite numbers.
        ("NaN log loss", .nonFiniteNumber, "techniques[1].statistics.groups[0].log_loss_sum[1]",
         { g0(&$0, 1) { $0.logLossSum[1] = .nan } }),
        ("infinite cross moment", .nonFiniteNumber,
         "techniques[0].statistics.groups[1].calibration[0].cross[0].sums[0]",
         { $0.techniques[0].statistics.groups[1]!.calibration[0].cross[0].sums[0] = -.infinity }),
        ("infinite population bin", .nonFiniteNumber,
         "techniques[0].statistics.population.calibration[0].bins[1].residual_sums[2]",
         { $0.techniques[0].statistics.population.calibration[0].bins[1].residualSums[2] = .infinity }),
        ("NaN bin square", .nonFiniteNumber, "techniques[0].statistics.groups[0].calibration[0].bins[0].residual_squares[1]",
         { g0(&$0) { $0.calibration[0].bins[0].residualSquares[1] = .nan } }),
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
        ("calibration bins", .invalidShape, "techniques[0].statistics.groups[0].calibration[0].bins[2].residual_sums",
         { g0(&$0) { $0.calibration[0].bins[2].residualSums.append(0) } }),
        ("calibration strata", .invalidShape, "techniques[0].statistics.groups[0].calibration",
         { g0(&$0) { $0.calibration.append($0.calibration[0]) } }),
        ("calibration models", .invalidShape, "techniques[0].statistics.groups[0].calibration[0].bins",
         { g0(&$0) { $0.calibration[0].bins.removeLast() } }),
        ("cross moments of the target", .invalidShape, "techniques[0].statistics.groups[0].calibration[0].cross[1]",
         { g0(&$0) { $0.calibration[0].cross[1] = CalibrationCrossMoments(cells: [0], sums: [0]) } }),
        ("cross cells not increasing", .invalidShape, "techniques[0].statistics.groups[0].calibration[0].cross[0].cells[1]",
         { g0(&$0) { c in c.calibration[0].cross[0].cells = [3, 3]; c.calibration[0].cross[0].sums = [0, 0] } }),
        ("cross cell beyond the bins", .invalidShape, "techniques[0].statistics.groups[0].calibration[0].cross[0].cells[0]",
         { g0(&$0) { c in c.calibration[0].cross[0].cells = [16]; c.calibration[0].cross[0].sums = [0] } }),
        ("cross sums without cells", .invalidShape, "techniques[0].statistics.groups[0].calibration[0].cross[0].sums",
         { g0(&$0) { $0.calibration[0].cross[0].sums.append(0) } }),
        ("AUC strata", .invalidShape, "techniques[0].statistics.groups[0].auc", { g0(&$0) { $0.auc.append($0.auc[0]) } }),
        ("placement models", .invalidShape, "techniques[0].statistics.groups[0].auc[0].placement_sums",
         { g0(&$0) { $0.auc[0].placementSums.removeLast() } }),
        ("merged bins not increasing", .invalidShape, "techniques[0].statistics.groups[0].calibration[0].edges[0][1]",
         { g0(&$0) { $0.calibration[0].edges = Array(repeating: [1, 1, 3], count: 3) } }),
        ("merged bins beyond the base bins", .invalidShape, "techniques[0].statistics.groups[0].calibration[0].edges[0][1]",
         { g0(&$0) { $0.calibration[0].edges = Array(repeating: [1, 4], count: 3) } }),
        ("merged bins end early", .invalidShape, "techniques[0].statistics.groups[0].calibration[0].edges[0]",
         { g0(&$0) { $0.calibration[0].edges = Array(repeating: [0, 2], count: 3) } }),
        ("edges of too few models", .invalidShape, "techniques[0].statistics.groups[0].calibration[0].edges",
         { g0(&$0) { $0.calibration[0].edges = [[0, 1, 2, 3]] } }),
        ("merged edges without merged bins", .invalidShape, "techniques[0].statistics.groups[0].calibration[0].bins[0].counts",
         { g0(&$0) { $0.calibration[0].edges = Array(repeating: [1, 3], count: 3) } }),
        ("population models", .invalidShape, "techniques[0].statistics.population.brier_sum",
         { $0.techniques[0].statistics.population.brierSum.append(0) }),
        // Counts.
        ("positives above count", .inconsistentCounts, "techniques[0].statistics.groups[0].positives",
         { g0(&$0) { $0.positives = $0.count + 1 } }),
        ("wrong above count", .inconsistentCounts, "techniques[0].statistics.groups[0].wrong[2]",
         { g0(&$0) { $0.wrong[2] = $0.count + 1 } }),
        ("negative brier", .inconsistentCounts, "techniques[0].statistics.groups[0].brier_sum[0]",
         { g0(&$0) { $0.brierSum[0] = -0.5 } }),
        // A finite but impossible log-loss sum (issue 11: 1.7e308 used to pass and poison the pooled result).
        ("log-loss beyond its bound", .inconsistentCounts, "techniques[0].statistics.groups[0].log_loss_sum[1]",
         { g0(&$0) { $0.logLossSum[1] = 1.7e308 } }),
        ("log-loss just beyond count × −log 1e-15", .inconsistentCounts, "techniques[0].statistics.groups[0].log_loss_sum[0]",
         { g0(&$0) { $0.logLossSum[0] = Double($0.count) * 34.54 + 1 } }),
        ("discordant above count", .inconsistentCounts, "techniques[0].statistics.groups[0].discordance[0]",
         { g0(&$0) { $0.discordance[0] = Discordance(n10: $0.count, n01: 1) } }),
        ("discordance against wrong counts", .inconsistentCounts, "techniques[0].statistics.groups[0].discordance[2]",
         { g0(&$0) { $0.discordance[2].n10 += 1; $0.discordance[2].n01 += 2 } }),
        ("target against itself", .inconsistentCounts, "techniques[0].statistics.groups[0].discordance[1]",
         { g0(&$0) { $0.discordance[1] = Discordance(n10: 1, n01: 1) } }),
        ("bin counts do not add up", .inconsistentCounts, "techniques[0].statistics.groups[0].calibration[0].bins[0].counts",
         { g0(&$0) { $0.calibration[0].bins[0].counts[0] += 1 } }),
        ("stratum rows", .inconsistentCounts, "techniques[0].statistics.groups[0].calibration[0].count",
         { g0(&$0) { $0.calibration[0].count += 1 } }),
        ("residual outside its bin", .inconsistentCounts,
         "techniques[0].statistics.groups[0].calibration[0].bins[0].residual_sums[0]",
         { g0(&$0) { $0.calibration[0].bins[0].residualSums[0] = Double($0.calibration[0].bins[0].counts[0]) + 1 } }),
        ("squares below (Σr)²/n", .inconsistentCounts,
         "techniques[0].statistics.groups[0].calibration[0].bins[0].residual_squares[0]",
         { g0(&$0) { c in
             c.calibration[0].bins[0].residualSums[0] = -0.5 * Double(c.calibration[0].bins[0].counts[0])
             c.calibration[0].bins[0].residualSquares[0] = 0
         } }),
        ("cross sum beyond Cauchy–Schwarz", .inconsistentCounts,
         "techniques[0].statistics.groups[0].calibration[0].cross[0].sums[0]",
         { g0(&$0) { $0.calibration[0].cross[0].sums[0] = 1e6 } }),
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
        ("group missing without suppression", .inconsistentCounts, "techniques[0].statistics.population.count",
         { $0.techniques[0].statistics.groups[1] = nil }),
        // Across techniques.
        ("keys differ between techniques", .invalidShape, "techniques[1].statistics.keys", {
            $0.techniques[1].statistics.keys[1] = "sex=Z"
            $0.techniques[1].statistics.groups[1]!.key = "sex=Z"
        }),
        ("group absent in one technique", .inconsistentCounts, "techniques[1].statistics.groups[1]", {
            $0.techniques[1].statistics = Fixtures.statistics(shift: 0.2, withheld: [1])
            $0.suppressed = [Suppression(group: "sex=M", scope: .group, rule: .belowMinCell, minCell: 5)]
        }),
        ("different test rows", .inconsistentCounts, "techniques[1].statistics.groups[0].count",
         { $0.techniques[1].statistics = Fixtures.statistics(shift: 0.2, rows: 26) }),
        // Suppressions and row counts.
        ("suppressed unknown group", .invalidShape, "suppressed[0].group",
         { $0.suppressed = [Suppression(group: "sex=Q", scope: .group, rule: .belowMinCell, minCell: 5)] }),
        ("suppressed empty scope", .invalidShape, "suppressed[0].scope",
         { $0.suppressed = [Suppression(group: nil, scope: "", rule: "below_min_cell", minCell: 5)] }),
        // What the coordinator stores and renders comes from a closed vocabulary (issue 11: 1 MB of
        // free text used to be stored): a rule outside it, 1 MB, or a forged log line is refused.
        ("suppression rule of 1 MB", .invalidShape, "suppressed[0].rule",
         { $0.suppressed = [Suppression(group: nil, scope: "group", rule: String(repeating: "x", count: 1 << 20), minCell: 5)] }),
        ("suppression rule with a line break", .invalidShape, "suppressed[0].rule",
         { $0.suppressed = [Suppression(group: nil, scope: "group", rule: "below_min_cell\nFAKE LOG LINE", minCell: 5)] }),
        ("suppression rule outside the vocabulary", .invalidShape, "suppressed[0].rule",
         { $0.suppressed = [Suppression(group: nil, scope: "group", rule: "too_small", minCell: 5)] }),
        ("suppression scope outside the vocabulary", .invalidShape, "suppressed[0].scope",
         { $0.suppressed = [Suppression(group: nil, scope: "<script>", rule: "below_min_cell", minCell: 5)] }),
        ("suppression scope of the right syntax but unknown", .invalidShape, "suppressed[0].scope",
         { $0.suppressed = [Suppression(group: nil, scope: "bootstrap", rule: "below_min_cell", minCell: 5)] }),
        ("suppression min_cell of 0", .invalidShape, "suppressed[0].min_cell",
         { $0.suppressed = [Suppression(group: nil, scope: .group, rule: .belowMinCell, minCell: 0)] }),
        ("suppression min_cell beyond its bound", .invalidShape, "suppressed[0].min_cell",
         { $0.suppressed = [Suppression(group: nil, scope: .group, rule: .belowMinCell, minCell: Int.max)] }),
        ("too many suppression entries", .invalidShape, "suppressed",
         { $0.suppressed = Array(repeating: Suppression(group: nil, scope: .group, rule: .belowMinCell, minCell: 5), count: 1000) }),
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

    /// The refusal names the field and the bound, computed here from the group's own count (the
    /// oracle is the formula: a Brier score is at most 1 per row, a log-loss at most −ln 1e-15).
    @Test func boundViolationsNameTheValueAndTheBound() throws {
        var result = Fixtures.taskResult
        let count = result.techniques[0].statistics.groups[0]!.count
        result.techniques[0].statistics.groups[0]!.brierSum[1] = 1.7e308
        let brier = try #require(throws: WireError.self) {
            try PayloadValidator.validate(result, against: Fixtures.siteTask, authenticatedSite: Fixtures.site)
        }
        #expect(brier.code == .inconsistentCounts && brier.code.httpStatus == 422)
        #expect(brier.description == "inconsistent_counts (techniques[0].statistics.groups[0].brier_sum[1]): "
                + "1.7e+308 exceeds the group's count \(count) (each row's Brier score is at most 1)")
        result = Fixtures.taskResult
        result.techniques[0].statistics.groups[0]!.logLossSum[1] = 1.7e308
        let loss = try #require(throws: WireError.self) {
            try PayloadValidator.validate(result, against: Fixtures.siteTask, authenticatedSite: Fixtures.site)
        }
        #expect(loss.field == "techniques[0].statistics.groups[0].log_loss_sum[1]")
        #expect(loss.message.hasPrefix("1.7e+308 exceeds the group's count \(count) × −ln(1e-15) = \(Double(count) * -log(1e-15))"))
    }

    /// A result of an earlier audit of the same spec, edited to name the new task and audit, is
    /// refused because it carries the old audit's root seed.
    @Test func anOldResultRetargetedToANewTaskIsRefused() throws {
        var old = Fixtures.taskResult
        old.rootSeed = 99
        let newTask = SiteTask(id: Fixtures.task, audit: Fixtures.audit, spec: Fixtures.spec, rootSeed: 7,
                               createdAt: Fixtures.created, deadline: Fixtures.deadline)
        #expect(old.specSHA256 == newTask.specSHA256)
        let error = try #require(throws: WireError.self) {
            try PayloadValidator.validate(old, against: newTask, authenticatedSite: Fixtures.site)
        }
        #expect(error.code == .conflict && error.field == "root_seed")
        #expect(error.message.contains("root seed 99, the task's is 7"))
    }

    @Test func reportedSuppressionsAllowMissingGroups() throws {
        var result = Fixtures.taskResult
        result.techniques[0].statistics = Fixtures.statistics(shift: 0.1, withheld: [1])
        result.techniques[1].statistics = Fixtures.statistics(shift: 0.2, withheld: [1])
        for t in result.techniques.indices {
            #expect(result.techniques[t].statistics.groups[1] == nil)
        }
        result.rowCounts = RowCounts(total: 108, train: 96, test: 12)
        result.suppressed = [Suppression(group: "sex=M", scope: .group, rule: .belowMinCell, minCell: 5)]
        try PayloadValidator.validate(result, against: Fixtures.siteTask, authenticatedSite: Fixtures.site)
    }

    @Test func mergedCalibrationBinsAreValid() throws {
        // Bins merged for disclosure control (min_cell 5), moments and cross cells alike.
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
        result.suppressed = [Suppression(group: nil, scope: .eceBins, rule: .revealedBySubtraction, minCell: 5)]
        let decoded = try PayloadCodec.decode(TaskResult.self, from: PayloadCodec.encode(result))
        #expect(decoded == result)
        try PayloadValidator.validate(decoded, against: Fixtures.siteTask, authenticatedSite: Fixtures.site)
    }

    /// Nothing in a result depends on B: the same statistics are valid whatever tests.bootstrap says.
    @Test func resultsDoNotDependOnTheBootstrapSize() throws {
        for replicates in [0, 2000, 100_000] {
            var task = Fixtures.siteTask
            task.spec.tests.bootstrapReplicates = replicates
            task.specSHA256 = SiteTask.specDigest(task.spec)
            var result = Fixtures.taskResult
            result.specSHA256 = task.specSHA256
            try PayloadValidator.validate(result, against: task, authenticatedSite: Fixtures.site)
        }
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
        #expect(error.field == "techniques[0].statistics.groups[0].calibration[0].bins[0].counts")
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
