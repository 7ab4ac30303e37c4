import AuditSpec
import AuditStats
import AuditWire
import Foundation
import Testing

/// `error_rows` (Protocol/disclosure-model.md, protocol §4.2): absent, 0 with all-zero error
/// statistics, or the group's count; anything else is refused with the field named.
@Suite struct ErrorRowsValidatorTests {
    static func withheld(_ group: inout GroupStatistics) {
        group.wrong = group.wrong.map { _ in 0 }
        group.discordance = group.discordance.map { _ in Discordance(n10: 0, n01: 0) }
        group.errorRows = group.wrong.map { _ in 0 }
    }

    static func validate(_ result: TaskResult) throws {
        try PayloadValidator.validate(result, against: Fixtures.siteTask, authenticatedSite: Fixtures.site)
    }

    @Test func withheldErrorStatisticsAreValid() throws {
        var result = Fixtures.taskResult
        for t in result.techniques.indices {
            Self.withheld(&result.techniques[t].statistics.groups[0]!)
            Self.withheld(&result.techniques[t].statistics.population)
            let g1 = result.techniques[t].statistics.groups[1]!
            result.techniques[t].statistics.groups[1]!.errorRows = g1.wrong.map { _ in g1.count }
        }
        result.suppressed = [Suppression(group: "sex=F", scope: .errors, rule: .belowMinCell, minCell: 5)]
        let json = String(decoding: try PayloadCodec.encodeJSON(result), as: UTF8.self)
        #expect(json.contains("\"error_rows\":[0,0,0]"))
        let decoded = try PayloadCodec.decode(TaskResult.self, from: PayloadCodec.encode(result))
        #expect(decoded == result)
        try Self.validate(decoded)
        // Absent when every row's error statistics are sent, as in every earlier vector.
        #expect(!String(decoding: try PayloadCodec.encodeJSON(Fixtures.taskResult), as: UTF8.self).contains("error_rows"))
    }

    static let refusals: [(name: String, field: String, mutate: @Sendable (inout GroupStatistics) -> Void)] = [
        ("partial error rows", "techniques[0].statistics.groups[0].error_rows[0]", { $0.errorRows = [3, $0.count, $0.count] }),
        ("more error rows than rows", "techniques[0].statistics.groups[0].error_rows[1]",
         { $0.errorRows = [$0.count, $0.count + 1, $0.count] }),
        ("error rows of too few models", "techniques[0].statistics.groups[0].error_rows", { $0.errorRows = [0] }),
        ("target withheld but a comparator sent", "techniques[0].statistics.groups[0].error_rows[0]", { g in
            g.errorRows = [g.count, 0, g.count]
            g.wrong[1] = 0
            g.discordance = g.discordance.map { _ in Discordance(n10: 0, n01: 0) }
            g.wrong = g.wrong.map { _ in 0 }
        }),
        ("withheld but wrong sent", "techniques[0].statistics.groups[0].wrong[2]",
         { withheld(&$0); $0.wrong[2] = 4 }),
        ("withheld but McNemar sent", "techniques[0].statistics.groups[0].discordance[0]",
         { withheld(&$0); $0.discordance[0] = Discordance(n10: 2, n01: 2) }),
    ]

    @Test(arguments: refusals.map(\.name))
    func refused(name: String) throws {
        let entry = try #require(Self.refusals.first { $0.name == name })
        var result = Fixtures.taskResult
        entry.mutate(&result.techniques[0].statistics.groups[0]!)
        let error = try #require(throws: WireError.self) { try Self.validate(result) }
        #expect(error.code == .inconsistentCounts, "\(name): \(error)")
        #expect(error.field == entry.field, "\(name): \(error)")
    }
}
