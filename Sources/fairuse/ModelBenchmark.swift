import ArgumentParser
import AuditModelTypes
import AuditModels
import AuditReport
import AuditSpec
import AuditTable
import Foundation

/// `fairuse benchmark --model-class C`: one model class on the bundled flchain data, fairuse next to
/// scikit-learn (`Deploy/benchmark_models.py`) in the same run, on the same design matrices: the
/// generic design of the spec's split and preprocessing, and the same with the onehot indicators
/// appended. Reports the best-of-R fit + test-prediction time and the test AUC of each.
struct ModelBenchmark {
    let modelClass: ModelClass
    let specPath: String
    let python: String
    let script: String
    let work: String
    let repeats: Int
    let swiftOnly: Bool

    func run() throws {
        var spec = try AuditSpec.load(path: specPath)
        spec.model = spec.model.with(modelClass: modelClass)
        guard let dataPath = spec.resolvedDataPath(specPath: specPath) else { throw ValidationError("the spec names no data") }
        let dataset = try AuditDataset.load(path: dataPath, spec: spec)
        let split = StratifiedSplit(keys: dataset.rowKeys, labels: dataset.labels,
                                    testFraction: spec.split.testFraction, seed: spec.split.seed)
        let preprocessor = Preprocessor(dataset: dataset, trainingRows: split.train)
        let keys = Array(Set(split.train.map { dataset.rowKeys[$0] })).sorted()
        let index = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) })
        let (columns, active) = PersonalizedModel.indicators(technique: .onehot, keys: keys, attributes: dataset.attributes)
        func indicators(_ rows: [Int]) -> DesignMatrix {
            PersonalizedModel.indicatorMatrix(rows.map { index[dataset.rowKeys[$0]]! }, active: active, columns: columns.count)
        }
        let train = preprocessor.design(dataset, rows: split.train), test = preprocessor.design(dataset, rows: split.test)
        let designs = [("generic", train, test),
                       ("onehot", train.appendingColumns(indicators(split.train)), test.appendingColumns(indicators(split.test)))]
        let labels = split.train.map { dataset.labels[$0] }, testLabels = split.test.map { dataset.labels[$0] }
        let trainer = ClassifierTrainer(model: spec.model)

        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        var table = TextTable(header: ["design", "rows × cols", "fairuse s", "sklearn s", "ratio", "fairuse AUC", "sklearn AUC"])
        for (name, x, xt) in designs {
            var best = Double.infinity, p: [Double] = []
            for _ in 0..<repeats {
                let start = Date()
                p = try trainer.fit(x, labels: labels, weights: nil, role: "generic").probabilities(xt)
                best = min(best, Date().timeIntervalSince(start))
            }
            let auc = Self.auc(p, testLabels)
            var theirs: (seconds: Double, auc: Double)?
            if !swiftOnly {
                let trainPath = "\(work)/\(name).train.csv", testPath = "\(work)/\(name).test.csv"
                try Self.write(x, labels, to: trainPath)
                try Self.write(xt, testLabels, to: testPath)
                theirs = try runPython(["--train", trainPath, "--test", testPath, "--model-class", modelClass.rawValue,
                                        "--repeats", String(repeats)])
            }
            table.append([name, "\(x.rowCount) × \(x.columnCount)", NumberFormat.fixed(best, 3),
                          NumberFormat.fixed(theirs?.seconds, 3),
                          theirs.map { NumberFormat.fixed($0.seconds / best, 1) + "×" } ?? "—",
                          NumberFormat.fixed(auc, 4), NumberFormat.fixed(theirs?.auc, 4)])
        }
        print("\(modelClass) on \(dataPath): fit on the training rows + predict the test rows, best of \(repeats); "
              + "both on up to 2 threads (sklearn n_jobs=2 for forests)")
        print(table.render(), terminator: "")
    }

    /// Runs the scikit-learn side and reads its JSON line.
    func runPython(_ arguments: [String]) throws -> (seconds: Double, auc: Double) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python.contains("/") ? python : "/usr/bin/env")
        process.arguments = (python.contains("/") ? [] : [python]) + [script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let json = try JSONSerialization.jsonObject(with: data) as? [String: Double],
              let seconds = json["seconds"], let auc = json["auc"] else {
            throw CommandError("\(script) exited with status \(process.terminationStatus)")
        }
        return (seconds, auc)
    }

    /// A design and its labels as CSV (x0,…,y), with shortest round-trip numbers.
    static func write(_ x: DesignMatrix, _ y: [UInt8], to path: String) throws {
        var text = (0..<x.columnCount).map { "x\($0)" }.joined(separator: ",") + ",y\n"
        for i in 0..<x.rowCount {
            for j in 0..<x.columnCount { text += "\(x[i, j])," }
            text += "\(y[i])\n"
        }
        try AtomicFile.write(Data(text.utf8), to: path)
    }

    /// Mann–Whitney AUC with midranks for ties.
    static func auc(_ p: [Double], _ y: [UInt8]) -> Double {
        let order = p.indices.sorted { p[$0] < p[$1] }
        var rankSum = 0.0, k = 0
        while k < order.count {
            var j = k
            while j + 1 < order.count && p[order[j + 1]] == p[order[k]] { j += 1 }
            let midrank = Double(k + j + 2) / 2
            for t in k...j where y[order[t]] == 1 { rankSum += midrank }
            k = j + 1
        }
        let positives = Double(y.filter { $0 == 1 }.count), negatives = Double(y.count) - positives
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
    }
}
