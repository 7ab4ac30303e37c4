import AuditCore
import AuditStats

/// A site's answer to a task (`POST /v1/agent/tasks/{id}/result`): aggregates only, one
/// ``SiteStatistics`` per personalization technique, plus what was suppressed and the row counts.
/// Check it with ``PayloadValidator`` before combining.
public struct TaskResult: Sendable, Codable, Equatable {
    /// The task answered.
    public var task: TaskID
    /// The task's audit.
    public var audit: AuditID
    /// The reporting site; must be the authenticated site.
    public var site: SiteID
    /// The task's round.
    public var round: Int
    /// The digest of the spec the site ran (``SiteTask/specDigest(_:)``); must match the task's.
    public var specSHA256: String
    /// The agent's build.
    public var agentVersion: String
    /// Per technique, the site's statistics on its test split (binary outcomes; empty for continuous ones).
    public var techniques: [TechniqueStatistics]
    /// Per technique, the site's regression statistics (continuous outcomes only; absent otherwise).
    public var regressionTechniques: [RegressionTechniqueStatistics]?
    /// What the disclosure policy withheld; suppression is a reported finding, never silent.
    public var suppressed: [Suppression]
    /// Rows read, trained on and tested on.
    public var rowCounts: RowCounts

    /// Creates a result.
    public init(task: TaskID, audit: AuditID, site: SiteID, round: Int, specSHA256: String, agentVersion: String,
                techniques: [TechniqueStatistics], suppressed: [Suppression], rowCounts: RowCounts,
                regressionTechniques: [RegressionTechniqueStatistics]? = nil) {
        self.task = task
        self.audit = audit
        self.site = site
        self.round = round
        self.specSHA256 = specSHA256
        self.agentVersion = agentVersion
        self.techniques = techniques
        self.regressionTechniques = regressionTechniques
        self.suppressed = suppressed
        self.rowCounts = rowCounts
    }

    enum CodingKeys: String, CodingKey {
        case task, audit, site, round, agentVersion, techniques, regressionTechniques, suppressed, rowCounts
        // The snake-case key strategy turns `specSha256` into `spec_sha256` and back.
        case specSHA256 = "specSha256"
    }
}

/// One technique's statistics at one site.
public struct TechniqueStatistics: Sendable, Codable, Equatable {
    /// The technique's spec name, e.g. `onehot` (`AuditSpec.Technique` raw value).
    public var technique: String
    /// The site's sufficient statistics for the technique's personalized model.
    public var statistics: SiteStatistics

    /// Creates an entry.
    public init(technique: String, statistics: SiteStatistics) {
        self.technique = technique
        self.statistics = statistics
    }
}

/// Something the site's disclosure policy withheld, and why.
public struct Suppression: Sendable, Codable, Equatable {
    /// The group key affected; nil for the population comparison or the whole site.
    public var group: String?
    /// What was withheld or coarsened: `group`, `ece_bins`, `bootstrap`, `technique`, ….
    public var scope: String
    /// Why, naming the rule (e.g. `a group × label cell is below min_cell (5)`), never the small count.
    public var reason: String

    /// Creates an entry.
    public init(group: String?, scope: String, reason: String) {
        self.group = group
        self.scope = scope
        self.reason = reason
    }
}

/// Row counts of the site's data for the task.
public struct RowCounts: Sendable, Codable, Equatable {
    /// Rows used (after validation), train + test.
    public var total: Int
    /// Training rows.
    public var train: Int
    /// Held-out rows, the rows the statistics describe.
    public var test: Int

    /// Creates counts.
    public init(total: Int, train: Int, test: Int) {
        self.total = total
        self.train = train
        self.test = test
    }
}
