import AuditSpec
import AuditStats

/// The hospital's own disclosure policy (ARCHITECTURE.md §8; ANCHORS.md §3 items 3, 4, 6): it is
/// read from the site's configuration, never from the coordinator, and it fails closed — an
/// empty allow-list allows nothing.
public struct SitePolicy: Sendable, Codable, Equatable {
    /// Model classes the site agrees to train (default: none).
    public var allowedModels: [String]
    /// Metrics the site agrees to report (default: none).
    public var allowedMetrics: [String]
    /// Personalization techniques the site agrees to run (default: none).
    public var allowedTechniques: [String]
    /// Smallest count that may leave the site in any cell (group × label, calibration bin); default 5.
    public var minCell: Int
    /// Largest number of intersectional groups an audit may ask about (default 16).
    public var maxGroups: Int
    /// Largest bootstrap B the site will compute (default 10,000).
    public var maxBootstrap: Int
    /// Whether a person must approve each audit spec (`fairuse agent approve`) before it runs.
    public var manualApproval: Bool
    /// What to do when a release, combined with earlier ones on the same data, would reveal a cell
    /// below `min_cell` or a withheld group (`policy.cross_audit`, default withhold).
    public var crossAudit: CrossAuditAction

    /// `policy.cross_audit`: withhold the groups whose release would disclose, or refuse the task.
    public enum CrossAuditAction: String, Sendable, Codable, Equatable, CaseIterable {
        /// Withhold the fewest groups (smallest first) that make the release safe; refuse only when none do.
        case withhold
        /// Refuse the whole task as soon as any group would disclose.
        case refuse
    }

    /// The fail-closed default: nothing allowed.
    public init(allowedModels: [String] = [], allowedMetrics: [String] = [], allowedTechniques: [String] = [],
                minCell: Int = 5, maxGroups: Int = 16, maxBootstrap: Int = 10_000, manualApproval: Bool = false,
                crossAudit: CrossAuditAction = .withhold) {
        self.allowedModels = allowedModels
        self.allowedMetrics = allowedMetrics
        self.allowedTechniques = allowedTechniques
        self.minCell = minCell
        self.maxGroups = maxGroups
        self.maxBootstrap = maxBootstrap
        self.manualApproval = manualApproval
        self.crossAudit = crossAudit
    }

    /// Why a task is refused: a machine-readable code and plain words (configuration only, no data).
    public struct Refusal: Sendable, Equatable, Error {
        /// e.g. `model_not_allowed`.
        public var code: String
        /// e.g. "model class random_forest is not in this site's allowed_models".
        public var reason: String
    }

    /// Checks an audit spec against the policy before any data is touched.
    public func check(_ spec: AuditSpec) -> Refusal? {
        if !allowedModels.contains(spec.model.modelClass.rawValue) {
            return Refusal(code: "model_not_allowed", reason: "model class \(spec.model.modelClass.rawValue) is not in this site's allowed_models")
        }
        if let metric = spec.metrics.first(where: { !allowedMetrics.contains($0.rawValue) }) {
            return Refusal(code: "metric_not_allowed", reason: "metric \(metric.rawValue) is not in this site's allowed_metrics")
        }
        if let technique = spec.techniques.first(where: { !allowedTechniques.contains($0.rawValue) }) {
            return Refusal(code: "technique_not_allowed", reason: "technique \(technique.rawValue) is not in this site's allowed_techniques")
        }
        if spec.tests.bootstrapReplicates > maxBootstrap {
            return Refusal(code: "bootstrap_too_large", reason: "bootstrap B = \(spec.tests.bootstrapReplicates) exceeds this site's max_bootstrap \(maxBootstrap)")
        }
        return nil
    }

    /// Checks the number of groups the spec produces on the site's data.
    public func check(groupCount: Int) -> Refusal? {
        groupCount > maxGroups
            ? Refusal(code: "too_many_groups", reason: "the audit has \(groupCount) intersectional groups; this site allows at most \(maxGroups)")
            : nil
    }

    /// A summary the site may share with the coordinator (no secrets, no data).
    public var allowsEverything: Bool { false }
}
