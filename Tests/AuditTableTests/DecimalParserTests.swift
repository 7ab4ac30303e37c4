@testable import AuditTable
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The number parser must agree bit for bit with `strtod` (and so with Python's `float()`).
@Suite("Decimal parser")
struct DecimalParserTests {
    /// `strtod` on a Swift string.
    static func reference(_ text: String) -> Double { strtod(text, nil) }

    /// The general (whole-field) parser.
    static func general(_ text: String) -> CSVNumber {
        Array(text.utf8).withUnsafeBufferPointer { DecimalParser.parse($0) }
    }

    /// The hot-loop scanner, or nil when it defers to the general parser.
    static func scanned(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { b in
            PowersOfFive.table.withUnsafeBufferPointer { p5 in
                DecimalParser.scanSimple(b.baseAddress!, 0, b.count, p5.baseAddress!)
            }
        }.flatMap { $0.end == bytes.count ? $0.value : nil }
    }

    /// Checks both parsers against strtod for one decimal string (overflow must be `.nonFinite`).
    static func agrees(_ text: String) -> Bool {
        let expected = reference(text)
        if expected.isInfinite { return general(text) == .nonFinite && scanned(text) == nil }
        guard case .number(let got) = general(text), got.bitPattern == expected.bitPattern else { return false }
        if let fast = scanned(text), fast.bitPattern != expected.bitPattern { return false }
        return true
    }

    /// Random finite doubles over the whole exponent range, and ordinary-looking values.
    static func randomDoubles(_ count: Int, seed: UInt64) -> [Double] {
        var rng = TableTestRNG(seed: seed)
        var values: [Double] = []
        values.reserveCapacity(count)
        while values.count < count {
            switch values.count % 3 {
            case 0:
                let d = Double(bitPattern: rng.next())
                if d.isFinite { values.append(d) }
            case 1:
                values.append(Double.random(in: -1000...1000, using: &rng))
            default:
                values.append(Double.random(in: -1...1, using: &rng) * pow(10, Double(Int(rng.next() % 40) - 20)))
            }
        }
        return values
    }

    @Test func swiftDescriptionMatchesStrtodAndRoundTrips() {
        var mismatches: [String] = []
        for d in Self.randomDoubles(100_000, seed: 1) {
            let text = d.description
            if !Self.agrees(text) { mismatches.append(text) }
            if case .number(let back) = Self.general(text), back.bitPattern != d.bitPattern {
                mismatches.append("round trip " + text)
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test func fixedSixDecimalsMatchesStrtod() {
        var mismatches: [String] = []
        for d in Self.randomDoubles(100_000, seed: 2) where abs(d) < 1e30 {
            let text = String(format: "%.6f", d)
            if !Self.agrees(text) { mismatches.append(text) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test func longDigitStringsMatchStrtod() {
        var rng = TableTestRNG(seed: 3)
        var mismatches: [String] = []
        for i in 0..<100_000 {
            let digits = 17 + i % 4  // 17...20 significant digits
            var s = rng.next() % 2 == 0 ? "-" : ""
            var mantissa = String(1 + rng.next() % 9)
            for _ in 1..<digits { mantissa += String(rng.next() % 10) }
            let point = Int(rng.next() % UInt64(digits + 1))
            let intPart = point == 0 ? "0" : String(mantissa.prefix(point))
            s += intPart + "." + mantissa.dropFirst(point)
            if i % 2 == 1 { s += "e" + String(Int(rng.next() % 640) - 330) }
            if !Self.agrees(s) { mismatches.append(s) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test func printfFormatsMatchStrtod() {
        var mismatches: [String] = []
        for (i, d) in Self.randomDoubles(30_000, seed: 4).enumerated() {
            let format = ["%.17g", "%.20e", "%.15g", "%.3e"][i % 4]
            let text = String(format: format, d)
            if !Self.agrees(text) { mismatches.append(text) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test(arguments: [
        "0", "-0", "0.0", "-0.0", "1", "0.1", "0.2", "0.3", "1e23", "8.98846567431158e307",
        "1.7976931348623157e308", "1.7976931348623158e308", "2.2250738585072011e-308",
        "2.2250738585072012e-308", "2.2250738585072014e-308", "4.9406564584124654e-324",
        "2.4703282292062327e-324", "2.4703282292062328e-324", "5e-324", "1e-400", "9007199254740993",
        "9007199254740992", "9007199254740994", "9007199254740995", "18446744073709551615",
        "18446744073709551616", "123456789012345678901234567890", "0.000000000000000000000000000001",
        "3.141592653589793238462643383279", "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124", "7.038531e-26", "4.35679845e-1",
        "2.2204460492503131e-16", "1e22", "1e-22", "123e20", "-0.123456", "00000000000000000000001.5",
        "0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
        "1.5e+3", "1.5E-3", "+2.5",
    ])
    func edgeCasesMatchStrtod(text: String) {
        #expect(Self.agrees(text), "\(text)")
    }

    @Test func hotScannerTakesCommonShapes() {
        #expect(Self.scanned("-0.123456") == -0.123456)
        #expect(Self.scanned("-0.12345678901234567") == -0.12345678901234567)
        #expect(Self.scanned("1e5") == 1e5)
        #expect(Self.scanned("12345678901234567890") == nil)  // 20 digits: general path
        #expect(Self.scanned("1e999") == nil)                 // non-finite: general path reports it
        #expect(Self.scanned(" 1") == nil)
    }

    @Test func specialSpellings() {
        #expect(Self.general("nan") == .missing)
        #expect(Self.general("-NaN") == .missing)
        #expect(Self.general("inf") == .nonFinite)
        #expect(Self.general("-Infinity") == .nonFinite)
        #expect(Self.general("1e309") == .nonFinite)
        #expect(Self.general("-1e400") == .nonFinite)
        #expect(Self.general(" 2.5\t") == .number(2.5))
        #expect(Self.general("1e-400") == .number(0))
        for bad in ["", " ", "+", "-", ".", "e5", "1e", "1e+", "0x1p3", "1_0", "infinit", "nanx", "1.2.3", "--1"] {
            #expect(Self.general(bad) == .invalid, "\(bad)")
        }
    }

    @Test func csvColumnOfRandomValuesMatchesStrtod() throws {
        let values = Self.randomDoubles(20_000, seed: 5)
        let texts = values.enumerated().map { i, d in i % 2 == 0 ? d.description : String(format: "%.6f", d) }
            .filter { $0.count < 60 }
        let table = try csvTable("x\n" + texts.joined(separator: "\n") + "\n")
        let parsed = csvNumbers(table, "x")
        #expect(csvSameBits(parsed, texts.map { Self.reference($0) }))
    }
}
