import AuditCore
import AuditModelTypes
import AuditSpec
import AuditStats
import Foundation

/// The full results of an audit as one JSON document, schema `fairuse-report/1`
/// (documented in `Protocol/report-schema.md`). Keys are snake_case and sorted, numbers that
/// are undefined are absent (or null), so the same inputs always give the same bytes.
public struct ReportDocument: Sendable, Codable, Equatable {
    /// The schema identifier; the major number changes only for incompatible changes.
    public static let schemaIdentifier = "fairuse-report/1"

    /// `fairuse-report/1`.
    public var schema: String
    /// Software name and version.
    public var software: Software
    /// "train" (models fitted from data) or "predictions" (an external predictions file).
    public var mode: String
    /// The audit spec, when there is one.
    public var spec: AuditSpec?
    /// The input data and split.
    public var data: DataSection
    /// One entry per personalization technique (or per predictions file).
    public var results: [TechniqueSection]
    /// Notes about the data and the audit as a whole.
    public var notes: [String]
    /// Seconds per stage (not part of the deterministic content; omitted with `--no-timings`).
    public var timings: [String: Double]?
    /// Federated audits: who took part, who did not, and what was withheld.
    public var federation: FederationSection?
    /// SHA-256 (lowercase hex) of the spec's canonical YAML, the digest sites approve; set by the
    /// caller, which owns the hashing (absent in older documents).
    public var specDigest: String?

    /// Participation of the sites of a federated audit.
    public struct FederationSection: Sendable, Codable, Equatable {
        /// Audit id.
        public var audit: AuditID
        /// Final audit state (complete, partial, failed).
        public var state: AuditState
        /// SHA-256 of the canonical spec.
        public var specSHA256: String
        /// Root seed of the bootstrap streams.
        public var rootSeed: UInt64
        /// Every site invited, with its outcome.
        public var sites: [SiteParticipation]
        enum CodingKeys: String, CodingKey {
            case audit, state, specSHA256 = "specSha256", rootSeed, sites
        }

        /// Creates the section.
        public init(audit: AuditID, state: AuditState, specSHA256: String, rootSeed: UInt64, sites: [SiteParticipation]) {
            self.audit = audit
            self.state = state
            self.specSHA256 = specSHA256
            self.rootSeed = rootSeed
            self.sites = sites
        }
    }

    /// One site's part in a federated audit.
    public struct SiteParticipation: Sendable, Codable, Equatable {
        /// Site id.
        public var site: SiteID
        /// Task state: submitted, refused, failed, expired, cancelled.
        public var state: TaskState
        /// Why, for anything but submitted.
        public var detail: String?
        /// Rows at the site (total, train, test) when it submitted.
        public var rows: [String: Int]?
        /// What the site withheld under its disclosure policy (scope, group, reason).
        public var withheld: [[String: String]]
        /// Creates the entry.
        public init(site: SiteID, state: TaskState, detail: String?, rows: [String: Int]?, withheld: [[String: String]]) {
            self.site = site
            self.state = state
            self.detail = detail
            self.rows = rows
            self.withheld = withheld
        }
    }

    /// Software identification.
    public struct Software: Sendable, Codable, Equatable {
        /// "fairuse".
        public var name: String
        /// Semantic version.
        public var version: String
    }

    /// The data behind the audit.
    public struct DataSection: Sendable, Codable, Equatable {
        /// Data or predictions file.
        public var path: String
        /// Rows in the file.
        public var rows: Int
        /// Training rows (train mode).
        public var trainRows: Int?
        /// Test rows audited.
        public var testRows: Int
        /// Group sizes (train mode).
        public var groups: [GroupSize]?
        /// Fitted preprocessing (train mode).
        public var preprocessing: Preprocessor?
        /// Design column names of h0 (train mode).
        public var designColumns: [String]?
        /// The generic model (train mode, logistic regression).
        public var genericModel: LogisticModel?
        /// The generic regressor h0 (train mode, continuous outcomes; then `genericModel` is absent).
        public var genericRegressor: FittedRegressor? = nil
        /// A summary of the generic model (train mode, random forest or neural network).
        public var genericModelSummary: ModelSummary? = nil

        /// Creates a value from its parts.
        public init(path: String, rows: Int, trainRows: Int? = nil, testRows: Int,
                    groups: [GroupSize]? = nil, preprocessing: Preprocessor? = nil,
                    designColumns: [String]? = nil, genericModel: LogisticModel? = nil,
                    genericRegressor: FittedRegressor? = nil, genericModelSummary: ModelSummary? = nil) {
            self.path = path
            self.rows = rows
            self.trainRows = trainRows
            self.testRows = testRows
            self.groups = groups
            self.preprocessing = preprocessing
            self.designColumns = designColumns
            self.genericModel = genericModel
            self.genericRegressor = genericRegressor
            self.genericModelSummary = genericModelSummary
        }
    }

    /// One personalized model's audit.
    public struct TechniqueSection: Sendable, Codable, Equatable {
        /// Technique name, or the name given to a predictions file.
        public var name: String
        /// Indicator columns of onehot / intersectional models.
        public var indicatorColumns: [String]?
        /// The single model of onehot / intersectional.
        public var model: LogisticModel?
        /// The decoupled models, in key order.
        public var decoupledModels: [KeyedModel]?
        /// Decoupled groups that use the generic model, and why.
        public var fallbacks: [DecoupledFallback]?
        /// Random forest or neural network: a summary of the onehot / intersectional model.
        public var modelSummary: ModelSummary?
        /// Random forest or neural network: summaries of the decoupled models, in key order.
        public var decoupledModelSummaries: [KeyedSummary]?
        /// The evaluation.
        public var evaluation: FairUseEvaluation
        /// Notes specific to this model.
        public var notes: [String]
        /// Federated audits: per-site estimates and their meta-analysis per group × comparison × metric.
        public var heterogeneity: [HeterogeneityEntry]?
        /// BoP-X, the explanation benefit per group (`fairuse local --explanations`); absent otherwise.
        public var explanations: LocalExplanations.TechniqueExplanations? = nil
        /// Each group's best report (ICML 2023 Prop. 2), derived from the evaluation.
        public var truthfulReporting: TruthfulReporting?
        /// Interventions (ICML 2023 §5.2); see `ReportDocument+Interventions.swift`.
        public var interventions: InterventionsSection?
        /// Choice of C by cross-validation (ICML 2023 §3.1), when asked for.
        public var modelSelection: RegularizationSelection?
        /// The single regressor of onehot / intersectional (continuous outcomes; then `model` is absent).
        public var regressor: FittedRegressor? = nil
        /// The decoupled regressors, in key order (continuous outcomes).
        public var decoupledRegressors: [KeyedRegressor]? = nil
        /// Creates a section.
        public init(name: String, indicatorColumns: [String]?, model: LogisticModel?, decoupledModels: [KeyedModel]?,
                    fallbacks: [DecoupledFallback]?, evaluation: FairUseEvaluation, notes: [String],
                    heterogeneity: [HeterogeneityEntry]?) {
            self.name = name
            self.indicatorColumns = indicatorColumns
            self.model = model
            self.decoupledModels = decoupledModels
            self.fallbacks = fallbacks
            self.evaluation = evaluation
            self.notes = notes
            self.heterogeneity = heterogeneity
            truthfulReporting = TruthfulReporting(evaluation: evaluation)
            interventions = InterventionsSection(assignGeneric: GenericAssignment(evaluation: evaluation))
        }
    }

    /// A group's decoupled model (an array, not a dictionary, so group keys are never rewritten
    /// by the snake_case key strategy).
    public struct KeyedModel: Sendable, Codable, Equatable {
        /// Group key.
        public var key: String
        /// Its model.
        public var model: LogisticModel

        /// Creates a value from its parts.
        public init(key: String, model: LogisticModel) {
            self.key = key
            self.model = model
        }
    }

    /// A summary of a group's decoupled model.
    public struct KeyedSummary: Sendable, Codable, Equatable {
        /// Group key.
        public var key: String
        /// Its model's summary.
        public var summary: ModelSummary

        /// Creates a value from its parts.
        public init(key: String, summary: ModelSummary) {
            self.key = key
            self.summary = summary
        }
    }

    /// A document from its sections; local audits that fit models build theirs in AuditModels
    /// (`ReportDocument+Local.swift`), which knows the pipeline's results.
    public init(mode: String, spec: AuditSpec?, data: DataSection, results: [TechniqueSection], notes: [String],
                timings: [String: Double]?, federation: FederationSection?, version: String) {
        schema = Self.schemaIdentifier
        software = Software(name: "fairuse", version: version)
        self.mode = mode
        self.spec = spec
        self.data = data
        self.results = results
        self.notes = notes
        self.timings = timings
        self.federation = federation
    }

    /// The document of an audit of a predictions file.
    public init(predictionsPath: String, name: String, spec: AuditSpec?, evaluation: FairUseEvaluation,
                version: String, timings: [String: Double]?) {
        schema = Self.schemaIdentifier
        software = Software(name: "fairuse", version: version)
        mode = "predictions"
        self.spec = spec
        data = DataSection(path: predictionsPath, rows: evaluation.count, trainRows: nil, testRows: evaluation.count,
                           groups: nil, preprocessing: nil, designColumns: nil, genericModel: nil)
        results = [TechniqueSection(name: name, indicatorColumns: nil, model: nil, decoupledModels: nil,
                                    fallbacks: nil, evaluation: evaluation, notes: [], heterogeneity: nil)]
        notes = []
        self.timings = timings
        federation = nil
    }

    /// The document of a federated audit, combined at the coordinator.
    public init(federated spec: AuditSpec, federation: FederationSection, rows: Int,
                results: [TechniqueSection], notes: [String], version: String) {
        schema = Self.schemaIdentifier
        software = Software(name: "fairuse", version: version)
        mode = "federated"
        self.spec = spec
        data = DataSection(path: "federation", rows: rows, trainRows: nil, testRows: results.first?.evaluation.count ?? 0,
                           groups: nil, preprocessing: nil, designColumns: nil, genericModel: nil)
        self.results = results
        self.notes = notes
        timings = nil
        self.federation = federation
    }

    /// The α of the report's tests: the spec's, or the default 0.10 for a predictions-only report.
    public var alpha: Double { spec?.tests.alpha ?? TestSpec().alpha }
    /// The multiple-testing correction of the report's tests: the spec's, or the default (Holm).
    public var correction: Correction { spec?.tests.correction ?? TestSpec().correction }

    /// Canonical JSON bytes: sorted snake_case keys, pretty-printed, non-finite numbers as strings.
    /// Large heterogeneity tables are encoded in parallel and spliced in (``splicedJSONData()``),
    /// the same bytes as ``plainJSONData()``.
    public func jsonData() throws -> Data {
        try splicedJSONData() ?? plainJSONData()
    }

    /// The canonical JSON in one pass of Foundation's encoder.
    func plainJSONData() throws -> Data {
        try Self.canonicalEncoder().encode(self)
    }

    /// The encoder of the canonical form.
    static func canonicalEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }

    /// Decodes a document written by `jsonData()`.
    public static func decode(_ data: Data) throws -> ReportDocument {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try decoder.decode(ReportDocument.self, from: data)
    }
}
