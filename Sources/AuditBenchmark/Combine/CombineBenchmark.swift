import AuditCoordinator
import AuditCore
import AuditWire
import Foundation

/// `fairuse benchmark combine`: times the coordinator's combine (``FederatedCombine``, the code the
/// combiner service runs) of S synthetic site results of M groups with B replicates, in process.
/// Building the sites is not timed; each repetition decodes every payload, pools, evaluates
/// (McNemar, DeLong, the calibration test's B multiplier draws, multiplicity), builds the
/// heterogeneity tables and the suspicious-site check, and encodes the report, exactly as the
/// coordinator does before storing it.
public struct CombineBenchmark: Sendable {
    /// Sites S, groups M, replicates B, timed repetitions.
    public let sites: Int, groups: Int, bootstrap: Int, repetitions: Int

    /// What one run measured.
    public struct Figures: Sendable, Codable, Equatable {
        /// Sites, groups and replicates.
        public var sites: Int, groups: Int, bootstrap: Int
        /// Timed repetitions.
        public var repetitions: Int
        /// The median repetition, seconds (the headline figure).
        public var seconds: Double
        /// The fastest repetition, seconds.
        public var bestSeconds: Double
        /// Every repetition, seconds, in order.
        public var allSeconds: [Double]
        /// Bytes of all site payloads (uncompressed JSON) and of the report JSON.
        public var payloadBytes: Int, reportBytes: Int
        /// Where the median repetition spent its time, seconds by phase (``CombinePhases``: decode,
        /// pool_evaluate, heterogeneity, outliers, encode, records, other), measured inside that very
        /// combine, so they add up to ``seconds``.
        public var phases: [String: Double]
        /// SHA-256 of the report JSON; equal across repetitions (checked), so a change of the combine's
        /// output on the same input shows as a different digest.
        public var reportSHA256: String

        enum CodingKeys: String, CodingKey {
            case sites, groups, bootstrap, repetitions, seconds
            case bestSeconds = "best_seconds", allSeconds = "all_seconds", payloadBytes = "payload_bytes"
            case reportBytes = "report_bytes", reportSHA256 = "report_sha256", phases
        }
    }

    /// Creates the benchmark; the options are checked in ``run(progress:)``.
    public init(sites: Int, groups: Int, bootstrap: Int, repetitions: Int) {
        self.sites = sites
        self.groups = groups
        self.bootstrap = bootstrap
        self.repetitions = repetitions
    }

    /// Builds the sites, then times `repetitions` combines.
    public func run(progress: (String) -> Void = { _ in }) throws -> Figures {
        guard (1...100).contains(repetitions) else { throw BenchmarkError("--repetitions must be between 1 and 100") }
        progress("building \(sites) synthetic site results (\(groups) groups, B = \(bootstrap))")
        let synthetic = try SyntheticSites(sites: sites, groups: groups, bootstrap: bootstrap)
        let submissions = synthetic.submissions.map { FederatedCombine.Submission(site: $0.site, task: $0.task, payload: $0.payload) }
        var times: [Double] = [], phases: [[String: Double]] = [], digest: String?, reportBytes = 0
        for r in 0..<repetitions {
            var measured = CombinePhases()
            let start = ContinuousClock.now
            let json = try FederatedCombine.reportJSON(spec: synthetic.spec, audit: synthetic.audit,
                                                       rootSeed: synthetic.rootSeed, submissions: submissions, phases: &measured)
            times.append((ContinuousClock.now - start).seconds)
            phases.append(measured.seconds)
            let sha = WireDigest.sha256Hex(json)
            if let digest, digest != sha { throw BenchmarkError("repetition \(r + 1) gave a different report than the first") }
            digest = sha
            reportBytes = json.count
            progress(String(format: "repetition %d: %.3f s", r + 1, times.last!))
        }
        let order = times.indices.sorted { times[$0] < times[$1] }
        let median = order[order.count / 2]
        return Figures(sites: sites, groups: groups, bootstrap: bootstrap, repetitions: repetitions,
                       seconds: times[median], bestSeconds: times[order[0]], allSeconds: times,
                       payloadBytes: submissions.reduce(0) { $0 + $1.payload.count }, reportBytes: reportBytes,
                       phases: phases[median], reportSHA256: digest ?? "")
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
