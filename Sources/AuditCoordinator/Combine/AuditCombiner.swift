import AuditCore
import AuditReport
import AuditSpec
import AuditStats
import AuditWire
import Foundation

/// Combines the sites' results of an audit into the federated report (ARCHITECTURE.md §2,
/// methods spec §3–§4): per technique, the site statistics are pooled exactly as a local audit
/// pools sites (`FairUseAudit.combine`, sites in id order) — so the federated result equals the
/// pooled analysis with sites as strata — and each gain's per-site estimates are meta-analysed.
/// Every site that did not submit, and everything a site withheld, is named in the report, and so
/// is a site whose estimates lie far from the other sites' (``suspiciousSiteNotes(_:)``).
enum AuditCombiner {
    /// One warning per site that ``SiteOutliers`` flags on any comparison of any technique, naming
    /// its most extreme comparison. The site stays pooled: an outlier may be a real difference
    /// between hospitals, and excluding it would be a silent change of the audited population.
    static func suspiciousSiteNotes(_ sections: [(technique: String, heterogeneity: [HeterogeneityEntry])]) -> [String] {
        var seen: Set<String> = []
        var notes: [String] = []
        let flagged = sections.flatMap { section in
            SiteOutliers.flag(section.heterogeneity).map { (technique: section.technique, outlier: $0) }
        }.sorted { abs($0.outlier.z) > abs($1.outlier.z) }
        for (technique, outlier) in flagged where seen.insert(outlier.site).inserted {
            let comparator = outlier.reportedAs.map { "the model of \($0)" } ?? "h0"
            notes.append("suspicious site (pooled, not excluded): \(outlier.site) — its \(outlier.metric.rawValue) gain of "
                         + "\(outlier.group) over \(comparator) (\(technique)) lies "
                         + String(format: "%.1f", abs(outlier.z)) + " standard deviations from what the other sites predict "
                         + "(leave-one-out, threshold \(Int(SiteOutliers.threshold))); check the site's data and agent")
        }
        return notes
    }

    /// Every submission's `TaskResult`, decoded in parallel (one payload per job) and returned in
    /// submission order; the first payload that fails, in that order, throws — as a sequential
    /// decode would.
    static func decode(_ submissions: [SubmissionRecord], limits: PayloadLimits) throws(WireError) -> [TaskResult] {
        let decoded = ParallelMap.run(count: submissions.count) { i in
            Result { () throws(WireError) -> TaskResult in
                try PayloadCodec.decodeJSON(TaskResult.self, from: submissions[i].payload, limits: limits)
            }
        }
        return try decoded.map { result throws(WireError) in try result.get() }
    }

    static func combine(audit: AuditRecord, outcome: AuditState, tasks: [SiteTaskRecord], submissions: [SubmissionRecord],
                        limits: PayloadLimits) throws -> ReportDocument {
        var phases = CombinePhases()
        return try combine(audit: audit, outcome: outcome, tasks: tasks, submissions: submissions, limits: limits, phases: &phases)
    }

    /// The combine, adding the time of each phase to `phases`.
    static func combine(audit: AuditRecord, outcome: AuditState, tasks: [SiteTaskRecord], submissions: [SubmissionRecord],
                        limits: PayloadLimits, phases: inout CombinePhases) throws -> ReportDocument {
        let spec = try audit.spec()
        var results = try phases.time(CombinePhases.decode) { try decode(submissions, limits: limits) }
        results.sort { $0.site < $1.site }
        let settings = EvaluationSettings(
            alpha: spec.tests.alpha,
            correction: spec.tests.correction,
            metrics: spec.metrics,
            calibrationDraws: spec.tests.bootstrapReplicates, seed: audit.rootSeed)
        var sections: [ReportDocument.TechniqueSection] = []
        if spec.outcome.type == .continuous {
            sections = phases.time(CombinePhases.poolEvaluate) { regressionSections(spec: spec, results: results, settings: settings) }
        }
        for technique in spec.techniques where spec.outcome.type == .binary {
            let sites = results.compactMap { r in r.techniques.first { $0.technique == technique.rawValue }?.statistics }
            guard !sites.isEmpty else { continue }
            let evaluation = phases.time(CombinePhases.poolEvaluate) { FairUseAudit.combine(sites, settings: settings) }
            var notes: [String] = []
            let merged = { (g: GroupStatistics?) in g?.calibration.contains { $0.edges != nil } ?? false }
            if sites.contains(where: { s in s.groups.contains(where: merged) || merged(s.population) }) {
                notes.append("some sites merged calibration bins below their min_cell; ECE is pooled on the finest common coarsening of the sites' bins")
            }
            if let note = spec.constructionNote(for: technique) { notes.append(note) }
            let heterogeneity = phases.time(CombinePhases.heterogeneity) { Heterogeneity.entries(sites: sites, settings: settings) }
            sections.append(ReportDocument.TechniqueSection(
                name: technique.rawValue, indicatorColumns: nil, model: nil, decoupledModels: nil, fallbacks: nil,
                evaluation: evaluation, notes: notes, heterogeneity: heterogeneity))
        }
        let participation = tasks.sorted { $0.siteID < $1.siteID }.map { task -> ReportDocument.SiteParticipation in
            let result = results.first { $0.site == task.siteID }
            return ReportDocument.SiteParticipation(
                site: task.siteID, state: task.state, detail: task.detail,
                rows: result.map { ["total": $0.rowCounts.total, "train": $0.rowCounts.train, "test": $0.rowCounts.test] },
                withheld: result?.suppressed.map { s in
                    var entry = ["scope": s.scope, "reason": s.reason]
                    if let group = s.group { entry["group"] = group }
                    return entry
                } ?? [])
        }
        var notes: [String] = []
        let missing = participation.filter { $0.state != .submitted }
        if !missing.isEmpty {
            notes.append("not in the pooled result: " + missing.map { "\($0.site) (\($0.state)\($0.detail.map { ": \($0)" } ?? ""))" }.joined(separator: "; "))
        }
        notes += phases.time(CombinePhases.outliers) {
            suspiciousSiteNotes(sections.map { (technique: $0.name, heterogeneity: $0.heterogeneity ?? []) })
        }
        let acrossAudits = { (entry: [String: String]) in entry["reason"]?.contains("earlier releases") == true }
        let withheld = participation.flatMap { p in
            p.withheld.filter { $0["scope"] == "group" && $0["group"] != nil && !acrossAudits($0) }.map { "\(p.site): \($0["group"] ?? "?")" }
        }
        if !withheld.isEmpty {
            notes.append("groups withheld by sites under min_cell (suppression is itself a fairness signal): " + withheld.joined(separator: ", "))
        }
        // Withheld because an earlier audit at the site would otherwise give a small cell back by subtraction.
        let differencing = participation.flatMap { p in
            p.withheld.filter { $0["scope"] == "group" && acrossAudits($0) }.map { "\(p.site): \($0["group"] ?? "?")" }
        }
        if !differencing.isEmpty {
            notes.append("groups withheld by sites because, with their earlier releases, they would reveal a cell under min_cell: "
                         + differencing.joined(separator: ", "))
        }
        let federation = ReportDocument.FederationSection(audit: audit.id, state: outcome,
                                                          specSHA256: audit.specSHA256, rootSeed: audit.rootSeed,
                                                          sites: participation)
        var document = ReportDocument(federated: spec, federation: federation,
                                      rows: results.reduce(0) { $0 + $1.rowCounts.total }, results: sections,
                                      notes: notes, version: CoordinatorService.version)
        document.specDigest = audit.specSHA256
        return document
    }
}
