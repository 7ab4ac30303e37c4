/// The span of a set of integer vectors, kept in echelon form with exact integer arithmetic, to
/// decide whether a vector is a linear combination of released counts (`CrossAuditCheck`).
///
/// Fraction-free elimination: each stored row's first nonzero entry is its pivot and pivots are
/// distinct; reducing `v` by a row scales `v` and subtracts, then divides by the gcd, so entries
/// stay small for 0/1 inputs. Every operation is overflow-checked; an overflow throws
/// ``Overflow`` and the caller fails closed. Rational elimination would give the same answers.
struct RowSpace: Sendable {
    /// Thrown when an entry would not fit in an `Int`.
    struct Overflow: Error {}

    private(set) var rows: [[Int]] = []
    private(set) var pivots: [Int] = []
    let width: Int

    init(width: Int) { self.width = width }

    /// The dimension of the span.
    var rank: Int { rows.count }

    /// Adds `vector` to the span (nothing changes when it is already in it).
    mutating func add(_ vector: [Int]) throws {
        let reduced = try reduce(vector)
        guard let pivot = reduced.firstIndex(where: { $0 != 0 }) else { return }
        let at = pivots.firstIndex { $0 > pivot } ?? pivots.count
        rows.insert(reduced, at: at)
        pivots.insert(pivot, at: at)
    }

    /// Whether `vector` is a linear combination (rational coefficients) of the added vectors.
    func contains(_ vector: [Int]) throws -> Bool {
        try reduce(vector).allSatisfy { $0 == 0 }
    }

    /// `vector` minus its part in the span: rows in pivot order eliminate their pivot column; a
    /// later row has zeros before its pivot, so an eliminated column stays zero.
    private func reduce(_ vector: [Int]) throws -> [Int] {
        precondition(vector.count == width, "a vector of \(vector.count) entries in a span of width \(width)")
        var v = vector
        for (row, pivot) in zip(rows, pivots) where v[pivot] != 0 {
            let a = row[pivot], b = v[pivot]
            for j in 0..<width where row[j] != 0 || v[j] != 0 {
                v[j] = try Self.checked(Self.checked(a, times: v[j]), minus: Self.checked(b, times: row[j]))
            }
            let divisor = v.reduce(0) { Self.gcd($0, $1) }
            if divisor > 1 { for j in v.indices { v[j] /= divisor } }
        }
        return v
    }

    private static func checked(_ a: Int, times b: Int) throws -> Int {
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        if overflow { throw Overflow() }
        return value
    }

    private static func checked(_ a: Int, minus b: Int) throws -> Int {
        let (value, overflow) = a.subtractingReportingOverflow(b)
        if overflow { throw Overflow() }
        return value
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (a.magnitude, b.magnitude)
        while y != 0 { (x, y) = (y, x % y) }
        return Int(x)
    }
}
