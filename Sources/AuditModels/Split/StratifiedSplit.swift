import AuditStats
import AuditTable

/// A seeded train/test split stratified by (intersectional group, label), as the paper's 80/20
/// split (ICML 2023 §4.1) with the class balance of every group kept in both parts.
///
/// Each stratum's rows are shuffled by Fisher–Yates with its own keyed stream
/// (`StratumStream` with site "split", the group key and the label), and the first
/// round(n_s · f) go to the test part (half to even), so the split does not depend on row order
/// within other strata. Both index lists are returned sorted.
public struct StratifiedSplit: Sendable, Equatable {
    /// Training row indices, sorted.
    public var train: [Int]
    /// Test row indices, sorted.
    public var test: [Int]

    /// A given split: the test rows (0-based data row indices, e.g. the `row_id`s of another
    /// implementation's predictions file) and every other row for training. Throws when an id is
    /// out of range or repeated.
    public init(testRows: [Int], rowCount: Int, source: String) throws {
        let test = testRows.sorted()
        if let bad = test.first(where: { $0 < 0 || $0 >= rowCount }) {
            throw DataError(code: .invalidPredictions, file: source, line: nil, column: "row_id",
                            message: "test row id \(bad) is not a data row index in 0..<\(rowCount)")
        }
        if zip(test, test.dropFirst()).contains(where: { $0 == $1 }) {
            throw DataError(code: .invalidPredictions, file: source, line: nil, column: "row_id", message: "repeated test row ids")
        }
        let testSet = Set(test)
        self.test = test
        self.train = (0..<rowCount).filter { !testSet.contains($0) }
    }

    /// How many of a stratum's rows go to the test part: round(n · f), half to even.
    public static func testCount(stratumSize n: Int, testFraction: Double) -> Int {
        Int((Double(n) * testFraction).rounded(.toNearestOrEven))
    }

    /// Splits rows by their keys and labels.
    public init(keys: [String], labels: [UInt8], testFraction: Double, seed: UInt64) {
        precondition(testFraction > 0 && testFraction < 1, "test fraction must be in (0, 1)")
        // Strata keyed by (group, label) without building a string per row. The order in which
        // strata are visited does not matter: each has its own stream and both parts are sorted.
        struct Stratum: Hashable { let group: String; let label: UInt8 }
        var strata: [Stratum: [Int]] = [:]
        for i in keys.indices { strata[Stratum(group: keys[i], label: labels[i]), default: []].append(i) }
        var train: [Int] = [], test: [Int] = []
        train.reserveCapacity(keys.count)
        test.reserveCapacity(Int(Double(keys.count) * testFraction) + strata.count)
        for stratum in strata.keys.sorted(by: { ($0.group, $0.label) < ($1.group, $1.label) }) {
            var rows = strata[stratum]!
            var stream = StratumStream(rootSeed: seed, site: "split", group: stratum.group, label: Int(stratum.label))
            var draw = [Int32](repeating: 0, count: 1)
            for i in stride(from: rows.count - 1, to: 0, by: -1) {
                stream.draw(into: &draw, count: i + 1)
                rows.swapAt(i, Int(draw[0]))
            }
            let testCount = Self.testCount(stratumSize: rows.count, testFraction: testFraction)
            test += rows[0..<testCount]
            train += rows[testCount...]
        }
        self.train = train.sorted()
        self.test = test.sorted()
    }
}

extension StratifiedSplit {
    /// The audit's groups G: the keys of the training rows, sorted, with each key's index. A group
    /// with test rows but no training rows has no personalized model, so it is an error naming it.
    public func groupKeys(_ rowKeys: [String], source: String) throws -> (keys: [String], index: [String: Int]) {
        let keys = Array(Set(train.map { rowKeys[$0] })).sorted()
        let unseen = Set(test.map { rowKeys[$0] }).subtracting(keys)
        if !unseen.isEmpty {
            throw DataError(code: .invalidData, file: source, line: nil, column: nil,
                            message: "\(unseen.count) group(s) have test rows but no training rows: \(unseen.sorted().joined(separator: ", "))")
        }
        return (keys, Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) }))
    }
}
