import AuditCore
import AuditSpec
import AuditStats
import AuditWire
import Foundation

/// Synthetic but valid site results of a binary-outcome audit, for timing the combine: per site,
/// seeded held-out rows of `groups` groups with a logistic outcome, a generic model and a
/// personalized model per reported group, turned into sufficient statistics by the agents' own
/// extraction (`SiteStatistics.extract`, one per technique, each with its own prediction noise),
/// and checked by the coordinator's `PayloadValidator` as a real submission would be.
public struct SyntheticSites: Sendable {
    /// The audit's spec: one group attribute `g` with `groups` levels, every technique and metric.
    public let spec: AuditSpec
    /// The audit's root seed.
    public let rootSeed: UInt64
    /// The audit's id.
    public let audit: AuditID
    /// One result per site, in site order, as the coordinator stores them (uncompressed JSON).
    public let submissions: [(site: SiteID, task: TaskID, result: TaskResult, payload: Data)]

    /// Makes `sites` results of `rowsPerSite` held-out rows each over `groups` groups, with `bootstrap` replicates.
    public init(sites: Int, groups: Int, bootstrap: Int, rowsPerSite: Int = 500, seed: UInt64 = 20_261_204) throws {
        guard sites >= 1 else { throw BenchmarkError("--sites must be at least 1") }
        guard (2...64).contains(groups) else { throw BenchmarkError("--groups must be between 2 and 64") }
        guard (100...100_000).contains(bootstrap) else { throw BenchmarkError("--bootstrap must be between 100 and 100000") }
        guard rowsPerSite >= 10 * groups else { throw BenchmarkError("rows per site must be at least 10 per group") }
        let levels = (0..<groups).map { String(format: "l%02d", $0) }
        var spec = AuditSpec(name: "combine-benchmark", outcome: OutcomeSpec(column: "y"),
                             groups: [GroupAttributeSpec(column: "g")])
        spec.tests.bootstrapReplicates = bootstrap
        self.spec = spec
        rootSeed = seed
        var generator = Xoshiro256StarStar(seed: seed)
        audit = AuditID.generate(using: &generator)
        let keys = levels.map { "g=\($0)" }.sorted()
        let offsets = keys.indices.map { Double($0) / Double(groups) - 0.5 }
        var made: [(site: SiteID, task: TaskID, result: TaskResult, payload: Data)] = []
        for s in 0..<sites {
            let site = try SiteID(validating: String(format: "site-%04d", s))
            let task = TaskID.generate(using: &generator)
            var rng = Xoshiro256StarStar(seed: seed &+ UInt64(s) &* 0x9E37_79B9_7F4A_7C15)
            func uniform() -> Double { Double(rng.next() >> 11) * 0x1p-53 }
            func normal() -> Double {
                let u = max(uniform(), 0x1p-53), v = uniform()
                return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
            }
            func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }
            // Every group present at every site, at least 5 rows of each label (no small cells).
            var groupsOfRows: [Int32] = [], latent: [Double] = [], labels: [UInt8] = []
            for i in 0..<rowsPerSite {
                let g = i % groups
                let z = normal() + offsets[g]
                groupsOfRows.append(Int32(g))
                latent.append(z)
                labels.append(i / groups < 10 ? UInt8((i / groups) % 2) : (uniform() < sigmoid(z) ? 1 : 0))
            }
            var techniques: [TechniqueStatistics] = []
            for technique in spec.techniques {
                let generic = latent.map { sigmoid(0.8 * $0 + 0.3 * normal()) }
                var personalized = [Double](repeating: 0, count: rowsPerSite * groups)
                for i in 0..<rowsPerSite {
                    for j in 0..<groups {
                        personalized[i * groups + j] = sigmoid(latent[i] + (Double(j) - Double(groupsOfRows[i])) * 0.05 + 0.3 * normal())
                    }
                }
                let predictions = Predictions(keys: keys, sites: Array(repeating: site.rawValue, count: rowsPerSite),
                                              groups: groupsOfRows, labels: labels, generic: generic, personalized: personalized)
                let settings = ExtractionSettings(eceBins: spec.tests.eceBins, bootstrapReplicates: bootstrap,
                                                  rootSeed: seed, site: site.rawValue)
                techniques.append(TechniqueStatistics(
                    technique: technique.rawValue,
                    statistics: SiteStatistics.extract(from: predictions, site: site.rawValue, settings: settings)))
            }
            let train = rowsPerSite * 4
            let result = TaskResult(task: task, audit: audit, site: site, round: 1, specSHA256: SiteTask.specDigest(spec),
                                    rootSeed: seed, agentVersion: "benchmark", techniques: techniques, suppressed: [],
                                    rowCounts: RowCounts(total: train + rowsPerSite, train: train, test: rowsPerSite))
            let wireTask = SiteTask(id: task, audit: audit, spec: spec, rootSeed: seed, createdAt: Date())
            do {
                try PayloadValidator.validate(result, against: wireTask, authenticatedSite: site)
            } catch {
                throw BenchmarkError("a synthetic result does not pass the coordinator's validation: \(error)")
            }
            made.append((site, task, result, try PayloadCodec.encodeJSON(result)))
        }
        submissions = made
    }
}
