import AuditCore
import AuditSpec
import AuditStats
import AuditWire
import Foundation
import Testing

/// ``TaskList/canonicalJSON(_:)`` writes what the canonical encoder writes, byte for byte.
@Suite("A task list's JSON from pre-encoded specs")
struct TaskListJSONTests {
    /// The bundled example specs (Sites/specs), found from this file's path, and the small fixture spec.
    static func specs() throws -> [AuditSpec] {
        let directory = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sites/specs")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.count >= 4, "the bundled specs are found")
        return try files.map { try AuditSpec.load(path: directory.appendingPathComponent($0).path) } + [Fixtures.spec]
    }

    @Test("equal bytes to the encoder's, over specs, seeds, rounds, dates with and without a deadline, and list lengths")
    func bytesEqualTheEncoder() throws {
        var generator = Xoshiro256StarStar(seed: 20_261_205)
        let specs = try Self.specs()
        let seeds: [UInt64] = [0, 1, 7, UInt64(Int64.max), UInt64.max]
        let dates = [Date(timeIntervalSince1970: 0), Fixtures.created, Date(timeIntervalSince1970: 1_772_442_000.999_7),
                     Date(timeIntervalSince1970: 4_102_444_799)]
        var compared = 0
        for length in [0, 1, 2, 5] {
            for trial in 0..<8 {
                let tasks = (0..<length).map { k -> SiteTask in
                    let spec = specs[(trial + k) % specs.count]
                    let deadline: Date? = (trial + k) % 3 == 0 ? nil : dates[(trial + 2 * k + 1) % dates.count]
                    return SiteTask(id: TaskID.generate(using: &generator), audit: AuditID.generate(using: &generator),
                                    round: 1 + (trial + k) % 3, spec: spec, rootSeed: seeds[(trial + k) % seeds.count],
                                    createdAt: dates[(trial + k) % dates.count], deadline: deadline)
                }
                let written = try TaskList.canonicalJSON(try tasks.map { ($0, try PayloadCodec.encodeJSON($0.spec)) })
                let encoded = try PayloadCodec.encodeJSON(TaskList(tasks: tasks))
                #expect(written == encoded, "\(String(decoding: written.prefix(300), as: UTF8.self))")
                #expect(try PayloadCodec.decodeJSON(TaskList.self, from: written, limits: .init()).tasks.map(\.id) == tasks.map(\.id))
                compared += 1
            }
        }
        #expect(compared == 32)
    }

    @Test("a field that needs escaping goes through the encoder, so the bytes still agree")
    func escapingFallsBackToTheEncoder() throws {
        var generator = Xoshiro256StarStar(seed: 7)
        let spec = Fixtures.spec
        for digest in ["a\"b", "back\\slash", "new\nline", "slash/ok", "é", "\u{0001}"] {
            let task = SiteTask(id: TaskID.generate(using: &generator), audit: AuditID.generate(using: &generator), spec: spec,
                                specSHA256: digest, rootSeed: 1, createdAt: Fixtures.created, deadline: Fixtures.deadline)
            let written = try TaskList.canonicalJSON([(task, try PayloadCodec.encodeJSON(spec))])
            #expect(written == (try PayloadCodec.encodeJSON(TaskList(tasks: [task]))), "\(digest)")
        }
    }
}
