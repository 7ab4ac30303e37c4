import AuditCore

/// A site's refusal of a task (`POST /v1/agent/tasks/{id}/refusal`), with a machine-readable code.
public struct TaskRefusal: Sendable, Codable, Equatable {
    /// The task refused.
    public var task: TaskID
    /// The refusing site; must be the authenticated site.
    public var site: SiteID
    /// Why, machine-readable: see ``RefusalCode``.
    public var code: String
    /// Why, for people; names rules and counts, never data values.
    public var reason: String

    /// Creates a refusal.
    public init(task: TaskID, site: SiteID, code: String, reason: String) {
        self.task = task
        self.site = site
        self.code = code
        self.reason = reason
    }
}

/// The refusal codes defined by protocol 1.0; receivers accept other codes (shown as given).
public enum RefusalCode {
    /// The spec's model class is not in the site's allowed model classes.
    public static let modelNotAllowed = "model_not_allowed"
    /// A spec metric is not in the site's allowed metrics.
    public static let metricNotAllowed = "metric_not_allowed"
    /// The spec's groups exceed the site's maximum number of groups.
    public static let tooManyGroups = "too_many_groups"
    /// A person at the site declined the spec.
    public static let approvalDenied = "approval_denied"
    /// The site's data do not satisfy the spec (missing column, wrong type, too few rows).
    public static let dataInvalid = "data_invalid"
    /// The spec's digest does not match the spec (``SiteTask/specSHA256``).
    public static let specMismatch = "spec_mismatch"
    /// The site failed while computing; the reason says where, without data values.
    public static let failed = "failed"
    /// The release, combined with the site's earlier releases on the same data, would reveal a
    /// count below its `min_cell` or a withheld group, and withholding groups cannot prevent it
    /// (or the site's `policy.cross_audit` is `refuse`); the reason names the earlier audits.
    public static let disclosureRisk = "disclosure_risk"
    /// Every code above.
    public static let all = [modelNotAllowed, metricNotAllowed, tooManyGroups, approvalDenied, dataInvalid,
                             specMismatch, failed, disclosureRisk]
}
