import AuditModels
import AuditStats
import AuditTable
import AuditWire
import Foundation
import Testing
@testable import AuditAgent

/// Each kind of withholding of the disclosure model on hand-made rows, with its finding's words.
/// min_cell 5, four ECE bins (0, ¼], (¼, ½], (½, ¾], (¾, 1]; every model predicts alike unless said.
@Suite("Disclosure model: each rule on hand-made rows")
struct DisclosureTests {
    /// Rows of one group: (label, h0, own model) — the other groups' models predict as h0.
    typealias Row = (y: UInt8, h0: Double, own: Double)

    static func rows(_ count: Int, y: UInt8, h0: Double, own: Double? = nil) -> [Row] {
        Array(repeating: (y, h0, own ?? h0), count: count)
    }

    /// Groups a … e, each built to trip one rule:
    /// - a: clean (10 positives at 0.8, 10 negatives at 0.2);
    /// - b: 2 negatives at 0.3 make bin (¼, ½] hold 2 rows → bins merged;
    /// - c: h0 and the own model put 20 positives in bins 3/4 crosswise, 7 + 3 + 3 + 7 → joint cells of 3 dropped;
    /// - d: h0 and the own model both misclassify 2 negatives → error statistics withheld;
    /// - e: 8 positives and 3 negatives → the group is withheld.
    static var groups: [[Row]] {
        let a = rows(10, y: 1, h0: 0.8) + rows(10, y: 0, h0: 0.2)
        let b = rows(10, y: 1, h0: 0.9) + rows(8, y: 0, h0: 0.1) + rows(2, y: 0, h0: 0.3)
        let c = rows(7, y: 1, h0: 0.6) + rows(3, y: 1, h0: 0.6, own: 0.9) + rows(3, y: 1, h0: 0.9, own: 0.6)
            + rows(7, y: 1, h0: 0.9) + rows(10, y: 0, h0: 0.1)
        let d = rows(10, y: 1, h0: 0.9) + rows(8, y: 0, h0: 0.1) + rows(2, y: 0, h0: 0.9)
        let e = rows(8, y: 1, h0: 0.9) + rows(3, y: 0, h0: 0.1)
        return [a, b, c, d, e]
    }

    static var predictions: Predictions {
        let keys = ["g=a", "g=b", "g=c", "g=d", "g=e"]
        var groupOf: [Int32] = [], labels: [UInt8] = [], generic: [Double] = [], personalized: [Double] = []
        for (g, rows) in groups.enumerated() {
            for row in rows {
                groupOf.append(Int32(g))
                labels.append(row.y)
                generic.append(row.h0)
                personalized += keys.indices.map { $0 == g ? row.own : row.h0 }
            }
        }
        return Predictions(keys: keys, sites: Array(repeating: "s", count: labels.count), groups: groupOf,
                           labels: labels, generic: generic, personalized: personalized)
    }

    static func release() -> Disclosure.Release {
        Disclosure.release([(technique: "intersectional", predictions: predictions)], site: "s",
                           settings: ExtractionSettings(eceBins: 4, bootstrapReplicates: 0, site: "s"), minCell: 5)
    }

    @Test func everyRuleAndItsFinding() throws {
        let release = Self.release()
        let expected: [Disclosure.Finding] = [
            .init(group: "g=e", scope: .group, rule: .belowMinCell, minCell: 5),
            .init(group: "g=b", scope: .eceBins, rule: .belowMinCell, minCell: 5),
            .init(group: nil, scope: .eceBins, rule: .revealedBySubtraction, minCell: 5),
            .init(group: "g=c", scope: .eceCross, rule: .belowMinCell, minCell: 5),
            .init(group: nil, scope: .eceCross, rule: .revealedBySubtraction, minCell: 5),
            .init(group: "g=d", scope: .errors, rule: .belowMinCell, minCell: 5),
            .init(group: nil, scope: .errors, rule: .revealedBySubtraction, minCell: 5),
        ]
        // The words every report shows are the vocabulary's, naming the rule and min_cell only.
        #expect(expected[0].reason == "a cell at this site is below min_cell (5); the group's rows were withheld")
        #expect(expected[6].reason == "a group's cells were withheld (min_cell 5) and these would reveal them by subtraction; "
                + "error statistics (misclassified rows, McNemar cells) were withheld")
        #expect(release.findings == expected)
        #expect(release.withheldGroups == ["g=e"])

        let statistics = try #require(release.techniques.first?.statistics)
        #expect(statistics.groups[4] == nil)
        let a = try #require(statistics.groups[0]), b = try #require(statistics.groups[1])
        let c = try #require(statistics.groups[2]), d = try #require(statistics.groups[3])
        // a: untouched.
        #expect(a.errorRows == nil && a.calibration[0].edges == nil)
        // b: bin (¼, ½] (2 rows) merged into the bins above it, for every model: 2 of 4 bins remain.
        #expect(b.calibration[0].edges == Array(repeating: [0, 3], count: 6))
        #expect(b.calibration[0].bins.allSatisfy { $0.counts == [8, 12] })
        // c: of h0 × own cells (2,2) 7, (2,3) 3, (3,2) 3, (3,3) 7 and (0,0) 10, the two cells of 3 are not sent.
        #expect(c.calibration[0].cross[0].cells == [0, 2 * 4 + 2, 3 * 4 + 3])
        #expect(c.calibration[0].cross[0].counts == [10, 7, 7])
        // d: error statistics zeros with error_rows 0; everything else still sent.
        #expect(d.errorRows?.allSatisfy { $0 == 0 } == true && d.wrong.allSatisfy { $0 == 0 })
        #expect(d.discordance.allSatisfy { $0 == Discordance(n10: 0, n01: 0) })
        #expect(d.count == 20 && d.positives == 10 && d.logLossSum[0] > 0)
        // The population: errors withheld (complementary), both models' bins on b's partition,
        // the crosswise cell dropped.
        let population = statistics.population
        #expect(population.count == 90 && population.errorRows?.allSatisfy { $0 == 0 } == true)
        #expect(population.calibration[0].edges == [[0, 3], [0, 3]])
        #expect(population.calibration[0].cross[0].cells == [0])
    }

    /// Joint row counts stay at the site: they are not on the wire, and `error_rows` is.
    @Test func jointCountsNeverLeaveAndErrorRowsDoes() throws {
        let statistics = try #require(Self.release().techniques.first?.statistics)
        let json = String(decoding: try PayloadCodec.encodeJSON(statistics), as: UTF8.self)
        #expect(!json.contains("\"counts\":[10,7,7]"))
        let cross = try #require(statistics.groups[2]?.calibration[0].cross[0])
        let wire = try PayloadCodec.encodeJSON(cross)
        let object = try #require(try JSONSerialization.jsonObject(with: wire) as? [String: Any])
        #expect(object.keys.sorted() == ["cells", "sums"])
        let decoded = try PayloadCodec.decodeJSON(CalibrationCrossMoments.self, from: wire)
        #expect(decoded == cross && decoded.counts.isEmpty && !decoded.hasCounts)
        #expect(json.contains("\"error_rows\":[0,"))
        #expect(try PayloadCodec.decodeJSON(SiteStatistics.self, from: Data(json.utf8)) == statistics)
    }

    /// Cells whose rows are unknown (decoded moments) are not sent: the rule fails closed.
    @Test func jointCellsWithoutCountsAreDropped() {
        let moments = CalibrationCrossMoments(cells: [0, 5], sums: [0.1, 0.2])
        let (kept, dropped) = Disclosure.split(moments, minCell: 2, excluding: [])
        #expect(kept.cells.isEmpty && dropped == [0, 5])
    }

    /// Refusal reasons leave the site: no local path, line or value.
    @Test func refusalReasonsNameNoPath() {
        let error = DataError(code: .notNumeric, file: "/secure/hospital/cohort.csv", line: 1234, column: "creatinine",
                              message: "expected a number")
        let reason = RefusalReason.dataInvalid(error)
        #expect(reason == "the site's data does not fit the audit spec (notNumeric, column 'creatinine')")
        #expect(!reason.contains("/secure") && !reason.contains("1234"))
    }
}
