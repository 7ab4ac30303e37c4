@testable import AuditModels
import AuditModelTypes
import AuditSpec
import AuditTable
import Foundation
import Testing

/// Designs stored in single precision (`DesignMatrix.Precision.single`, automatic from 2^20
/// entries): the fits read the floats widened to double and keep double sums, so a fit on a
/// single-precision design is the exact fit of the rounded design. Oracles: the double path on the
/// rounded values (which shares no storage code with the single path), the scalar gradient of
/// `lrIndependentGradient`, and, for the designs, the double design rounded entry by entry.
@Suite("Designs in single precision")
struct SinglePrecisionDesignTests {
    /// A design of 2^20 + entries (the automatic threshold) with labels from a logistic model.
    static let problem = LRTestRandom.problem(rows: 26_300, columns: 40, seed: 29)

    @Test("the automatic precision is single from 2^20 entries on, double below")
    func automatic() {
        #expect(DesignMatrix.Precision.automatic(entries: (1 << 20) - 1) == .double)
        #expect(DesignMatrix.Precision.automatic(entries: 1 << 20) == .single)
        #expect(Self.problem.0.rowCount * Self.problem.0.columnCount >= 1 << 20)
    }

    @Test("a large single-precision design fits the minimizer of its rounded values, within 1e-4 of the double fit", arguments: [false, true])
    func fitAgrees(appending: Bool) throws {
        let (design, labels) = Self.problem
        let n = design.rowCount, d = design.columnCount
        let rounded = design.values.map { Double(Float($0)) }
        let single = DesignMatrix(rowCount: n, columnCount: d, singleValues: design.values.map(Float.init))
        #expect(single.precision == .single && single.values == rounded)
        // Two centred group indicators read in place (as a personalized model's are).
        var indicators: [Double] = []
        for i in 0..<n {
            indicators.append(i % 3 == 0 ? 2.0 / 3 : -1.0 / 3)
            indicators.append(i % 2 == 0 ? 0.5 : -0.5)
        }
        let extra: DesignMatrix? = appending ? DesignMatrix(rowCount: n, columnCount: 2, values: indicators) : nil
        func fit(_ x: DesignMatrix) throws -> LogisticModel {
            if let extra { return try LogisticRegression.fit(x, appending: extra, labels: labels) }
            return try LogisticRegression.fit(x, labels: labels)
        }
        let fromSingle = try fit(single)
        let fromRounded = try fit(DesignMatrix(rowCount: n, columnCount: d, values: rounded))
        let fromDouble = try fit(design)
        #expect(fromSingle.converged && fromRounded.converged && fromDouble.converged)
        // The same problem (the rounded design) by two storage paths: equal to the solver tolerance.
        let same = zip(fromSingle.coefficients + [fromSingle.intercept], fromRounded.coefficients + [fromRounded.intercept])
            .map { abs($0 - $1) }.max()!
        #expect(same < 1e-7, "single vs rounded-double: \(same)")
        // The scalar gradient at the single fit, on the rounded design, is at the stopping rule.
        let wide = extra.map { DesignMatrix(rowCount: n, columnCount: d, values: rounded).appendingColumns($0) }
            ?? DesignMatrix(rowCount: n, columnCount: d, values: rounded)
        #expect(lrIndependentGradient(fromSingle, wide, labels) < 1e-8)
        // Rounding every entry (relative 6e-8) moves the coefficients far less than 1e-4.
        let moved = zip(fromSingle.coefficients + [fromSingle.intercept], fromDouble.coefficients + [fromDouble.intercept])
            .map { abs($0 - $1) }.max()!
        #expect(moved < 1e-4, "single vs double: \(moved)")
        // Predictions read the same floats: σ(b + x·β) recomputed by a scalar loop.
        guard extra == nil else { return }
        let p = fromDouble.probabilities(single)
        for i in stride(from: 0, to: n, by: 997) {
            var z = fromDouble.intercept
            for j in 0..<d { z += rounded[i * d + j] * fromDouble.coefficients[j] }
            #expect(abs(p[i] - 1 / (1 + exp(-z))) < 1e-12)
        }
    }

    @Test("row subsets and appended columns keep single precision")
    func subsets() {
        let single = DesignMatrix(rowCount: 3, columnCount: 2, singleValues: [1, 2, 3, 4, 5, 6])
        let picked = single.rows([2, 0])
        #expect(picked.precision == .single && picked.singleValues == [5, 6, 1, 2])
        let wide = single.appendingColumns(DesignMatrix(rowCount: 3, columnCount: 1, values: [0.1, 0.2, 0.3]))
        #expect(wide.precision == .single && wide.singleValues == [1, 2, Float(0.1), 3, 4, Float(0.2), 5, 6, Float(0.3)])
        #expect(wide[1, 2] == Double(Float(0.2)))
    }
}

/// `Preprocessor.designs`: the single-precision sweep that writes both designs while it releases
/// the table's columns.
@Suite("Single-precision designs from a dataset")
struct SinglePrecisionSweepTests {
    /// A dataset of `n` rows: numeric features with missing values (in double or single
    /// precision), a categorical feature with a missing code, two groups.
    static func dataset(rows n: Int, single: Bool) -> AuditDataset {
        var rng = LRTestRandom(state: 5)
        let numeric = (0..<3).map { j -> AuditDataset.NumericFeature in
            let values = (0..<n).map { i -> Double in
                i % (11 + j) == 3 ? .nan : 1000 * Double(j) + rng.normal() * Double(j + 1)
            }
            return single ? .init(name: "x\(j)", numbers: .single(values.map(Float.init))) : .init(name: "x\(j)", values: values)
        }
        let codes = (0..<n).map { i -> Int32 in i % 17 == 0 ? -1 : Int32(i % 3) }
        let keys = (0..<n).map { $0 % 2 == 0 ? "g=a" : "g=b" }
        return AuditDataset(source: "t.csv", labels: (0..<n).map { UInt8($0 % 5 == 0 ? 1 : 0) }, attributes: ["g"],
                            attributeValues: [keys.map { String($0.dropFirst(2)) }], rowKeys: keys, numeric: numeric,
                            categorical: [.init(name: "c", levels: ["p", "q", "r"], codes: codes)])
    }

    @Test("the sweep writes the double designs rounded entry by entry, across windows; releasing empties the dataset", arguments: [false, true])
    func sweep(singleTable: Bool) {
        let n = 150_000   // more than two 65,536-row windows
        var dataset = Self.dataset(rows: n, single: singleTable)
        let test = Array(stride(from: 1, to: n, by: 5)), testSet = Set(test)
        let train = (0..<n).filter { !testSet.contains($0) }
        let preprocessor = Preprocessor(dataset: dataset, trainingRows: train)
        let expectedTrain = preprocessor.design(dataset, rows: train).values.map(Float.init)
        let expectedTest = preprocessor.design(dataset, rows: test).values.map(Float.init)
        let kept = dataset   // another owner of the same columns: releasing must leave them intact
        let before = kept.numeric.map(\.values)
        let (trainDesign, testDesign) = preprocessor.designs(&dataset, train: train, test: test,
                                                             precision: .single, releasing: true)
        #expect(dataset.numeric.isEmpty)
        #expect(trainDesign.precision == .single && testDesign.precision == .single)
        #expect(trainDesign.rowCount == train.count && testDesign.rowCount == test.count)
        #expect(trainDesign.singleValues! == expectedTrain)
        #expect(testDesign.singleValues! == expectedTest)
        let after = kept.numeric.map(\.values)
        #expect(zip(before, after).allSatisfy { a, b in zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) } })
    }

    @Test("in double precision the designs are design(_:rows:), unchanged")
    func double() {
        var dataset = Self.dataset(rows: 2000, single: false)
        let train = Array(0..<1500), test = Array(1500..<2000)
        let preprocessor = Preprocessor(dataset: dataset, trainingRows: train)
        let expected = preprocessor.design(dataset, rows: train).values
        let (trainDesign, testDesign) = preprocessor.designs(&dataset, train: train, test: test, precision: .double, releasing: false)
        #expect(trainDesign.precision == .double && trainDesign.values == expected && testDesign.rowCount == 500)
        #expect(dataset.numeric.count == 3)
    }
}

/// A dataset built from a table read in single precision (as a file of 256 MiB or more is).
@Suite("Datasets from single-precision tables")
struct SinglePrecisionDatasetTests {
    static let spec: AuditSpec = {
        var spec = AuditSpec(name: "t", outcome: OutcomeSpec(column: "y"), groups: [GroupAttributeSpec(column: "g")])
        spec.tests.bootstrapReplicates = 10
        return spec
    }()

    @Test("features are single precision, the outcome and the groups exact")
    func features() throws {
        var text = "g,x,y\n"
        for i in 0..<40 { text += "\(i % 2 == 0 ? "a" : "b"),\(Double(i) * 0.1 + 1e6),\(i % 3 == 0 ? 1 : 0)\n" }
        let table = try DataTable.parse(bytes: Array(text.utf8), source: "t.csv",
                                        kinds: AuditDataset.columnKinds(for: Self.spec),
                                        numbers: .single(except: ["y", "g"]))
        let dataset = try AuditDataset.build(table: table, spec: Self.spec)
        guard case .single(let x) = dataset.numeric.first?.numbers else {
            Issue.record("x: expected a single-precision feature")
            return
        }
        #expect(x == (0..<40).map { Float(Double($0) * 0.1 + 1e6) })
        #expect(dataset.labels == (0..<40).map { UInt8($0 % 3 == 0 ? 1 : 0) })
        #expect(Set(dataset.rowKeys) == ["g=a", "g=b"])
    }

    @Test("a finite number beyond the float range is refused with the file, column and row, not the value")
    func overflow() throws {
        let text = "g,x,y\na,1.5,1\nb,2.5e39,0\na,3,0\n"
        let table = try DataTable.parse(bytes: Array(text.utf8), source: "big.csv",
                                        kinds: AuditDataset.columnKinds(for: Self.spec),
                                        numbers: .single(except: ["y", "g"]))
        do {
            _ = try AuditDataset.build(table: table, spec: Self.spec)
            Issue.record("expected an error")
        } catch let error as DataError {
            #expect(error.code == .invalidData && error.column == "x" && error.file == "big.csv")
            #expect(error.message.contains("data row 2") && error.message.contains("single precision"))
            #expect(!error.message.contains("2.5e39") && !error.message.contains("2.5e+39"))
        }
    }
}
