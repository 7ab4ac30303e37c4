import AuditModels
import AuditSpec
import AuditStats
import AuditWire
import Foundation

/// What a task would send, shown to the site's approver before they approve it
/// (`fairuse agent approve`): which groups are released or withheld, which statistics per metric,
/// how many numbers in all, and what the disclosure model withheld or merged (ECE on k of K bins).
///
/// ``computed(_:runner:)`` runs the task through ``TaskRunner/run(_:progress:report:)`` — the code
/// path of the agent itself, models fitted and disclosure applied — and describes the result it
/// would send, sending nothing. That costs as much as the task; ``fromCounts(_:runner:)`` instead
/// reads only the spec and the data's group × label counts (no model is fitted) and says what
/// cannot be known that way.
public struct ReleasePreview: Sendable, Equatable {
    /// How the preview was obtained.
    public enum Basis: String, Sendable, Equatable {
        /// The task was run on the site's data (nothing sent).
        case computed
        /// Only the spec and the data's group counts were read.
        case counts
    }

    /// How the preview was obtained.
    public var basis: Basis
    /// Keys of the groups whose statistics would leave.
    public var released: [String]
    /// Keys of the groups withheld entirely (min_cell).
    public var withheld: [String]
    /// Numbers that would leave (every number in the result's JSON); for a count-based preview, an upper bound.
    public var numbers: Int?
    /// The refusal that would be sent instead of a result, if any.
    public var refusal: TaskRefusal?
    /// The printed summary, one line per entry.
    public var lines: [String]

    /// The summary as text.
    public var text: String { lines.joined(separator: "\n") + "\n" }

    /// Runs the task as the agent would and describes what it would send.
    public static func computed(_ task: SiteTask, runner: TaskRunner) async -> ReleasePreview {
        switch await runner.run(task) {
        case .refusal(let refusal):
            return refused(refusal, task: task, basis: .computed)
        case .result(let result):
            return ReleasePreview(result: result, spec: task.spec, minCell: runner.policy.minCell)
        }
    }

    /// A refusal: only the refusal would leave.
    static func refused(_ refusal: TaskRefusal, task: SiteTask, basis: Basis) -> ReleasePreview {
        ReleasePreview(basis: basis, released: [], withheld: [], numbers: 0, refusal: refusal, lines: [
            "Task \(task.id) (\(task.spec.name)) would be refused: \(refusal.code) — \(refusal.reason)",
            "Only this refusal would leave the site; no statistic would.",
        ])
    }

    /// Describes a result the agent computed (binary or continuous outcome).
    public init(result: TaskResult, spec: AuditSpec, minCell: Int) {
        let numbers = WireNumbers.count(result)
        var lines = [
            "What task \(result.task) (\(spec.name)) would send, computed now on this site's data by the agent's own "
                + "pipeline; nothing was sent.",
            "policy: min_cell \(minCell) · techniques \(spec.techniques.map(\.rawValue).joined(separator: ", ")) · metrics "
                + spec.metrics.map(\.rawValue).joined(separator: ", ")
                + (spec.outcome.type == .binary ? " · \(spec.tests.eceBins) ECE bins" : " · B = \(spec.tests.bootstrapReplicates)"),
            "rows in the released groups: \(result.rowCounts.total) (train \(result.rowCounts.train), test \(result.rowCounts.test))",
        ]
        let summary = result.regressionTechniques.flatMap(\.first).map { Self.groups(regression: $0.statistics, result: result) }
            ?? result.techniques.first.map { _ in Self.groups(binary: result, spec: spec) }
            ?? GroupSummary(released: [], withheld: [], lines: [])
        lines += summary.lines
        lines.append(result.regressionTechniques == nil ? "statistics sent, per released group and technique:"
                                                        : "statistics sent, per released group, metric and technique:")
        lines += result.regressionTechniques == nil ? Self.binaryStatistics(spec) : Self.regressionStatistics(spec)
        lines.append("numbers: \(numbers ?? 0) in all" + Self.numberParts(result))
        let findings = result.suppressed.map { "  \($0.group ?? "(population)") · \($0.scope): \($0.reason)" }
        lines.append(findings.isEmpty ? "withheld or merged: nothing" : "withheld or merged:")
        lines += findings
        self.init(basis: .computed, released: summary.released, withheld: summary.withheld, numbers: numbers,
                  refusal: nil, lines: lines)
    }

    init(basis: Basis, released: [String], withheld: [String], numbers: Int?, refusal: TaskRefusal?, lines: [String]) {
        self.basis = basis
        self.released = released
        self.withheld = withheld
        self.numbers = numbers
        self.refusal = refusal
        self.lines = lines
    }

    struct GroupSummary {
        var released: [String], withheld: [String], lines: [String]
    }

    /// One line per group (and the population): released or withheld, and what of it is withheld or merged.
    static func groups(binary result: TaskResult, spec: AuditSpec) -> GroupSummary {
        let first = result.techniques[0].statistics
        let findings = Dictionary(result.suppressed.map { ("\($0.group ?? "")|\($0.scope)", $0) }, uniquingKeysWith: { a, _ in a })
        var summary = GroupSummary(released: [], withheld: [], lines: [])
        func details(_ statistics: (SiteStatistics) -> GroupStatistics?, key: String?) -> String {
            var parts: [String] = []
            let withheldIn = result.techniques.compactMap { technique -> String? in
                guard let rows = statistics(technique.statistics)?.errorRows else { return nil }
                let withheld = rows.filter { $0 == 0 }.count
                return withheld == 0 ? nil : "\(technique.technique) (\(withheld) of \(rows.count) models)"
            }
            parts.append(withheldIn.isEmpty ? "error statistics sent"
                         : "error statistics withheld in " + withheldIn.joined(separator: ", "))
            if let text = Self.effectiveBins(result.techniques.compactMap { statistics($0.statistics) }, of: spec.tests.eceBins) {
                parts.append(text)
            }
            if findings["\(key ?? "")|ece_cross"] != nil { parts.append("some joint calibration cells not sent") }
            return parts.joined(separator: "; ")
        }
        for (j, key) in first.keys.enumerated() {
            if findings["\(key)|group"] != nil {
                summary.withheld.append(key)
                summary.lines.append("  withheld  \(key)")
            } else if first.groups[j] == nil {
                summary.lines.append("  no rows   \(key)")
            } else {
                summary.released.append(key)
                summary.lines.append("  released  \(key): " + details({ $0.groups[j] }, key: key))
            }
        }
        if first.population.count > 0 {
            summary.lines.append("  released  (population, h0 against each row's own model): " + details({ $0.population }, key: nil))
        }
        let header = "groups: \(summary.released.count) of \(first.keys.count) released, \(summary.withheld.count) withheld, "
            + "\(first.keys.count - summary.released.count - summary.withheld.count) without rows at this site"
        summary.lines.insert(header, at: 0)
        return summary
    }

    /// "ECE on 10 of 10 bins for h0, 4–6 for its own model, 2–10 for the other models": each model's
    /// bins after merging (min_cell), over the techniques (h0's are the same in each).
    static func effectiveBins(_ groups: [GroupStatistics], of base: Int) -> String? {
        let strata = groups.compactMap { group in group.calibration.first.map { (group.target, $0) } }
        guard !strata.isEmpty else { return nil }
        func range(_ counts: [Int]) -> String {
            let low = counts.min() ?? 0, high = counts.max() ?? 0
            return low == high ? "\(low)" : "\(low)–\(high)"
        }
        let h0 = strata.map { $0.1.bins[0].binCount }, own = strata.map { $0.1.bins[$0.0].binCount }
        let others = strata.flatMap { target, stratum in
            stratum.bins.indices.filter { $0 != 0 && $0 != target }.map { stratum.bins[$0].binCount }
        }
        var text = "ECE on \(range(h0)) of \(base) bins for h0, \(range(own)) for its own model"
        if !others.isEmpty { text += ", \(range(others)) for the other models" }
        return text
    }

    /// Groups of a continuous outcome: released, withheld (fewer than min_cell test rows) or absent.
    static func groups(regression statistics: RegressionSiteStatistics, result: TaskResult) -> GroupSummary {
        let withheldKeys = Set(result.suppressed.filter { $0.scope == "group" }.compactMap(\.group))
        var summary = GroupSummary(released: [], withheld: [], lines: [])
        for (j, key) in statistics.keys.enumerated() {
            if withheldKeys.contains(key) {
                summary.withheld.append(key)
                summary.lines.append("  withheld  \(key)")
            } else if statistics.groups[j] == nil {
                summary.lines.append("  no rows   \(key)")
            } else {
                summary.released.append(key)
                summary.lines.append("  released  \(key)")
            }
        }
        summary.lines.insert("groups: \(summary.released.count) of \(statistics.keys.count) released, "
                             + "\(summary.withheld.count) withheld", at: 0)
        return summary
    }

    /// What each metric sends for a binary outcome; every group sends all of them.
    static func binaryStatistics(_ spec: AuditSpec) -> [String] {
        func asked(_ metric: String) -> String {
            spec.metrics.map(\.rawValue).contains(metric) ? "" : " (not among the spec's metrics; sent all the same)"
        }
        return [
            "  always  rows and positives; per model Σ log-loss and Σ Brier",
            "  error   per model the misclassified rows; per comparator McNemar n10, n01 (zeros with error_rows 0 where withheld)"
                + asked("error"),
            "  auc     positives M and negatives N; per model the placement sum; per comparator Σ and Σ² of placement "
                + "differences over positives and over negatives" + asked("auc"),
            "  ece     per model and bin: rows, Σ(p − y), Σ(p − y)²; per comparator Σ r_c·r_t of each joint bin with at least "
                + "min_cell rows" + asked("ece"),
        ]
    }

    /// What each regression metric sends.
    static func regressionStatistics(_ spec: AuditSpec) -> [String] {
        [
            "  always  rows",
            "  \(spec.metrics.map(\.rawValue).joined(separator: ", ")): per model Σ loss; per comparator n, Σd, Σd² of the loss "
                + "differences d; B = \(spec.tests.bootstrapReplicates) bootstrap replicate sums of d per model",
        ]
    }

    /// " (onehot 1,234; …): counts …, error …" — the numbers by technique and by kind.
    static func numberParts(_ result: TaskResult) -> String {
        guard result.regressionTechniques == nil else { return "" }
        var total = WireNumbers.Parts()
        let byTechnique = result.techniques.map { entry -> String in
            let parts = WireNumbers.parts(entry.statistics)
            total.add(parts)
            return "\(entry.technique) \(parts.total)"
        }
        return " (" + byTechnique.joined(separator: "; ") + "): " + total.description
            + ", round, root seed and row counts 5, min_cell of the \(result.suppressed.count) suppression entries"
    }
}
