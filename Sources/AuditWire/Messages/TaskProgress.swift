import AuditCore

/// How far a site's agent is with a task (`POST /v1/agent/tasks/{id}/progress`, protocol 1.x):
/// a stage from a fixed vocabulary, the technique it concerns, and a step count. Nothing else is
/// sent — no free text, so no path, message or value can leave through it — and it is logged in
/// the site's egress ledger like every other payload.
public struct TaskProgress: Sendable, Codable, Equatable {
    /// The task.
    public var task: TaskID
    /// The reporting site; must be the authenticated site.
    public var site: SiteID
    /// One of ``stages``.
    public var stage: String
    /// The personalization technique of the stage, if any (one of the spec's techniques).
    public var technique: String?
    /// This step, 1 … ``total``.
    public var step: Int
    /// Steps in the task (≤ 1000).
    public var total: Int

    /// Creates a progress report.
    public init(task: TaskID, site: SiteID, stage: String, technique: String? = nil, step: Int, total: Int) {
        self.task = task
        self.site = site
        self.stage = stage
        self.technique = technique
        self.step = step
        self.total = total
    }

    /// The stages an agent reports.
    public static let stages: Set<String> = ["load", "split", "fit", "predict", "statistics", "disclosure", "evaluate"]

    /// Checks the fields against the task it is for and the authenticated site.
    public func validate(against task: SiteTask, authenticatedSite: SiteID) throws(WireError) {
        guard site == authenticatedSite else {
            throw WireError(code: .siteMismatch, message: "the progress names site \(site), not the authenticated site", field: "site")
        }
        guard self.task == task.id else { throw WireError(code: .conflict, message: "the progress names a different task", field: "task") }
        guard Self.stages.contains(stage) else {
            throw WireError(code: .malformedPayload, message: "unknown stage; expected one of \(Self.stages.sorted().joined(separator: ", "))", field: "stage")
        }
        if let technique, !task.spec.techniques.map(\.rawValue).contains(technique) {
            throw WireError(code: .malformedPayload, message: "the technique is not one of the spec's techniques", field: "technique")
        }
        guard (1...1000).contains(total), (1...total).contains(step) else {
            throw WireError(code: .malformedPayload, message: "expected 1 ≤ step ≤ total ≤ 1000", field: "step")
        }
    }

    /// "statistics (onehot) 7/9".
    public var text: String { "\(stage)\(technique.map { " (\($0))" } ?? "") \(step)/\(total)" }
}
