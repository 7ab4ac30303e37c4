import AuditModelTypes
@testable import AuditModels
import Foundation
import Testing

/// One reference fit stored in a fixture JSON.
struct LRReferenceFit: Decodable {
    let intercept: Double
    let coefficients: [Double]
}

/// `heart.json` / `random.json` written by `Fixtures/lr/make_lr_fixtures.py`.
struct LRFixtureFile: Decodable {
    let rows: Int
    let columns: Int
    let labels: [UInt8]
    let sklearn: LRReferenceFit
    let newton: LRReferenceFit
    let sklearnWeighted: LRReferenceFit?
    let newtonWeighted: LRReferenceFit?

    enum CodingKeys: String, CodingKey {
        case rows, columns, labels, sklearn
        case newton = "numpy_newton"
        case sklearnWeighted = "sklearn_weighted"
        case newtonWeighted = "numpy_newton_weighted"
    }
}

/// A fixture design with its labels and reference fits.
struct LRFixture {
    let design: DesignMatrix
    let labels: [UInt8]
    let file: LRFixtureFile

    static func directory() throws -> URL {
        let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return root.appendingPathComponent("lr")
    }

    /// The standardized heart_cleveland design (303 x 20), labels, and sklearn / numpy references.
    static func heart() throws -> LRFixture {
        let dir = try directory()
        let file = try JSONDecoder().decode(LRFixtureFile.self, from: Data(contentsOf: dir.appendingPathComponent("heart.json")))
        let raw = try Data(contentsOf: dir.appendingPathComponent("heart_design.f64"))
        try #require(raw.count == file.rows * file.columns * 8)
        let values = raw.withUnsafeBytes { bytes in
            (0..<(file.rows * file.columns)).map { k in
                Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self)))
            }
        }
        return LRFixture(design: DesignMatrix(rowCount: file.rows, columnCount: file.columns, values: values),
                         labels: file.labels, file: file)
    }

    /// The seeded 400 x 250 design (entries int8 / 16), labels, and sklearn / numpy references.
    static func random() throws -> LRFixture {
        let dir = try directory()
        let file = try JSONDecoder().decode(LRFixtureFile.self, from: Data(contentsOf: dir.appendingPathComponent("random.json")))
        let raw = try Data(contentsOf: dir.appendingPathComponent("random_design.i8"))
        try #require(raw.count == file.rows * file.columns)
        let values = raw.map { Double(Int8(bitPattern: $0)) / 16 }
        return LRFixture(design: DesignMatrix(rowCount: file.rows, columnCount: file.columns, values: values),
                         labels: file.labels, file: file)
    }

    /// The weights used for the weighted reference fits: 1 for label 0, 2.5 for label 1.
    var classWeights: [Double] { labels.map { $0 == 1 ? 2.5 : 1.0 } }
}

/// Largest |a − b| / (relative · |b| + absolute) over intercept and coefficients; ≤ 1 means "within tolerance".
func lrMismatch(_ model: LogisticModel, _ reference: LRReferenceFit, relative: Double, absolute: Double) -> Double {
    lrMismatch([model.intercept] + model.coefficients, [reference.intercept] + reference.coefficients,
               relative: relative, absolute: absolute)
}

/// Largest |a − b| / (relative · |b| + absolute); ≤ 1 means "within tolerance".
func lrMismatch(_ a: [Double], _ b: [Double], relative: Double, absolute: Double) -> Double {
    precondition(a.count == b.count)
    var worst = 0.0
    for (x, y) in zip(a, b) { worst = max(worst, abs(x - y) / (relative * abs(y) + absolute)) }
    return worst
}

/// max |∇(objective)| / Σw, recomputed with plain scalar loops (independent of the library's kernels).
func lrIndependentGradient(_ model: LogisticModel, _ design: DesignMatrix, _ labels: [UInt8],
                           weights: [Double]? = nil, c: Double = 1) -> Double {
    let n = design.rowCount, d = design.columnCount
    var g = [Double](repeating: 0, count: d + 1)
    var weightSum = 0.0
    for i in 0..<n {
        var z = model.intercept
        for j in 0..<d { z += design[i, j] * model.coefficients[j] }
        let p = 1 / (1 + exp(-z))
        let w = weights?[i] ?? 1
        weightSum += w
        let r = w * (p - Double(labels[i]))
        for j in 0..<d { g[j] += r * design[i, j] }
        g[d] += r
    }
    var worst = abs(c * g[d])
    for j in 0..<d { worst = max(worst, abs(c * g[j] + model.coefficients[j])) }
    return worst / weightSum
}

/// SplitMix64: a tiny seeded generator so test designs are the same on every machine.
struct LRTestRandom {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Approximately standard normal (sum of 4 uniforms, rescaled).
    mutating func normal() -> Double {
        ((uniform() + uniform() + uniform() + uniform()) - 2) * 3.0.squareRoot()
    }

    /// An n x d design with approximately standard-normal entries and labels from a logistic model.
    static func problem(rows n: Int, columns d: Int, seed: UInt64) -> (DesignMatrix, [UInt8]) {
        var rng = LRTestRandom(state: seed)
        let values = (0..<(n * d)).map { _ in rng.normal() }
        let beta = (0..<d).map { _ in rng.normal() * 1.5 / Double(d).squareRoot() }
        var labels = [UInt8]()
        for i in 0..<n {
            var z = -0.3
            for j in 0..<d { z += values[i * d + j] * beta[j] }
            labels.append(rng.uniform() < 1 / (1 + exp(-z)) ? 1 : 0)
        }
        return (DesignMatrix(rowCount: n, columnCount: d, values: values), labels)
    }
}
