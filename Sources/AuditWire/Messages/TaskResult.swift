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
    /// The root seed of the task the site ran (``SiteTask/rootSeed``); must match the task's, so a
    /// result of an earlier audit of the same spec cannot be re-targeted to a new task.
    public var rootSeed: UInt64
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
    public init(task: TaskID, audit: AuditID, site: SiteID, round: Int, specSHA256: String, rootSeed: UInt64,
                agentVersion: String, techniques: [TechniqueStatistics], suppressed: [Suppression], rowCounts: RowCounts,
                regressionTechniques: [RegressionTechniqueStatistics]? = nil) {
        self.task = task
        self.audit = audit
        self.site = site
        self.round = round
        self.specSHA256 = specSHA256
        self.rootSeed = rootSeed
        self.agentVersion = agentVersion
        self.techniques = techniques
        self.regressionTechniques = regressionTechniques
        self.suppressed = suppressed
        self.rowCounts = rowCounts
    }

    enum CodingKeys: String, CodingKey {
        case task, audit, site, round, rootSeed, agentVersion, techniques, regressionTechniques, suppressed, rowCounts
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

/// Something the site's disclosure policy withheld, and why, in the closed vocabulary of
/// ``SuppressionScope`` and ``SuppressionRule`` with one bounded parameter (`min_cell`): the
/// coordinator stores and every report renders these entries, so they carry codes it can check,
/// never free text (protocol §7). ``reason`` renders the plain words.
public struct Suppression: Sendable, Codable, Equatable {
    /// The group key affected; nil for the population comparison or the whole site.
    public var group: String?
    /// What was withheld or coarsened: a ``SuppressionScope`` raw value.
    public var scope: String
    /// Which rule withheld it: a ``SuppressionRule`` raw value.
    public var rule: String
    /// The site's `min_cell` the rule applied (1 … ``SuppressionRule/maximumMinCell``).
    public var minCell: Int

    /// Creates an entry from the vocabulary.
    public init(group: String?, scope: SuppressionScope, rule: SuppressionRule, minCell: Int) {
        self.init(group: group, scope: scope.rawValue, rule: rule.rawValue, minCell: minCell)
    }

    /// Creates an entry from raw codes (what a receiver decodes; ``PayloadValidator`` checks them).
    public init(group: String?, scope: String, rule: String, minCell: Int) {
        self.group = group
        self.scope = scope
        self.rule = rule
        self.minCell = minCell
    }

    /// The plain words of the entry, e.g. "a group × label cell at this site is below min_cell (5); the
    /// group's rows were withheld"; codes outside the vocabulary are shown as given.
    public var reason: String {
        guard let scope = SuppressionScope(rawValue: scope), let rule = SuppressionRule(rawValue: rule) else {
            return "\(scope): \(rule) (min_cell \(minCell))"
        }
        return rule.words(scope: scope, group: group != nil, minCell: minCell)
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
