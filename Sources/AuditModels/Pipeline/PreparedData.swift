import AuditModelTypes
import AuditSpec
import Foundation

/// Seconds per pipeline stage, accumulated lap by lap (`timings` in the report).
struct StageTimer {
    private(set) var timings: [String: Double] = [:]
    let start = Date()
    private var clock = Date()

    /// Adds the time since the last lap to `name`.
    mutating func lap(_ name: String) {
        let now = Date()
        timings[name, default: 0] += now.timeIntervalSince(clock)
        clock = now
    }

    /// The timings with `total` since the start.
    func finished() -> [String: Double] {
        var out = timings
        out["total"] = Date().timeIntervalSince(start)
        return out
    }
}

/// The stages the binary and the continuous pipelines share, from the loaded dataset to the design
/// matrices: the seeded split stratified by group and label (a continuous outcome's labels are all
/// 0, so it is stratified by group only), the group sizes, the preprocessing fitted on the
/// training rows, and the notes these stages owe the report. One implementation, so a split or a
/// preprocessing change reaches both outcome types.
struct PreparedData {
    /// The dataset without its feature columns: once the designs are built they hold the features,
    /// and a copy kept here would double the memory of a large table for the rest of the audit.
    let dataset: AuditDataset
    let split: StratifiedSplit
    /// Group keys in order, and each key's index.
    let keys: [String]
    let keyIndex: [String: Int]
    /// Sizes per group (positives are 0 for a continuous outcome).
    let groups: [LocalAudit.GroupSize]
    let preprocessor: Preprocessor
    let trainDesign: DesignMatrix
    let testDesign: DesignMatrix
    /// Group index of each training row, and of each test row.
    let trainKeys: [Int]
    let testKeys: [Int32]
    /// Test row ids: 0-based data row indices.
    let rowIDs: [String]
    /// Notes on groups without test rows and dropped features.
    let notes: [String]

    /// Splits and preprocesses `dataset`; `testRows`, when given, fixes the test split.
    ///
    /// The designs are stored in `precision`, by default by size
    /// (`DesignMatrix.Precision.automatic`: single precision from 2^20 entries). With `releasing`
    /// the dataset's numeric columns are taken from it and released as the designs are written
    /// (for a caller that owns the dataset; see `Preprocessor.designs`).
    static func prepare(_ dataset: inout AuditDataset, spec: AuditSpec, dataPath: String, testRows: [Int]?,
                        precision: DesignMatrix.Precision? = nil, releasing: Bool = false,
                        progress: (LocalAudit.Stage, String) -> Void, timer: inout StageTimer) throws -> PreparedData {
        let split = try testRows.map { try StratifiedSplit(testRows: $0, rowCount: dataset.count, source: dataPath) }
            ?? StratifiedSplit(keys: dataset.rowKeys, labels: dataset.labels,
                               testFraction: spec.split.testFraction, seed: spec.split.seed)
        let (keys, keyIndex) = try split.groupKeys(dataset.rowKeys, source: dataset.source)
        var notes: [String] = []
        // Each train and test row's group index (one lookup per row), then the sizes in one pass.
        let trainKeys = split.train.map { keyIndex[dataset.rowKeys[$0]]! }
        let testKeys = split.test.map { Int32(keyIndex[dataset.rowKeys[$0]]!) }
        var sizes = [(train: Int, trainPositives: Int, test: Int, testPositives: Int)](repeating: (0, 0, 0, 0), count: keys.count)
        for (row, g) in zip(split.train, trainKeys) {
            sizes[g].train += 1
            sizes[g].trainPositives += Int(dataset.labels[row])
        }
        for (row, g) in zip(split.test, testKeys) {
            sizes[Int(g)].test += 1
            sizes[Int(g)].testPositives += Int(dataset.labels[row])
        }
        let groups = zip(keys, sizes).map { key, size in
            LocalAudit.GroupSize(key: key, trainCount: size.train, trainPositives: size.trainPositives,
                                 testCount: size.test, testPositives: size.testPositives)
        }
        for g in groups where g.testCount == 0 {
            notes.append("group \(g.key) has no rows in the test split and is not evaluated")
        }
        progress(.split, "\(dataset.count) rows: \(split.train.count) train, \(split.test.count) test, \(keys.count) groups")
        timer.lap("split")

        let preprocessor = Preprocessor(dataset: dataset, trainingRows: split.train)
        for name in preprocessor.dropped {
            notes.append("feature \(name) has no observed value in the training rows and is dropped")
        }
        let storage = precision ?? .automatic(entries: dataset.count * preprocessor.designColumns.count)
        let (trainDesign, testDesign) = preprocessor.designs(&dataset, train: split.train, test: split.test,
                                                             precision: storage, releasing: releasing)
        var featureless = dataset
        featureless.numeric = []
        featureless.categorical = []
        return PreparedData(
            dataset: featureless, split: split, keys: keys, keyIndex: keyIndex, groups: groups, preprocessor: preprocessor,
            trainDesign: trainDesign, testDesign: testDesign,
            trainKeys: trainKeys, testKeys: testKeys,
            rowIDs: split.test.map(String.init), notes: notes)
    }
}
