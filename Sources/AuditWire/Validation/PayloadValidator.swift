import AuditCore
import AuditSpec
import AuditStats

/// Checks what a site sends against the task it answers, before the coordinator stores or combines
/// it (`Protocol/protocol.md` §7). Returns on success; throws the first problem as a ``WireError``
/// with its code and the wire path of the field, e.g. `techniques[1].statistics.groups[2].wrong[0]`.
///
/// Order of checks: identity (`site_mismatch`), task binding — task, audit, round, spec digest and
/// root seed (`conflict`), every number finite
/// (`non_finite_number`), techniques, then per technique the shapes (`invalid_shape`) and counts
/// (`inconsistent_counts`) of every group and of the population, then consistency across
/// techniques and the row counts.
public enum PayloadValidator {
    /// The most rows a group may report (keeps every bound of the checks inside 64-bit arithmetic).
    public static let maxRows = 1_000_000_000

    /// Validates a result of `task` posted by `authenticatedSite`.
    public static func validate(_ result: TaskResult, against task: SiteTask,
                                authenticatedSite: SiteID) throws(WireError) {
        try checkIdentity(result.site, authenticated: authenticatedSite, field: "site")
        try checkBinding(task: result.task, audit: result.audit, round: result.round, of: task)
        guard result.specSHA256 == task.specSHA256 else {
            throw WireError(code: .conflict, message: "the result was computed for a different spec than the task's",
                            field: "spec_sha256")
        }
        guard result.rootSeed == task.rootSeed else {
            throw WireError(code: .conflict, message: "the result was computed with root seed \(result.rootSeed), "
                            + "the task's is \(task.rootSeed): a result of another audit cannot answer this task",
                            field: "root_seed")
        }
        if task.spec.outcome.type == .continuous {
            try validateRegression(result, spec: task.spec)
            return
        }
        guard result.regressionTechniques == nil else {
            throw WireError(code: .invalidShape, message: "a binary-outcome task takes techniques, not regression_techniques",
                            field: "regression_techniques")
        }
        try checkFinite(result)
        try checkTechniques(result, spec: task.spec)
        let expectation = GroupExpectation(spec: task.spec, suppressed: result.suppressed)
        for (i, entry) in result.techniques.enumerated() {
            try checkSiteStatistics(entry.statistics, site: result.site, expectation: expectation,
                                    at: "techniques[\(i)].statistics")
        }
        try checkAcrossTechniques(result.techniques)
        try checkSuppressions(result, keys: result.techniques[0].statistics.keys)
        try checkRowCounts(result.rowCounts, test: result.techniques[0].statistics.population.count)
    }

    /// Validates a refusal of `task` posted by `authenticatedSite`.
    public static func validate(_ refusal: TaskRefusal, against task: SiteTask,
                                authenticatedSite: SiteID) throws(WireError) {
        try checkIdentity(refusal.site, authenticated: authenticatedSite, field: "site")
        guard refusal.task == task.id else {
            throw WireError(code: .conflict, message: "the refusal names a different task", field: "task")
        }
        let code = refusal.code.utf8
        guard (1...64).contains(code.count), code.allSatisfy({ (97...122).contains($0) || $0 == 95 }) else {
            throw WireError(code: .invalidShape, message: "expected a refusal code of 1 … 64 characters a-z and _",
                            field: "code")
        }
        guard refusal.reason.utf8.count <= 4096 else {
            throw WireError(code: .invalidShape, message: "reason longer than 4096 bytes", field: "reason")
        }
    }

    /// Validates a hello posted by `authenticatedSite`: a supported version and the site's own id.
    public static func validate(_ hello: AgentHello, authenticatedSite: SiteID) throws(WireError) {
        try hello.protocolVersion.checkSupported(field: "protocol_version")
        try checkIdentity(hello.site, authenticated: authenticatedSite, field: "site")
        guard hello.policy.minCell >= 0, hello.policy.maxGroups >= 0 else {
            throw WireError(code: .invalidShape, message: "min_cell and max_groups must be non-negative",
                            field: hello.policy.minCell < 0 ? "policy.min_cell" : "policy.max_groups")
        }
    }

    // MARK: Identity and binding

    static func checkIdentity(_ site: SiteID, authenticated: SiteID, field: String) throws(WireError) {
        guard site == authenticated else {
            throw WireError(code: .siteMismatch, message: "the message names a site other than the authenticated one",
                            field: field)
        }
    }

    static func checkBinding(task id: TaskID, audit: AuditID, round: Int, of task: SiteTask) throws(WireError) {
        guard id == task.id else {
            throw WireError(code: .conflict, message: "the result names a different task", field: "task")
        }
        guard audit == task.audit else {
            throw WireError(code: .conflict, message: "the result names a different audit than the task's", field: "audit")
        }
        guard round == task.round else {
            throw WireError(code: .conflict, message: "the result is for round \(round), the task is round \(task.round)",
                            field: "round")
        }
    }

    // MARK: Finite numbers

    static func checkFinite(_ result: TaskResult) throws(WireError) {
        for (i, entry) in result.techniques.enumerated() {
            let base = "techniques[\(i)].statistics"
            for (j, group) in entry.statistics.groups.enumerated() {
                if let group { try checkFinite(group, at: "\(base).groups[\(j)]") }
            }
            try checkFinite(entry.statistics.population, at: "\(base).population")
        }
    }

    static func checkFinite(_ group: GroupStatistics, at path: String) throws(WireError) {
        try firstNonFinite(group.logLossSum, at: "\(path).log_loss_sum")
        try firstNonFinite(group.brierSum, at: "\(path).brier_sum")
        for (s, stratum) in group.calibration.enumerated() {
            for (r, bins) in stratum.bins.enumerated() {
                try firstNonFinite(bins.residualSums, at: "\(path).calibration[\(s)].bins[\(r)].residual_sums")
                try firstNonFinite(bins.residualSquares, at: "\(path).calibration[\(s)].bins[\(r)].residual_squares")
            }
            for (r, cross) in stratum.cross.enumerated() {
                try firstNonFinite(cross.sums, at: "\(path).calibration[\(s)].cross[\(r)].sums")
            }
        }
    }

    private static func firstNonFinite(_ values: [Double], at path: String) throws(WireError) {
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw WireError(code: .nonFiniteNumber, message: "expected a finite number", field: "\(path)[\(index)]")
        }
    }

    // MARK: Techniques

    static func checkTechniques(_ result: TaskResult, spec: AuditSpec) throws(WireError) {
        guard !result.techniques.isEmpty else {
            throw WireError(code: .invalidShape,
                            message: "expected at least one technique; a site that computes none refuses",
                            field: "techniques")
        }
        let allowed = spec.techniques.map(\.rawValue)
        var seen: Set<String> = []
        for (i, entry) in result.techniques.enumerated() {
            guard allowed.contains(entry.technique) else {
                throw WireError(code: .invalidShape, message: "technique not in the spec's techniques ("
                                + allowed.joined(separator: ", ") + ")", field: "techniques[\(i)].technique")
            }
            guard seen.insert(entry.technique).inserted else {
                throw WireError(code: .invalidShape, message: "technique reported twice",
                                field: "techniques[\(i)].technique")
            }
        }
    }

    static func checkSiteStatistics(_ statistics: SiteStatistics, site: SiteID, expectation: GroupExpectation,
                                    at path: String) throws(WireError) {
        guard statistics.site == site.rawValue else {
            throw WireError(code: .siteMismatch, message: "the statistics name a site other than the result's",
                            field: "\(path).site")
        }
        var seen: Set<String> = []
        for (j, key) in statistics.keys.enumerated() {
            guard !key.isEmpty else {
                throw WireError(code: .invalidShape, message: "empty group key", field: "\(path).keys[\(j)]")
            }
            guard seen.insert(key).inserted else {
                throw WireError(code: .invalidShape, message: "group key listed twice", field: "\(path).keys[\(j)]")
            }
        }
        guard statistics.groups.count == statistics.keys.count else {
            throw WireError(code: .invalidShape, message: "expected \(statistics.keys.count) entries (one per key), "
                            + "found \(statistics.groups.count)", field: "\(path).groups")
        }
        let models = statistics.keys.count + 1
        var groupCount = 0, groupPositives = 0
        for (j, group) in statistics.groups.enumerated() {
            guard let group else { continue }
            try expectation.check(group, key: statistics.keys[j], target: 1 + j, models: models,
                                  at: "\(path).groups[\(j)]")
            groupCount += group.count
            groupPositives += group.positives
        }
        let population = statistics.population
        try expectation.check(population, key: GroupKey.population, target: 1, models: 2, isPopulation: true,
                              at: "\(path).population")
        // Suppressed groups are withheld from the population too (their rows would otherwise be
        // recoverable by subtraction), so the groups always add up to the population exactly.
        guard groupCount == population.count else {
            throw WireError(code: .inconsistentCounts, message: "the groups hold \(groupCount) rows, the population "
                            + "\(population.count)", field: "\(path).population.count")
        }
        guard groupPositives == population.positives else {
            throw WireError(code: .inconsistentCounts, message: "the groups hold \(groupPositives) positives, the "
                            + "population \(population.positives)", field: "\(path).population.positives")
        }
    }

    // MARK: Across techniques

    /// Every technique describes the same test rows: same keys, same groups present, same counts.
    static func checkAcrossTechniques(_ techniques: [TechniqueStatistics]) throws(WireError) {
        let first = techniques[0].statistics
        for (i, entry) in techniques.enumerated().dropFirst() {
            let statistics = entry.statistics, path = "techniques[\(i)].statistics"
            guard statistics.keys == first.keys else {
                throw WireError(code: .invalidShape, message: "group keys differ from those of techniques[0]",
                                field: "\(path).keys")
            }
            for (j, group) in statistics.groups.enumerated() {
                let reference = first.groups[j]
                guard (group == nil) == (reference == nil) else {
                    throw WireError(code: .inconsistentCounts, message: "group present in one technique and absent "
                                    + "in techniques[0]", field: "\(path).groups[\(j)]")
                }
                if let group, let reference {
                    guard group.count == reference.count else {
                        throw WireError(code: .inconsistentCounts, message: "\(group.count) rows here, "
                                        + "\(reference.count) in techniques[0]", field: "\(path).groups[\(j)].count")
                    }
                    guard group.positives == reference.positives else {
                        throw WireError(code: .inconsistentCounts, message: "\(group.positives) positives here, "
                                        + "\(reference.positives) in techniques[0]",
                                        field: "\(path).groups[\(j)].positives")
                    }
                }
            }
            guard statistics.population.count == first.population.count,
                  statistics.population.positives == first.population.positives else {
                throw WireError(code: .inconsistentCounts, message: "population differs from that of techniques[0]",
                                field: "\(path).population.count")
            }
        }
    }

    // MARK: Suppressions and row counts

    /// The most suppression entries a result may carry per group key (and the population): one per
    /// scope the disclosure model knows with room to spare.
    static let suppressionsPerGroup = 8

    /// The site's report of what it withheld is stored and rendered by every report, so it is
    /// codes, not text: a scope from ``SuppressionScope``, a rule from ``SuppressionRule``, a
    /// `min_cell` of 1 … ``SuppressionRule/maximumMinCell``, a group that is one of the result's
    /// keys, and at most 8 entries per group key and the population.
    static func checkSuppressions(_ result: TaskResult, keys: [String]) throws(WireError) {
        let known = Set(keys)
        guard result.suppressed.count <= suppressionsPerGroup * (keys.count + 1) else {
            throw WireError(code: .invalidShape, message: "more than \(suppressionsPerGroup) suppression entries per group",
                            field: "suppressed")
        }
        for (i, entry) in result.suppressed.enumerated() {
            guard SuppressionScope(rawValue: entry.scope) != nil else {
                throw WireError(code: .invalidShape, message: "expected a scope from the suppression vocabulary ("
                                + SuppressionScope.allCases.map(\.rawValue).joined(separator: ", ") + ")",
                                field: "suppressed[\(i)].scope")
            }
            guard SuppressionRule(rawValue: entry.rule) != nil else {
                throw WireError(code: .invalidShape, message: "expected a rule from the suppression vocabulary ("
                                + SuppressionRule.allCases.map(\.rawValue).joined(separator: ", ") + ")",
                                field: "suppressed[\(i)].rule")
            }
            guard (1...SuppressionRule.maximumMinCell).contains(entry.minCell) else {
                throw WireError(code: .invalidShape, message: "expected min_cell in 1 … \(SuppressionRule.maximumMinCell)",
                                field: "suppressed[\(i)].min_cell")
            }
            if let group = entry.group, !known.contains(group) {
                throw WireError(code: .invalidShape, message: "suppressed group is not one of the group keys",
                                field: "suppressed[\(i)].group")
            }
        }
    }

    static func checkRowCounts(_ counts: RowCounts, test: Int) throws(WireError) {
        guard counts.total >= 0, counts.train >= 0, counts.test >= 0 else {
            throw WireError(code: .inconsistentCounts, message: "row counts must be non-negative", field: "row_counts")
        }
        guard counts.train.addingReportingOverflow(counts.test) == (counts.total, false) else {
            throw WireError(code: .inconsistentCounts, message: "total \(counts.total) ≠ train \(counts.train) + test "
                            + "\(counts.test)", field: "row_counts.total")
        }
        guard counts.test == test else {
            throw WireError(code: .inconsistentCounts, message: "test \(counts.test) ≠ the population's \(test) rows",
                            field: "row_counts.test")
        }
    }
}
