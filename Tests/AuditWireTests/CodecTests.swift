import AuditWire
import CZlib
import Foundation
import Testing

/// The payload codec: zlib framing, limits (bombs), corrupt streams, JSON errors and their codes.
@Suite struct CodecTests {
    /// A zlib stream of `mebibytes` MiB of zeros, deflated chunk by chunk with the RLE strategy
    /// (about 1 MiB per GiB: the deflate maximum ratio, ≈ 1030:1).
    static func zeroBomb(mebibytes: Int) -> Data {
        var stream = z_stream()
        precondition(deflateInit2_(&stream, 9, Z_DEFLATED, 15, 8, Z_RLE, ZLIB_VERSION,
                                   Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { deflateEnd(&stream) }
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        var out = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        for i in 0..<mebibytes {
            zeros.withUnsafeBufferPointer { input in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                let flush = i == mebibytes - 1 ? Z_FINISH : Z_NO_FLUSH
                var status = Z_OK
                repeat {
                    buffer.withUnsafeMutableBufferPointer { b in
                        stream.next_out = b.baseAddress
                        stream.avail_out = uInt(b.count)
                        status = deflate(&stream, flush)
                        out.append(b.baseAddress!, count: b.count - Int(stream.avail_out))
                    }
                } while stream.avail_out == 0 || (flush == Z_FINISH && status != Z_STREAM_END)
            }
        }
        return out
    }

    static let bomb = zeroBomb(mebibytes: 1024)

    @Test func roundTripsThroughZlib() throws {
        let hello = Fixtures.vectors[0].message as! AgentHello
        let body = try PayloadCodec.encode(hello)
        #expect(body.prefix(1) == Data([0x78]), "a zlib stream starts with CMF 0x78 (deflate, 32 KiB window)")
        #expect(try PayloadCodec.decode(AgentHello.self, from: body) == hello)
        for level in [0, 6, 9] as [Int32] {
            let json = try PayloadCodec.encodeJSON(hello)
            #expect(try PayloadCodec.inflate(PayloadCodec.compress(json, level: level)) == json)
        }
    }

    @Test func gibibyteOfZerosIsRefusedFastWithoutInflatingIt() throws {
        let bomb = Self.bomb
        #expect(bomb.count < 2 << 20, "1 GiB of zeros deflates to about 1 MiB")
        let clock = ContinuousClock()
        var caught: WireError?
        let elapsed = clock.measure {
            do { _ = try PayloadCodec.inflate(bomb) } catch { caught = error as? WireError }
        }
        let error = try #require(caught)
        #expect(error.code == .payloadTooLarge)
        #expect(error.message.contains("times its compressed size"), "the ratio check stops it early")
        #expect(elapsed < .seconds(5), "refused after inflating tens of MiB, not 1 GiB (took \(elapsed))")
        #expect(throws: WireError.self) { try PayloadCodec.decode(TaskResult.self, from: bomb) }
    }

    @Test func absoluteLimitAppliesBelowTheRatio() throws {
        // 4 MiB of varied JSON-like text compresses far less than 1000:1; a 1 MiB cap still refuses it.
        var text = ""
        var x: UInt64 = 1
        while text.utf8.count < 4 << 20 {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            text += "\(x >> 20),"
        }
        let body = PayloadCodec.compress(Data(text.utf8))
        let limits = PayloadLimits(maxDecompressedBytes: 1 << 20)
        let error = try #require(throws: WireError.self) { try PayloadCodec.inflate(body, limits: limits) }
        #expect(error.code == .payloadTooLarge)
        #expect(error.message.contains("limit of 1048576 bytes"))
        #expect(try PayloadCodec.inflate(body).count == text.utf8.count)
    }

    @Test func compressedBodyOverTheWireLimitIsRefusedBeforeInflating() throws {
        let limits = PayloadLimits(maxCompressedBytes: 1000)
        let body = Data(repeating: 0x41, count: 1001)
        let error = try #require(throws: WireError.self) { try PayloadCodec.inflate(body, limits: limits) }
        #expect(error.code == .payloadTooLarge)
        #expect(error.code.httpStatus == 413)
        let plain = try #require(throws: WireError.self) {
            try PayloadCodec.decodeJSON(AgentHello.self, from: body, limits: limits)
        }
        #expect(plain.code == .payloadTooLarge)
    }

    static let validBody: Data = try! PayloadCodec.encode(Fixtures.vectors[0].message as! AgentHello, level: 9)

    static let corruptions: [(String, Data)] = [
        ("empty", Data()),
        ("plain JSON sent as deflate", Data(#"{"site":"st-olav"}"#.utf8)),
        ("bad header check", Data([0x78, 0x9d]) + validBody.dropFirst(2)),
        ("garbled middle", { var d = validBody; for i in 4..<min(40, d.count) { d[i] ^= 0x5a }; return d }()),
        ("truncated", validBody.prefix(validBody.count / 2)),
        ("bad Adler-32 trailer", { var d = validBody; d[d.count - 1] ^= 0xff; return d }()),
        ("trailing bytes", validBody + Data([0, 1, 2])),
        ("gzip framing", Data([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3]) + validBody),
    ]

    @Test(arguments: corruptions.map(\.0))
    func corruptStreamGivesDecompressionFailed(name: String) throws {
        let body = try #require(Self.corruptions.first { $0.0 == name }).1
        let error = try #require(throws: WireError.self) { try PayloadCodec.decode(AgentHello.self, from: body) }
        #expect(error.code == .decompressionFailed, "\(name): \(error)")
        #expect(error.code.httpStatus == 400)
    }

    static let nonFiniteBodies: [(String, String)] = [
        ("string NaN", #""NaN""#), ("string Infinity", #""Infinity""#), ("string -Infinity", #""-Infinity""#),
        ("literal NaN", "NaN"), ("literal Infinity", "Infinity"), ("literal -Infinity", "-Infinity"),
        ("overflowing literal", "1e400"),
    ]

    @Test(arguments: nonFiniteBodies.map(\.0))
    func nonFiniteNumbersAreRefused(name: String) throws {
        let token = try #require(Self.nonFiniteBodies.first { $0.0 == name }).1
        let json = try String(decoding: PayloadCodec.encodeJSON(Fixtures.taskResult), as: UTF8.self)
        // The first log-loss sum of the first group of the first technique.
        let range = try #require(json.range(of: #""log_loss_sum":["#))
        let end = try #require(json[range.upperBound...].firstIndex(where: { $0 == "," || $0 == "]" }))
        let mutated = json.replacingCharacters(in: range.upperBound..<end, with: token)
        for body in [Data(mutated.utf8), PayloadCodec.compress(Data(mutated.utf8))] {
            let error = try #require(throws: WireError.self) {
                body.first == UInt8(ascii: "{") ? try PayloadCodec.decodeJSON(TaskResult.self, from: body)
                                                : try PayloadCodec.decode(TaskResult.self, from: body)
            }
            #expect(error.code == .nonFiniteNumber, "\(name): \(error)")
            #expect(error.code.httpStatus == 422)
            if token.hasPrefix("\"") {
                #expect(error.field == "techniques[0].statistics.groups[0].log_loss_sum[0]")
            }
        }
    }

    @Test func encodingANonFiniteNumberThrowsWithTheField() throws {
        var result = Fixtures.taskResult
        result.techniques[1].statistics.groups[1]?.brierSum[2] = .infinity
        let error = try #require(throws: WireError.self) { try PayloadCodec.encode(result) }
        #expect(error.code == .nonFiniteNumber)
        #expect(error.field == "techniques[1].statistics.groups[1].brier_sum[2]")
    }

    @Test func malformedJSONNamesTheField() throws {
        let cases: [(String, String, String?)] = [
            (#"{"agent_version":"x","protocol_version":"2.0","site":"st-olav","policy":{}}"#,
             "malformed_payload", "policy.allowed_model_classes"),
            (#"{"agent_version":"x","protocol_version":"2.0","site":"St Olav","policy":{}}"#, "invalid_shape", "site"),
            (#"{"agent_version":7,"protocol_version":"2.0","site":"st-olav"}"#, "malformed_payload", "agent_version"),
            (#"{"agent_version":"x","protocol_version":"one","site":"st-olav"}"#, "unsupported_version",
             "protocol_version"),
            (#"{"agent_version": "#, "malformed_payload", nil),
            ("", "malformed_payload", nil),
        ]
        for (json, code, field) in cases {
            let error = try #require(throws: WireError.self) {
                try PayloadCodec.decodeJSON(AgentHello.self, from: Data(json.utf8))
            }
            #expect(error.code.name == code, "\(json): \(error)")
            #expect(error.field == field, "\(json): \(error)")
            #expect(!error.message.contains("St Olav"), "messages never quote payload values")
        }
    }

    @Test func unsupportedContentEncodingIsMalformed() throws {
        let body = try PayloadCodec.encodeJSON(Fixtures.vectors[0].message as! AgentHello)
        let error = try #require(throws: WireError.self) {
            try PayloadCodec.decode(AgentHello.self, from: body, contentEncoding: "br")
        }
        #expect(error.code == .malformedPayload)
        #expect(try PayloadCodec.decode(AgentHello.self, from: body, contentEncoding: "identity").site == Fixtures.site)
        #expect(try PayloadCodec.decode(AgentHello.self, from: PayloadCodec.compress(body),
                                        contentEncoding: " Deflate ").site == Fixtures.site)
    }

    @Test func datesAreUTCSecondsAndFractionsAreAccepted() throws {
        let hello = CoordinatorHello(coordinatorVersion: "c", serverTime: Fixtures.created.addingTimeInterval(0.75),
                                     pollSeconds: 30)
        let json = String(decoding: try PayloadCodec.encodeJSON(hello), as: UTF8.self)
        #expect(json.contains(#""server_time":"2026-03-02T09:00:00Z""#))
        let fractional = json.replacingOccurrences(of: "09:00:00Z", with: "09:00:00.250Z")
        let decoded = try PayloadCodec.decodeJSON(CoordinatorHello.self, from: Data(fractional.utf8))
        #expect(decoded.serverTime.timeIntervalSince(Fixtures.created) == 0.25)
        let bad = json.replacingOccurrences(of: "2026-03-02T09:00:00Z", with: "02/03/2026")
        let error = try #require(throws: WireError.self) {
            try PayloadCodec.decodeJSON(CoordinatorHello.self, from: Data(bad.utf8))
        }
        #expect(error.code == .malformedPayload)
        #expect(error.field == "server_time")
    }

    @Test func seedsKeepAll64Bits() throws {
        var task = Fixtures.siteTask
        task.rootSeed = .max
        let json = try PayloadCodec.encodeJSON(task)
        #expect(String(decoding: json, as: UTF8.self).contains(#""root_seed":18446744073709551615"#))
        #expect(try PayloadCodec.decodeJSON(SiteTask.self, from: json).rootSeed == .max)
    }

    @Test func acronymKeysUseSnakeCase() throws {
        let json = String(decoding: try PayloadCodec.encodeJSON(Fixtures.siteTask), as: UTF8.self)
        #expect(json.contains(#""spec_sha256":""#))
        let registration = SiteRegistration(site: Fixtures.site, certificateFingerprintSHA256: Fixtures.fingerprint)
        let text = String(decoding: try PayloadCodec.encodeJSON(registration), as: UTF8.self)
        #expect(text.contains(#""certificate_fingerprint_sha256":""#))
        let launch = LaunchAuditRequest(specYAML: "x", sites: [Fixtures.site])
        #expect(String(decoding: try PayloadCodec.encodeJSON(launch), as: UTF8.self).contains(#""spec_yaml":"x""#))
    }
}
