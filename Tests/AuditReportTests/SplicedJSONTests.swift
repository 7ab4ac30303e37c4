import AuditCore
import AuditStats
import Foundation
import Testing
@testable import AuditReport

/// The report's JSON with its heterogeneity tables encoded in parallel and spliced in must be the
/// very bytes of one pass of Foundation's encoder (`plainJSONData`, the oracle): the coordinator
/// stores those bytes and their digest.
@Suite("Report JSON: parallel heterogeneity tables, byte for byte")
struct SplicedJSONTests {
    @Test func federatedReportIsTheOnePassBytes() throws {
        let document = federatedDocument()
        let spliced = try #require(try document.splicedJSONData(), "the table of 48 entries is spliced")
        #expect(spliced == (try document.plainJSONData()))
        #expect(try document.jsonData() == (try document.plainJSONData()))
    }

    /// Several sections — one without a table, one with an empty table, one too small to splice,
    /// large ones — with names, sites and numbers that exercise escaping and number formatting.
    @Test func awkwardSectionsAreTheOnePassBytes() throws {
        var document = federatedDocument()
        let base = try #require(document.results.first)
        let table = try #require(base.heterogeneity)
        let edges: [Double] = [.nan, .infinity, -.infinity, -0.0, 0, 1e-300, 5e-324, 1.7976931348623157e308, 0.1, -2.5e-8, 1e21, 123456789]
        var awkward = table
        for index in awkward.indices {
            var estimates = awkward[index].meta.estimates
            for e in estimates.indices {
                estimates[e] = MetaAnalysis.Estimate(site: ["st \"olav\"", "a/b", "é漢\n\t", "\\back"][e % 4] + "-\(e)",
                                                     value: edges[(index + e) % edges.count],
                                                     variance: edges[(index * 7 + e) % edges.count])
            }
            awkward[index].meta.estimates = estimates
            awkward[index].group = "g=\"\(index)\"/x"
        }
        func section(_ name: String, _ entries: [HeterogeneityEntry]?) -> ReportDocument.TechniqueSection {
            var copy = base
            copy.name = name
            copy.heterogeneity = entries
            return copy
        }
        document.results = [
            section("none", nil), section("large \"one\"", table), section("empty", []), section("small", Array(table.prefix(5))),
            section("awkward/é", awkward), section("largest", table + awkward + table),
        ]
        let plain = try document.plainJSONData()
        let spliced = try #require(try document.splicedJSONData())
        #expect(spliced.count == plain.count)
        #expect(spliced == plain)
        #expect(try document.jsonData() == plain)
    }

    /// Nothing large enough: no splice, the one-pass encoding.
    @Test func smallTablesAreNotSpliced() throws {
        var document = federatedDocument()
        document.results[0].heterogeneity = Array(document.results[0].heterogeneity?.prefix(3) ?? [])
        #expect(try document.splicedJSONData() == nil)
        #expect(try document.jsonData() == (try document.plainJSONData()))
    }

    /// A skeleton whose emptied array is not where the splice expects it is refused, not mangled.
    @Test func misplacedKeyIsRefused() {
        let skeleton = Data("{\n  \"heterogeneity\" : [\n\n  ]\n}".utf8)
        #expect(ReportDocument.splice(skeleton: skeleton, sections: [0], elements: [0: [Data("x".utf8)]], indent: 6) == nil)
        #expect(ReportDocument.shiftedElements(of: Data("{}".utf8), by: 6) == nil)
    }
}
