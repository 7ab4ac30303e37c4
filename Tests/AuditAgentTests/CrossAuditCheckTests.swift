import Foundation
import Testing
@testable import AuditAgent

/// The cross-audit differencing check on hand-built releases: each case states which rows a
/// release made known and what an attacker could subtract, and the expected decision follows
/// from that arithmetic (not from the check).
@Suite("Cross-audit differencing check")
struct CrossAuditCheckTests {
    /// Rows of a site as (sex, age band, label) with `counts[(sex, age)] = (rows, positives)`.
    static func rows(_ cells: [(sex: String, age: String, rows: Int, positives: Int)]) -> [(sex: String, age: String, label: UInt8)] {
        cells.flatMap { cell in (0..<cell.rows).map { (cell.sex, cell.age, UInt8($0 < cell.positives ? 1 : 0)) } }
    }

    static let site = rows([("F", "<65", 12, 3), ("F", "65+", 150, 45), ("M", "<65", 150, 35), ("M", "65+", 150, 50)])

    static func partition(_ name: String, key: ((sex: String, age: String, label: UInt8)) -> String,
                          released: Set<String>, rows: [(sex: String, age: String, label: UInt8)] = site) -> ReleasedPartition {
        ReleasedPartition(name: name, keys: rows.map(key), labels: rows.map(\.label), released: released)
    }

    static func bySexAndAge(_ r: (sex: String, age: String, label: UInt8)) -> String { "sex=\(r.sex);age=\(r.age)" }
    static func bySex(_ r: (sex: String, age: String, label: UInt8)) -> String { "sex=\(r.sex)" }
    static func byAge(_ r: (sex: String, age: String, label: UInt8)) -> String { "age=\(r.age)" }

    /// Audit 1 withheld (F, <65); audit 2 by sex alone would release F, and F − (F, 65+) is the
    /// withheld group (its rows and deaths). Withholding F is the one fix; M is safe.
    @Test func theTwoSpecAttackWithholdsTheGroupThatCompletesTheDifference() {
        let first = Self.partition("audit A1 (task T1)", key: Self.bySexAndAge,
                                   released: ["sex=F;age=65+", "sex=M;age=<65", "sex=M;age=65+"])
        let second = Self.partition("audit A2 (task T2)", key: Self.bySex, released: ["sex=F", "sex=M"])
        let decision = CrossAuditCheck.decide(earlier: [first], candidate: second, minCell: 5, withhold: true)
        #expect(decision.refusal == nil)
        #expect(decision.withheld.map(\.key) == ["sex=F"])
        #expect(decision.withheld.first?.finding.combinesWith == ["audit A1 (task T1)"])
        let reason = decision.withheld.first?.finding.reason(minCell: 5) ?? ""
        #expect(reason.contains("audit A1 (task T1)") && reason.contains("min_cell (5)"))
        #expect(!reason.contains("12") && !reason.contains(" 3 "), "the reason states no count")
        // The same release under policy.cross_audit: refuse.
        let refused = CrossAuditCheck.decide(earlier: [first], candidate: second, minCell: 5, withhold: false)
        #expect(refused.withheld.isEmpty && refused.refusal?.combinesWith == ["audit A1 (task T1)"])
    }

    /// In the other order: audit 1 by sex released F; audit 2 by sex × age withholds (F, <65)
    /// itself (small cell) and must then also withhold (F, 65+), or F − (F, 65+) reveals it.
    @Test func aLaterFinerAuditWithholdsTheSiblingOfItsWithheldCell() {
        let first = Self.partition("audit A1 (task T1)", key: Self.bySex, released: ["sex=F", "sex=M"])
        let second = Self.partition("audit A2 (task T2)", key: Self.bySexAndAge,
                                    released: ["sex=F;age=65+", "sex=M;age=<65", "sex=M;age=65+"])
        let decision = CrossAuditCheck.decide(earlier: [first], candidate: second, minCell: 5, withhold: true)
        #expect(decision.refusal == nil)
        #expect(decision.withheld.map(\.key) == ["sex=F;age=65+"])
    }

    /// Marginals never single out a cell: sex, then age, with every group released, is safe; so
    /// is repeating the same release.
    @Test func marginalsAndRepeatsAreSafe() {
        let bySex = Self.partition("audit A1 (task T1)", key: Self.bySex, released: ["sex=F", "sex=M"])
        let byAge = Self.partition("audit A2 (task T2)", key: Self.byAge, released: ["age=<65", "age=65+"])
        #expect(CrossAuditCheck.decide(earlier: [bySex], candidate: byAge, minCell: 5, withhold: true).withheld.isEmpty)
        #expect(CrossAuditCheck.decide(earlier: [bySex], candidate: bySex, minCell: 5, withhold: true).withheld.isEmpty)
        #expect(CrossAuditCheck.decide(earlier: [], candidate: bySex, minCell: 5, withhold: true).refusal == nil)
    }

    /// Sex and age marginals, then sex × age with the small (F, <65) cell withheld: the 2 × 2
    /// table with known margins has one degree of freedom, so any released cell pins (F, <65)
    /// (e.g. F − (65+ − (M, 65+))). Every group would have to go, so the task is refused, and
    /// each earlier audit alone suffices (F + M and <65 + 65+ both give the total), so the reason
    /// names the earlier releases in general.
    @Test func overlappingMarginalsLeaveNothingSafeSoTheTaskIsRefused() {
        let bySex = Self.partition("audit A1 (task T1)", key: Self.bySex, released: ["sex=F", "sex=M"])
        let byAge = Self.partition("audit A2 (task T2)", key: Self.byAge, released: ["age=<65", "age=65+"])
        let cross = Self.partition("audit A3 (task T3)", key: Self.bySexAndAge,
                                   released: ["sex=F;age=65+", "sex=M;age=<65", "sex=M;age=65+"])
        let decision = CrossAuditCheck.decide(earlier: [bySex, byAge], candidate: cross, minCell: 5, withhold: true)
        #expect(decision.refusal?.kind == .withheldGroup)
        #expect(decision.refusal?.reason(minCell: 5).contains("earlier releases on the same data") == true)
        // With only the sex marginal, withholding (F, 65+) suffices (see the test above); with
        // only the age marginal, (M, <65).
        let byAgeOnly = CrossAuditCheck.decide(earlier: [byAge], candidate: cross, minCell: 5, withhold: true)
        #expect(byAgeOnly.refusal == nil && byAgeOnly.withheld.map(\.key) == ["sex=M;age=<65"])
    }

    /// Totals alone: audit 1 withheld a single rare row (its key never released) and released the
    /// rest; audit 2 releases every row in one group, so total₂ − total₁ is that one row.
    @Test func totalsCannotRevealWithheldRows() {
        var rows = Self.site
        rows.append(("F", "rare", 0))
        let first = Self.partition("audit A1 (task T1)", key: Self.bySexAndAge,
                                   released: ["sex=F;age=<65", "sex=F;age=65+", "sex=M;age=<65", "sex=M;age=65+"], rows: rows)
        let second = Self.partition("audit A2 (task T2)", key: Self.bySex, released: ["sex=F", "sex=M"], rows: rows)
        let decision = CrossAuditCheck.decide(earlier: [first], candidate: second, minCell: 5, withhold: true)
        #expect(decision.withheld.map(\.key) == ["sex=F"])
    }

    /// Exact span membership, including a combination with a coefficient of −1 and a vector
    /// outside the span.
    @Test func rowSpaceIsExact() throws {
        var span = RowSpace(width: 4)
        try span.add([1, 1, 0, 0])
        try span.add([0, 1, 1, 0])
        try span.add([1, 1, 1, 0])
        #expect(try span.contains([0, 0, 1, 0]))            // (1,1,1,0) − (1,1,0,0)
        #expect(try span.contains([1, 0, 0, 0]))            // (1,1,1,0) − (0,1,1,0)
        #expect(try span.contains([0, 1, 0, 0]))
        #expect(try !span.contains([0, 0, 0, 1]))
        #expect(span.rank == 3)
    }
}
