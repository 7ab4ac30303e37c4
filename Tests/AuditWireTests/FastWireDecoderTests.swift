import AuditCore
import AuditStats
import Foundation
import Testing
@testable import AuditWire

/// The fast reader of the wire's JSON (`FastWireDecoder`) gives Foundation's `JSONDecoder` value
/// bit for bit or declines; `PayloadCodec` then decodes with Foundation, so every refusal keeps
/// Foundation's error. The oracle is Foundation's decoder itself (`PayloadCodec.decodeWithFoundation`).
@Suite("Wire codec: the fast JSON reader")
struct FastWireDecoderTests {
    static func foundation<T: Decodable>(_ type: T.Type, _ text: String) -> Result<T, WireError> {
        Result { () throws(WireError) -> T in try PayloadCodec.decodeWithFoundation(type, from: Data(text.utf8)) }
    }

    static func codec<T: Decodable>(_ type: T.Type, _ text: String) -> Result<T, WireError> {
        Result { () throws(WireError) -> T in try PayloadCodec.decodeJSON(type, from: Data(text.utf8)) }
    }

    /// Number spellings at the edges of Double: 17 significant digits, the largest finite, the
    /// smallest normal and subnormal, signed zeros, exponents of every form, integers beyond 2⁵³,
    /// halfway cases. Each must give Foundation's bits, or the fast reader must decline.
    static let numbers = [
        "0", "-0", "0.0", "-0.0", "0e0", "-0E-5", "1", "-1", "7", "123456789012345", "1234567890123456",
        "9007199254740993", "18446744073709551615", "123456789012345678901234567890",
        "0.1", "0.30000000000000004", "-2.5e-8", "1e5", "1E+5", "1e-5", "3.141592653589793", "2.718281828459045",
        "0.12345678901234567", "-0.9999999999999999", "1.7976931348623157e308", "2.2250738585072014e-308",
        "2.2250738585072011e-308", "4.9406564584124654e-324", "5e-324", "1e-400", "1e400", "-1e400",
        "9007199254740992.5", "0.1e1", "100e-2", "1.00000000000000011102230246251565404236316680908203125",
        "6.02214076e23", "-4.2E-7",
    ]

    @Test(arguments: numbers)
    func numbersAreFoundationsBits(_ number: String) {
        let text = "[\(number)]"
        let fast = FastWireDecoder.decode([Double].self, from: Data(text.utf8))
        switch Self.foundation([Double].self, text) {
        case .success(let reference):
            if let fast {
                #expect(fast.map(\.bitPattern) == reference.map(\.bitPattern), "\(number): \(fast) vs Foundation \(reference)")
            }
        case .failure:
            #expect(fast == nil, "\(number): Foundation refuses it, the fast reader gave \(String(describing: fast))")
        }
        // The ordinary numbers are read by the fast path, not left to Foundation.
        if ["0.1", "-2.5e-8", "0.12345678901234567", "1e-5", "123456789012345", "-0.9999999999999999"].contains(number) {
            #expect(fast != nil, "\(number) should be read by the fast path")
        }
    }

    /// Seeded random doubles of every magnitude, written by the wire encoder (shortest round trip).
    @Test func randomDoublesAreFoundationsBits() throws {
        var generator = Xoshiro256StarStar(seed: 12)
        var values: [Double] = []
        while values.count < 20_000 {
            // Subnormals are left to Foundation (below); every other finite double is read here.
            let value = Double(bitPattern: generator.next())
            if value.isNormal { values.append(value) }
            values.append(Double(generator.next() >> 11) * 0x1p-53 - 0.5)
        }
        let json = try PayloadCodec.encodeJSON(values)
        let fast = try #require(FastWireDecoder.decode([Double].self, from: json))
        let reference = try PayloadCodec.decodeWithFoundation([Double].self, from: json)
        #expect(fast.map(\.bitPattern) == reference.map(\.bitPattern))
        #expect(fast.map(\.bitPattern) == values.map(\.bitPattern))
    }

    /// A subnormal anywhere: the fast reader declines, the codec gives Foundation's value.
    @Test func subnormalsAreLeftToFoundation() throws {
        let json = try PayloadCodec.encodeJSON([0.5, 5e-324, 2.2250738585072009e-308])
        #expect(FastWireDecoder.decode([Double].self, from: json) == nil)
        let values = try PayloadCodec.decodeJSON([Double].self, from: json)
        #expect(values.map(\.bitPattern) == [0.5, 5e-324, 2.2250738585072009e-308].map(\.bitPattern))
    }

    /// A body above the size cap is left to Foundation (the codec still decodes it).
    @Test func largeBodiesAreLeftToFoundation() throws {
        let json = try PayloadCodec.encodeJSON([Double](repeating: 0.25, count: 1000))
        #expect(FastWireDecoder.decode([Double].self, from: json, maximumBytes: json.count) != nil)
        #expect(FastWireDecoder.decode([Double].self, from: json, maximumBytes: json.count - 1) == nil)
        #expect(try PayloadCodec.decodeJSON([Double].self, from: json).count == 1000)
    }

    /// Integers: every width's bounds, one past them, and spellings Foundation may read differently.
    @Test(arguments: ["0", "-0", "42", "-42", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
                      "18446744073709551615", "18446744073709551616", "1.0", "1e2", "-1", "255", "256"])
    func integersAreFoundations(_ number: String) {
        let text = "[\(number)]"
        func check<T: FixedWidthInteger & Decodable>(_ type: T.Type) {
            let fast = FastWireDecoder.decode([T].self, from: Data(text.utf8))
            switch Self.foundation([T].self, text) {
            case .success(let reference):
                if let fast { #expect(fast == reference, "\(number) as \(T.self)") }
            case .failure:
                #expect(fast == nil, "\(number) as \(T.self): Foundation refuses it")
            }
        }
        check(Int.self)
        check(Int64.self)
        check(UInt64.self)
        check(Int32.self)
        check(UInt8.self)
    }

    /// Every message of `Protocol/vectors` (dates, dictionaries and all): the codec's value is
    /// Foundation's, and the task result — the combine's message — is read by the fast path.
    @Test func vectorsDecodeAsWithFoundation() throws {
        let json = try PayloadCodec.encodeJSON(Fixtures.taskResult)
        let fast = try #require(FastWireDecoder.decode(TaskResult.self, from: json))
        #expect(fast == (try PayloadCodec.decodeWithFoundation(TaskResult.self, from: json)))
        #expect(fast == Fixtures.taskResult)
        // A message with dates is read by the fast path too, as WireJSON's date strategy reads them.
        let hello = try PayloadCodec.encodeJSON(CoordinatorHello(coordinatorVersion: "v", serverTime: Fixtures.created, pollSeconds: 30,
                                                                 ledgerHead: Fixtures.ledgerHead))
        #expect(FastWireDecoder.decode(CoordinatorHello.self, from: hello) == (try PayloadCodec.decodeWithFoundation(CoordinatorHello.self, from: hello)))
        for bad in ["2026-13-01T00:00:00Z", "yesterday", "2026-03-02 09:00:00"] {
            let text = String(decoding: hello, as: UTF8.self).replacingOccurrences(of: WireJSON.formatDate(Fixtures.created), with: bad)
            #expect(FastWireDecoder.decode(CoordinatorHello.self, from: Data(text.utf8)) == nil, "\(bad)")
            #expect(Self.codec(CoordinatorHello.self, text) == Self.foundation(CoordinatorHello.self, text), "\(bad)")
            #expect((try? PayloadCodec.decodeJSON(CoordinatorHello.self, from: Data(text.utf8))) == nil, "\(bad)")
        }
        for (name, message) in Fixtures.vectors {
            let data = try PayloadCodec.encodeJSON(message)
            func same<T: WireMessage>(_ value: T) throws {
                let viaCodec = try PayloadCodec.decodeJSON(T.self, from: data)
                let viaFoundation = try PayloadCodec.decodeWithFoundation(T.self, from: data)
                #expect(try PayloadCodec.encodeJSON(viaCodec) == (try PayloadCodec.encodeJSON(viaFoundation)), "\(name)")
            }
            try same(message)
        }
    }

    /// Keys: Foundation's snake-case conversion, whatever the spelling; duplicates keep the first.
    struct Keys: Decodable, Equatable {
        var specSha256: String
        var a1bC2D: Int
        var plain: Int?
    }

    @Test(arguments: [
        #"{"spec_sha256":"x","a1b_c2d":1}"#,
        #"{"spec_sha256":"x","a1b_c2d":1,"plain":null}"#,
        #"{"spec_sha256":"x","a1b_c2d":1,"plain":3,"unknown_key":[1,{"b":[]}]}"#,
        #"{"specSha256":"x","a1bC2D":2}"#,
        #"{"spec_sha256":"first","spec_sha256":"second","a1b_c2d":1}"#,
        #"{"spec_sha256":"first","specSha256":"second","a1b_c2d":1}"#,
        #"{"__spec_sha256__":"x","a1b_c2d":1}"#,
        #"{"spec_sha256":"tab\there \"q\" \\ \/","a1b_c2d":1}"#,
        #"{"spec_sha256":"é ü 漢","a1b_c2d":1}"#,
        #" { "spec_sha256" : "x" , "a1b_c2d" : 1 } "#,
    ])
    func keysAndStringsAsFoundation(_ text: String) {
        let fast = FastWireDecoder.decode(Keys.self, from: Data(text.utf8))
        switch Self.foundation(Keys.self, text) {
        case .success(let reference):
            if let fast { #expect(fast == reference, "\(text)") }
        case .failure(let error):
            #expect(fast == nil, "\(text): Foundation refuses it (\(error))")
        }
        #expect(Self.codec(Keys.self, text) == Self.foundation(Keys.self, text))
    }

    /// Hostile and malformed bodies: the fast reader declines every one, and the codec's error is
    /// Foundation's — same code, message and field.
    @Test(arguments: [
        "", " ", "{", "[", "[1,]", "[1 2]", "{\"a\":1,}", "[01]", "[+1]", "[.5]", "[1.]", "[1e]", "[-]", "[NaN]",
        "[Infinity]", "[-Infinity]", "[\"NaN\"]", "[1e999]", "[nul]", "[tru]", "[1] x", "\u{FEFF}[1]",
        "[\"a\u{01}b\"]", "[\"\\x\"]", "[\"\\ud800\"]", "[\"\\u0041\"]", "[1,[2,{\"c\":[3]]}]",
        String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
        String(repeating: "[", count: 80) + "1" + String(repeating: "]", count: 80),
        "{\"a\":true", "[true false]", "[\"unterminated]",
    ])
    func malformedBodiesKeepFoundationsError(_ text: String) {
        let fast = FastWireDecoder.decode([Double].self, from: Data(text.utf8))
        let reference = Self.foundation([Double].self, text)
        if case .success(let values) = reference {
            // Foundation is lenient here and there (a trailing comma, a byte-order mark): the fast
            // reader may decline what Foundation takes, never read it differently.
            if let fast { #expect(fast.map(\.bitPattern) == values.map(\.bitPattern)) }
        } else {
            #expect(fast == nil)
        }
        #expect(Self.codec([Double].self, text) == reference)
    }

    /// Invalid UTF-8 inside a string, an overlong encoding and a lone continuation byte.
    @Test(arguments: [[0xC3, 0x28], [0xC0, 0xAF], [0x80], [0xED, 0xA0, 0x80]] as [[UInt8]])
    func invalidUTF8IsLeftToFoundation(_ bad: [UInt8]) {
        let body = Data(Array("[\"a".utf8) + bad + Array("b\"]".utf8))
        #expect(FastWireDecoder.decode([String].self, from: body) == nil)
        let viaCodec = Result { () throws(WireError) -> [String] in try PayloadCodec.decodeJSON([String].self, from: body) }
        let viaFoundation = Result { () throws(WireError) -> [String] in try PayloadCodec.decodeWithFoundation([String].self, from: body) }
        #expect(viaCodec == viaFoundation)
    }

    /// A task result with one field of the wrong type, a missing key, a non-finite number as a
    /// string, an id that fails validation: the codec's error names the field exactly as before.
    @Test func hostileTaskResultsKeepTheirFieldErrors() throws {
        let json = try #require(String(data: try PayloadCodec.encodeJSON(Fixtures.taskResult), encoding: .utf8))
        let variants = [
            json.replacingOccurrences(of: "\"round\":1", with: "\"round\":\"1\""),
            json.replacingOccurrences(of: "\"round\":1,", with: ""),
            json.replacingOccurrences(of: "\"round\":1", with: "\"round\":1.5"),
            json.replacingOccurrences(of: "\"site\":\"st-olav\"", with: "\"site\":\"St Olav!\""),
            json.replacingOccurrences(of: "\"residual_sums\":[", with: "\"residual_sums\":[\"NaN\","),
            json.replacingOccurrences(of: "\"residual_sums\":[", with: "\"residual_sums\":[null,"),
            json.replacingOccurrences(of: "\"count\":", with: "\"count\":1e999,\"x\":"),
        ]
        for (index, variant) in variants.enumerated() {
            #expect(variant != json, "variant \(index) changed nothing")
            let viaCodec = Self.codec(TaskResult.self, variant), viaFoundation = Self.foundation(TaskResult.self, variant)
            #expect(viaCodec == viaFoundation, "variant \(index)")
            guard case .failure(let error) = viaCodec else {
                Issue.record("variant \(index) was accepted")
                continue
            }
            #expect(error.field != nil || [.malformedPayload, .nonFiniteNumber].contains(error.code), "variant \(index): \(error)")
        }
    }
}
