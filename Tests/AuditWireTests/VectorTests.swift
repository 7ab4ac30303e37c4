import AuditWire
import Foundation
import Testing

/// The golden messages of `Protocol/vectors/`: `NAME.json` is the canonical encoding of a
/// fixture, `NAME.json.zz` the same bytes as a zlib stream. Run with `FAIRUSE_WRITE_VECTORS=1`
/// to rewrite them after an intended change.
@Suite struct VectorTests {
    static let directory: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Protocol/vectors")
    static let writing = ProcessInfo.processInfo.environment["FAIRUSE_WRITE_VECTORS"] == "1"
    static let names = Fixtures.vectors.map(\.name)

    @Test(arguments: names)
    func vectorMatchesFixtureAndRoundTrips(name: String) throws {
        let message = try #require(Fixtures.vectors.first { $0.name == name }).message
        try check(message, name: name)
    }

    private func check<M: WireMessage>(_ message: M, name: String) throws {
        let url = Self.directory.appendingPathComponent("\(name).json")
        let zz = Self.directory.appendingPathComponent("\(name).json.zz")
        let expected = try PayloadCodec.encodeJSON(message)
        if Self.writing {
            try expected.write(to: url)
            try PayloadCodec.compress(expected, level: 9).write(to: zz)
        }
        let stored = try Data(contentsOf: url)
        #expect(stored == expected, "\(name).json differs from the fixture; rerun with FAIRUSE_WRITE_VECTORS=1 if intended")

        // Decode, compare, re-encode byte for byte.
        let decoded = try PayloadCodec.decodeJSON(M.self, from: stored)
        #expect(decoded == message)
        #expect(try PayloadCodec.encodeJSON(decoded) == stored)

        // The compressed form inflates to the same bytes and decodes to the same message.
        let compressed = try Data(contentsOf: zz)
        #expect(try PayloadCodec.inflate(compressed) == stored)
        #expect(try PayloadCodec.decode(M.self, from: compressed) == message)
        #expect(try PayloadCodec.decode(M.self, from: compressed, contentEncoding: "deflate") == message)
        #expect(try PayloadCodec.decode(M.self, from: stored, contentEncoding: nil) == message)
    }

    @Test func everyVectorFileIsCovered() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
        let json = Set(files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) })
        let zz = Set(files.filter { $0.hasSuffix(".json.zz") }.map { String($0.dropLast(8)) })
        #expect(json == Set(Self.names))
        #expect(zz == Set(Self.names))
    }

    @Test func taskResultVectorIsValidAgainstItsTask() throws {
        let stored = try Data(contentsOf: Self.directory.appendingPathComponent("task-result.json"))
        let result = try PayloadCodec.decodeJSON(TaskResult.self, from: stored)
        let list = try PayloadCodec.decodeJSON(
            TaskList.self, from: try Data(contentsOf: Self.directory.appendingPathComponent("task-list.json")))
        let task = try #require(list.tasks.first)
        try PayloadValidator.validate(result, against: task, authenticatedSite: Fixtures.site)
        #expect(result.techniques.map(\.technique) == ["onehot", "intersectional"])
        #expect(result.techniques[0].statistics.groups.compactMap { $0?.calibration.first?.bins.count } == [3, 3])
    }

    @Test func receiptCarriesTheResultsIdempotencyKey() throws {
        let result = try Data(contentsOf: Self.directory.appendingPathComponent("task-result.json"))
        let receipt = try PayloadCodec.decodeJSON(
            TaskReceipt.self, from: try Data(contentsOf: Self.directory.appendingPathComponent("task-receipt.json")))
        #expect(receipt.idempotencyKey == PayloadCodec.idempotencyKey(of: result))
    }

    @Test func taskVectorCarriesTheSpecDigest() throws {
        let list = try PayloadCodec.decodeJSON(
            TaskList.self, from: try Data(contentsOf: Self.directory.appendingPathComponent("task-list.json")))
        let task = try #require(list.tasks.first)
        #expect(task.specSHA256 == SiteTask.specDigest(task.spec))
        #expect(WireDigest.isSHA256Hex(task.specSHA256))
    }

    @Test func unknownFieldsAreIgnored() throws {
        let stored = try Data(contentsOf: Self.directory.appendingPathComponent("agent-hello.json"))
        var object = try #require(try JSONSerialization.jsonObject(with: stored) as? [String: Any])
        object["added_in_1_1"] = ["anything": [1, 2, 3]]
        var policy = try #require(object["policy"] as? [String: Any])
        policy["max_rows"] = 5
        object["policy"] = policy
        let extended = try JSONSerialization.data(withJSONObject: object)
        let hello = try PayloadCodec.decodeJSON(AgentHello.self, from: extended)
        #expect(try PayloadCodec.encodeJSON(hello) == stored)
    }
}
