import AuditStats
import Testing
@testable import AuditAgent

/// The disclosure model as a property (Protocol/disclosure-model.md): over random sites — random
/// groups, sizes, labels, predictions, techniques, bins and min_cell 2 … 10 — no number the model
/// calls a cell is in 1 … min_cell − 1 after `Disclosure.release`, and everything withheld is a
/// finding. Every cell is recomputed here from the raw rows, independently of the extraction code.
@Suite("Disclosure model: property over random sites")
struct DisclosurePropertyTests {
    /// 8 batches × 64 seeds = 512 random sites.
    @Test(arguments: 0..<8)
    func noSmallCellLeaves(batch: Int) {
        var scopes: [String: Int] = [:]
        var releasedErrors = 0, sentJointCells = 0
        for seed in (batch * 64)..<((batch + 1) * 64) {
            let site = RandomSite(seed: UInt64(seed))
            let release = Disclosure.release(site.techniques, site: "s", settings: site.settings, minCell: site.minCell)
            DisclosureChecker(site: site, release: release).check()
            for finding in release.findings { scopes[finding.scope.rawValue, default: 0] += 1 }
            let groups = release.techniques.flatMap { $0.statistics.groups.compactMap { $0 } }
            releasedErrors += groups.filter { $0.errorRows == nil }.count
            sentJointCells += groups.reduce(0) { $0 + ($1.calibration.first?.cross.reduce(0) { $0 + $1.cells.count } ?? 0) }
        }
        // The generator exercises every rule, and releases as well as withholds.
        for scope in ["group", "ece_bins", "ece_cross", "errors"] {
            #expect(scopes[scope, default: 0] > 0, "batch \(batch) never triggered \(scope)")
        }
        #expect(releasedErrors > 0 && sentJointCells > 0, "batch \(batch) released nothing")
    }
}

/// A random site: m groups of random size (some tiny), labels with a random prevalence per group,
/// and 1 … 3 techniques sharing the rows, labels and h0 but with their own personalized predictions.
struct RandomSite {
    let seed: UInt64
    let minCell: Int
    let bins: Int
    let keys: [String]
    let groups: [Int32]
    let labels: [UInt8]
    let generic: [Double]
    let personalized: [[Double]]   // per technique, row-major n × m

    init(seed: UInt64) {
        self.seed = seed
        var rng = TestRandom(seed: seed)
        minCell = 2 + rng.int(9)
        bins = [2, 3, 4, 5, 10, 15][rng.int(6)]
        let m = 1 + rng.int(5)
        keys = (0..<m).map { "g=\($0)" }
        var groups: [Int32] = [], labels: [UInt8] = [], generic: [Double] = []
        for g in 0..<m {
            let size = rng.int(4) == 0 ? rng.int(12) : rng.int(80)
            let prevalence = [0.0, 0.05, 0.3, 0.5, 0.9, 1.0][rng.int(6)]
            for _ in 0..<size {
                groups.append(Int32(g))
                labels.append(rng.uniform() < prevalence ? 1 : 0)
                generic.append(rng.probability())
            }
        }
        self.groups = groups
        self.labels = labels
        self.generic = generic
        let n = labels.count
        personalized = (0..<(1 + rng.int(3))).map { _ in
            // Close to h0 (few discordant rows) or unrelated to it.
            let spread = [0.0, 0.02, 0.1, 1.0][rng.int(4)]
            return (0..<(n * m)).map { k in
                spread >= 1 ? rng.probability() : min(1, max(0, generic[k / m] + spread * (rng.uniform() - 0.5)))
            }
        }
    }

    var settings: ExtractionSettings { ExtractionSettings(eceBins: bins, bootstrapReplicates: 0, site: "s") }

    var techniques: [(technique: String, predictions: Predictions)] {
        personalized.enumerated().map { t, p in
            (technique: "t\(t)", predictions: Predictions(keys: keys, sites: Array(repeating: "s", count: labels.count),
                                                          groups: groups, labels: labels, generic: generic, personalized: p))
        }
    }

    /// Model r's probability for row i in technique t; `population` uses (h0, own model).
    func probability(_ i: Int, model r: Int, technique t: Int, population: Bool = false) -> Double {
        if r == 0 { return generic[i] }
        let column = population ? Int(groups[i]) : r - 1
        return personalized[t][i * keys.count + column]
    }
}

/// A small deterministic generator (SplitMix64), so a failing seed can be replayed.
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    /// Probabilities that pile up in a few bins as often as they spread out.
    mutating func probability() -> Double {
        let u = uniform()
        switch int(3) {
        case 0: return u
        case 1: return u * u * u
        default: return (Double(int(11)) / 10 + 0.01 * u).clamped
        }
    }
}

extension Double {
    var clamped: Double { Swift.min(1, Swift.max(0, self)) }
}
