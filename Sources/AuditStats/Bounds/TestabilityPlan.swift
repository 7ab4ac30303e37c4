import AuditCore

/// Inputs and result of the pre-audit testability plan (`fairuse plan`, methods spec §2.8–2.9):
/// what an audit of these group counts can and cannot detect, before any model is fitted.
/// Built only from counts (rows and positives per group, per site); see ``TestabilityPlanner``.
public struct TestabilityPlan: Sendable, Codable, Equatable {
    /// The JSON format tag of a plan file.
    public static let format = "fairuse-plan/1"

    /// Rows and positives of one intersectional group at one site, overall and in the test split.
    public struct GroupCount: Sendable, Codable, Equatable {
        /// The group key (`attr=value;…`).
        public var key: String
        /// Rows and positive labels.
        public var rows: Int, positives: Int
        /// Rows and positives the spec's split sends to the test part (all rows for a fixed model).
        public var testRows: Int, testPositives: Int

        /// Creates a count.
        public init(key: String, rows: Int, positives: Int, testRows: Int, testPositives: Int) {
            self.key = key
            self.rows = rows
            self.positives = positives
            self.testRows = testRows
            self.testPositives = testPositives
        }

        /// Training rows and positives (the rest).
        public var trainRows: Int { rows - testRows }
        /// Training positives.
        public var trainPositives: Int { positives - testPositives }
    }

    /// One site's (or one data file's) group counts and its disclosure floor.
    public struct SiteCounts: Sendable, Codable, Equatable {
        /// Site name (the agent's `site`, or the data file's name).
        public var name: String
        /// The site's `policy.min_cell`: a group with a test (group × label) cell of 1 … min_cell − 1
        /// rows is withheld by that site. `nil` for a plain data file.
        public var minCell: Int?
        /// Its groups.
        public var groups: [GroupCount]

        /// Creates a site's counts.
        public init(name: String, minCell: Int?, groups: [GroupCount]) {
            self.name = name
            self.minCell = minCell
            self.groups = groups
        }
    }

    /// The planning choices (all echoed in the plan).
    public struct Settings: Sendable, Codable, Equatable {
        /// The audit's significance level α (`tests.alpha`).
        public var alpha: Double
        /// The audit's correction (`tests.correction`).
        public var correction: Correction
        /// Target power of the minimum detectable gain.
        public var power: Double
        /// Assumed fraction ψ of discordant rows (h0 and h_g disagree on correctness) in every group.
        public var discordantFraction: Double
        /// BoP margins ε for k_max and d_max.
        public var epsilons: [Double]
        /// Gaps ε̂ (or γ̂) for Proposition 4.
        public var gaps: [Double]
        /// Confidence 1 − δ of Proposition 4.
        public var delta: Double
        /// VC dimension D of the personalized model class (Proposition 4).
        public var vcDimension: Int
        /// `decoupled.min_rows` when the spec audits the decoupled technique, else nil.
        public var decoupledMinRows: Int?
        /// `tests.bootstrap` (B), when known: the bootstrap is the primary test of ECE gains.
        public var bootstrapReplicates: Int? = nil

        /// Creates settings; defaults power 0.8, ψ = 0.1, ε ∈ {0.05, 0.10}, gaps {0.05, 0.10}, δ = 0.05.
        public init(alpha: Double, correction: Correction, power: Double = 0.8, discordantFraction: Double = 0.1,
                    epsilons: [Double] = [0.05, 0.10], gaps: [Double] = [0.05, 0.10], delta: Double = 0.05,
                    vcDimension: Int, decoupledMinRows: Int? = nil) {
            self.alpha = alpha
            self.correction = correction
            self.power = power
            self.discordantFraction = discordantFraction
            self.epsilons = epsilons
            self.gaps = gaps
            self.delta = delta
            self.vcDimension = vcDimension
            self.decoupledMinRows = decoupledMinRows
        }
    }

    /// The BoP limit at one margin ε for one sample (spec §2.9).
    public struct Limit: Sendable, Codable, Equatable {
        /// The margin ε.
        public var epsilon: Double
        /// k_max = W(N ln(1 + 4ε²)) / ln 2 binary attributes.
        public var kMax: Double
        /// d_max = exp(W(N ln(1 + 4ε²))) groups.
        public var dMax: Double
        /// Whether the audit's number of groups is at most d_max.
        public var withinLimit: Bool
        /// The lower bound on the minimax error probability with the actual group sizes (may be < 0: uninformative).
        public var errorProbabilityBound: Double
    }

    /// k_max / d_max for one sample: the pooled test rows or one site's.
    public struct Scope: Sendable, Codable, Equatable {
        /// `pooled` or the site name.
        public var name: String
        /// All rows and test rows.
        public var rows: Int, testRows: Int
        /// Groups with at least one test row.
        public var groups: Int
        /// The site's min_cell, if any.
        public var minCell: Int?
        /// Per ε, for N = the test rows.
        public var limits: [Limit]
    }

    /// Proposition 4's sample size for one gap, in its three forms (spec §2.8).
    public struct SampleSize: Sendable, Codable, Equatable {
        /// The gap ε̂ (rationality) or margin γ̂ (envy-freeness).
        public var gap: Double
        /// m in log(8m/δ): 1 for rationality, the number of groups for envy-freeness.
        public var unionGroups: Int
        /// Smallest n_g per variant (nil: no finite n).
        public var corrected: Int?, asPrinted: Int?, lemma6: Int?
    }

    /// Why a group cannot be (fully) tested.
    public struct Issue: Sendable, Codable, Equatable {
        /// Machine-readable reason: `no_test_rows`, `no_training_rows`, `no_detectable_gain`,
        /// `single_class`, `below_min_cell`, `decoupled_fallback`.
        public var code: String
        /// What it affects: `all` (no test of this group), `auc`, `site` (one site's rows), `decoupled`.
        public var affects: String
        /// The site concerned, for `below_min_cell`.
        public var site: String?
        /// Plain words (counts only).
        public var message: String
    }

    /// The plan for one group.
    public struct Group: Sendable, Codable, Equatable {
        /// Group key.
        public var key: String
        /// n_g (all rows, all sites) and positives.
        public var rows: Int, positives: Int
        /// Test rows and positives the audit would see after every site's min_cell withholding.
        public var testRows: Int, testPositives: Int
        /// The smallest error-rate gain the exact McNemar test detects at ``TestabilityPlan/alphaPerTest``
        /// with the target power (nil: none up to ψ).
        public var minimumDetectableGain: Double?
        /// Why the group cannot be (fully) tested; empty when it can.
        public var issues: [Issue]
    }

    /// ``format``.
    public var format: String
    /// The audit spec's name.
    public var name: String
    /// The planning choices.
    public var settings: Settings
    /// Tests per (metric, direction) family: m rationality + m(m − 1) envy-freeness.
    public var familySize: Int
    /// The per-test level a lone discovery must reach after the correction (α/M for Holm,
    /// Bonferroni and BH; α/(M·Σ1/j) for BY).
    public var alphaPerTest: Double
    /// Pooled over sites, then each site (empty for one data file).
    public var pooled: Scope
    /// Per site.
    public var sites: [Scope]
    /// Proposition 4 per gap: rationality (m = 1) then envy-freeness (m groups).
    public var sampleSizes: [SampleSize]
    /// Per group, in key order.
    public var groups: [Group]
    /// Audit-wide limits in plain words (e.g. too few bootstrap replicates for the corrected level).
    public var notes: [String] = []

    /// Groups with an issue that affects every test of the group (`affects == "all"`).
    public var untestableGroups: [Group] { groups.filter { $0.issues.contains { $0.affects == "all" } } }
}
