import AuditSpec
import AuditWire

/// One result that left the site, as the site's release register keeps it (never sent anywhere):
/// which data (a digest, not a path), which spec and group definition, and what each released
/// cell held. The cross-audit check rebuilds every earlier release's sets from `spec` on the same
/// data; the counts are kept for the operator (`fairuse agent releases`).
public struct ReleaseRecord: Sendable, Codable, Equatable {
    /// One released group (or the population, key `(all)`): its test rows and positives as sent.
    public struct Cell: Sendable, Codable, Equatable {
        /// The group key.
        public var group: String
        /// Test rows (the statistics' `count`).
        public var rows: Int
        /// Positive test rows; nil for a continuous outcome.
        public var positives: Int?
    }

    /// The audit and task.
    public var audit: String, task: String
    /// When the result was handed to the coordinator (ISO 8601, UTC); empty until sent.
    public var releasedAt: String
    /// SHA-256 of the data the task read (the CSV, or the SQLite query's rows as CSV).
    public var datasetSHA256: String
    /// The cohort definition: `csv`, or `sqlite` with the SHA-256 of its query.
    public var cohort: String
    /// The site's min_cell when it was released.
    public var minCell: Int
    /// The spec, canonical YAML (group attributes, outcome, split: what defines every set).
    public var specYAML: String
    /// The group definition: the attributes (display names) and, for numeric ones, their cuts.
    public var groupDefinition: [String]
    /// The keys whose rows count in `row_counts` and the population (some may have no test rows).
    public var releasedGroups: [String]
    /// Released groups with test rows, then the population.
    public var cells: [Cell]
    /// The row counts sent (`row_counts`).
    public var rowCounts: RowCounts
    /// Keys withheld by this site (local only; never sent in this form).
    public var withheldGroups: [String]
    /// Scopes of the findings sent with the result.
    public var findingScopes: [String]

    enum CodingKeys: String, CodingKey {
        case audit, task, cohort, cells
        case releasedAt = "released_at", datasetSHA256 = "dataset_sha256", minCell = "min_cell", specYAML = "spec_yaml"
        case groupDefinition = "group_definition", rowCounts = "row_counts", withheldGroups = "withheld_groups"
        case findingScopes = "finding_scopes", releasedGroups = "released_groups"
    }

    /// The record of `result`, computed on data with digest `dataset` (not yet sent).
    public init(result: TaskResult, spec: AuditSpec, released: Set<String>, dataset: String, cohort: String, minCell: Int) {
        audit = result.audit.rawValue
        task = result.task.rawValue
        releasedAt = ""
        datasetSHA256 = dataset
        self.cohort = cohort
        self.minCell = minCell
        specYAML = spec.yaml()
        groupDefinition = spec.groups.map { group in
            group.levels.map { "\(group.displayName): \($0.joined(separator: " | "))" } ?? "\(group.displayName): its values"
        }
        releasedGroups = released.sorted()
        if let statistics = result.regressionTechniques?.first?.statistics {
            cells = statistics.groups.compactMap { $0.map { Cell(group: $0.key, rows: $0.count, positives: nil) } }
                + [Cell(group: "(all)", rows: statistics.population.count, positives: nil)]
        } else if let statistics = result.techniques.first?.statistics {
            cells = statistics.groups.compactMap { $0.map { Cell(group: $0.key, rows: $0.count, positives: $0.positives) } }
                + [Cell(group: "(all)", rows: statistics.population.count, positives: statistics.population.positives)]
        } else {
            cells = []
        }
        rowCounts = result.rowCounts
        withheldGroups = result.suppressed.filter { $0.scope == "group" }.compactMap(\.group)
        findingScopes = Array(Set(result.suppressed.map(\.scope))).sorted()
    }
}
