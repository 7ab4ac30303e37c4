import AuditCore
import AuditSpec
import AuditStats

/// The words every rendering shares, so the terminal, Markdown, HTML and CSV say the same thing:
/// human names of the tests, p-value and interval headers that state raw or adjusted and the
/// level, the one sentence that explains the population summary, and decision D4.
///
/// Reviewers read one rendering and quote it; if the terminal says "p (holm)" over raw values
/// while the HTML shows adjusted ones, the report contradicts itself. Every header is built here.
public enum ReportWording {
    /// A test's human name, a noun phrase ("exact McNemar test"); unknown names (a test added
    /// later, e.g. the calibration test of ECE) are shown with spaces for underscores.
    public static func testName(_ id: String) -> String {
        switch id {
        case "mcnemar_exact": "exact McNemar test"
        case "delong": "DeLong test"
        case "bootstrap": "paired stratified bootstrap"
        case "paired_t": "paired t-test"
        default: id.replacingOccurrences(of: "_", with: " ")
        }
    }

    /// What kind of interval a test gives, for captions ("exact conditional interval").
    public static func intervalKind(_ id: String) -> String {
        switch id {
        case "mcnemar_exact": "exact conditional interval"
        case "delong": "Wald interval"
        case "bootstrap": "percentile interval"
        case "paired_t": "t interval"
        default: "own interval"
        }
    }


    /// A p-value column header: "p viol. (Holm-adj.)", or "p viol. (raw)" when `adjustedBy` is nil.
    public static func pHeader(_ direction: String, adjustedBy method: Correction?) -> String {
        "p \(direction) (\(method.map { "\($0.displayName)-adj." } ?? "raw"))"
    }

    /// The two-sided confidence level of a metric's intervals: its `confidenceLevel`, else 1 − α.
    public static func level(_ metric: MetricEvaluation, alpha: Double) -> Double {
        metric.confidenceLevel ?? 1 - alpha
    }

    /// "90%", "97.5%".
    public static func percent(_ level: Double) -> String {
        let p = level * 100
        return NumberFormat.format(p, decimals: abs(p - p.rounded()) < 1e-9 ? 0 : 1) + "%"
    }

    /// An interval column header: "90% CI".
    public static func ciHeader(_ level: Double) -> String { "\(percent(level)) CI" }

    /// "[-0.0123, +0.0045]", or "—" when either end is missing.
    public static func interval(_ lower: Double?, _ upper: Double?, decimals: Int = 4) -> String {
        guard let lower, let upper else { return "—" }
        return "[\(NumberFormat.signed(lower, decimals)), \(NumberFormat.signed(upper, decimals))]"
    }

    /// The interval a rendering shows for a comparison: the primary test's own, else (until the
    /// statistics fill it) the bootstrap percentile interval, marked so that no reader takes one
    /// for the other. `estimate` is the primary test's own estimate when it differs from the gain.
    public struct ShownInterval: Sendable, Equatable {
        /// Lower end.
        public var lower: Double
        /// Upper end.
        public var upper: Double
        /// The test's own point estimate (e.g. a bias-corrected ECE gain), when it has one.
        public var estimate: Double?
        /// Whether this is the bootstrap's interval standing in for the primary test's.
        public var fromBootstrap: Bool
    }

    /// The interval shown for `c`, or nil when neither test gives one.
    public static func shownInterval(_ c: Comparison) -> ShownInterval? {
        if let lo = c.primary.intervalLower, let hi = c.primary.intervalUpper {
            return ShownInterval(lower: lo, upper: hi, estimate: c.testEstimate, fromBootstrap: false)
        }
        if let lo = c.bootstrap?.intervalLower, let hi = c.bootstrap?.intervalUpper {
            return ShownInterval(lower: lo, upper: hi, estimate: nil, fromBootstrap: true)
        }
        return nil
    }

    /// "[-0.0100, +0.0300]", "[…] est. +0.0012" (the test's own estimate), "[…]*" (bootstrap stand-in).
    static func intervalText(_ c: Comparison?) -> String {
        guard let c, let i = shownInterval(c) else { return "—" }
        return interval(i.lower, i.upper) + (i.fromBootstrap ? "*" : "") + (i.estimate.map { " est. \(NumberFormat.signed($0))" } ?? "")
    }

    /// The footnote for "*" intervals.
    static let bootstrapStandIn = "* bootstrap percentile interval, shown because the primary test reported none"

    /// The level of the metric `metric` in `section` (1 − α when the section lacks it).
    static func level(_ metric: Metric, in section: ReportDocument.TechniqueSection, alpha: Double) -> Double {
        section.evaluation.metrics.first { $0.metric == metric }.map { level($0, alpha: alpha) } ?? 1 - alpha
    }

    /// The levels of every metric of the document, distinct and sorted.
    static func levels(_ document: ReportDocument, alpha: Double) -> [Double] {
        Array(Set(document.results.flatMap { $0.evaluation.metrics.map { level($0, alpha: alpha) } })).sorted()
    }

    /// The report's one statement of its confidence level and p-values, shown once near the top.
    public static func levelStatement(_ document: ReportDocument, alpha: Double, correction: Correction) -> String {
        let levels = levels(document, alpha: alpha)
        let stated = levels.count == 1
            ? percent(levels[0]) + (abs(levels[0] - (1 - alpha)) < 1e-9 ? " (1 − α)" : "")
            : levels.map(percent).joined(separator: " / ")
        return "Intervals are two-sided \(stated) confidence intervals of each comparison's primary test, not adjusted for multiplicity. "
            + "p-values are one-sided; the tables show them \(correction.displayName)-adjusted within each metric's family, "
            + "and a flag needs an adjusted p ≤ α = \(NumberFormat.format(alpha, decimals: 2))."
    }

    /// What "population gain" compares, in one sentence.
    public static let populationGain = "Population gain compares h0 with the personalized predictions on all test rows, "
        + "each row scored by its own group's model h_g; positive means personalization helps overall, even if some groups lose."

    /// Decision D4 in plain words for a technique, or nil when it does not apply: one-hot and
    /// intersectional encodings of a linear (logistic) model, audited for AUC or ECE. A predictions
    /// file may come from any model, so its reports do not claim it.
    public static func d4(technique: String, document: ReportDocument) -> String? {
        guard document.mode != "predictions", let spec = document.spec, spec.model.modelClass == .logisticRegression,
              technique == "onehot" || technique == "intersectional" else { return nil }
        let metrics = Set(document.results.first { $0.name == technique }?.evaluation.metrics.map(\.metric) ?? [])
        return d4(technique: technique, auc: metrics.contains(.auc), ece: metrics.contains(.ece))
    }

    /// The D4 sentence for the metrics audited; nil when neither AUC nor ECE is.
    static func d4(technique: String, auc: Bool, ece: Bool) -> String? {
        guard auc || ece else { return nil }
        var parts: [String] = []
        if auc { parts.append("the envy-freeness AUC gain is 0 by construction (a group's rows are ranked the same whichever group it reports)") }
        if ece { parts.append("the envy-freeness ECE gain is nearly automatic (each group's own offset is fitted to its own rows, so any other offset moves all its risks away from calibration)") }
        return "Envy-freeness for \(auc && ece ? "AUC and ECE" : (auc ? "AUC" : "ECE")) (decision D4): with the \(technique) encoding of a linear model, "
            + "reporting another group only adds that group's offset to every score, so " + parts.joined(separator: ", and ")
            + ". These are not findings about the groups; judge envy-freeness by error."
    }

    /// The summary tables' reference to D4 beside the marked envy-freeness counts.
    public static let d4Short = "with a one-hot or intersectional encoding of a linear model, envy-freeness AUC gains are 0 by "
        + "construction and envy-freeness ECE gains nearly automatic (decision D4); these counts are not findings about the groups."

    /// Notes shown to the reader: the upstream D4 notes are left out, since every rendering states
    /// D4 itself (``d4(technique:document:)``) where the envy-freeness results are.
    static func visibleNotes(_ notes: [String]) -> [String] {
        notes.filter { !$0.contains("(decision D4)") }
    }

    /// The document's notes (audit, technique, evaluation) as every rendering lists them.
    static func allNotes(_ document: ReportDocument) -> [String] {
        visibleNotes(document.notes + document.results.flatMap { s in s.notes.map { "\(s.name): \($0)" } }
            + Array(Set(document.results.flatMap(\.evaluation.notes))).sorted())
    }

    /// A caption naming the primary tests of the metrics present ("exact McNemar for error, …").
    static func primaryTests(_ document: ReportDocument) -> String {
        var seen: [String] = []
        for m in document.results.flatMap(\.evaluation.metrics) {
            let entry = "\(testName(m.primaryTest)) for \(m.metric.rawValue)"
            if !seen.contains(entry) { seen.append(entry) }
        }
        return seen.joined(separator: ", ")
    }
}
