#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The outcome of reading one field as a number.
enum CSVNumber: Equatable {
    /// A finite number.
    case number(Double)
    /// A NaN spelling (`nan`, `-NaN`, ...): treated as a missing value.
    case missing
    /// An infinite value (`inf`, `Infinity`, `1e999`).
    case nonFinite
    /// Not a decimal number.
    case invalid
}

/// Correctly rounded decimal-to-double conversion that agrees bit for bit with `strtod`
/// (and so with Python's `float()`) on the decimal syntax it accepts.
///
/// Up to 19 significant digits go through Eisel-Lemire (exact, and it subsumes Clinger's fast
/// path, whose mix with Eisel-Lemire on real data cost more in branch misses than it saved);
/// longer significands and the rare undecided case go to `strtod` on a NUL-terminated copy.
enum DecimalParser {
    /// Scans a plain unquoted number `[+-]digits[.digits][(e|E)[+-]digits]` at `start` that is
    /// directly followed by a field terminator (`,`, LF, CR) or `end`. Returns the value and the
    /// terminator position, or nil when the field needs the general path (any other shape,
    /// more than 19 digits, non-finite, or undecided by Eisel-Lemire).
    @inline(__always)
    static func scanSimple(_ b: UnsafePointer<UInt8>, _ start: Int, _ end: Int,
                           _ pow5: UnsafePointer<UInt64>) -> (value: Double, end: Int)? {
        var q = start
        var negative = false
        if q < end {
            let c = b[q]
            if c == 0x2D { negative = true; q &+= 1 } else if c == 0x2B { q &+= 1 }
        }
        var m: UInt64 = 0
        let intStart = q
        while q < end {
            let d = b[q] &- 0x30
            if d > 9 { break }
            m = m &* 10 &+ UInt64(d)
            q &+= 1
        }
        var digits = q &- intStart
        var e10 = 0
        if q < end && b[q] == 0x2E {
            q &+= 1
            let fracStart = q
            while q &+ 8 <= end {
                let word = UInt64(littleEndian: UnsafeRawPointer(b + q).loadUnaligned(as: UInt64.self))
                if !isEightDigits(word) { break }
                m = m &* 100_000_000 &+ eightDigitsValue(word)
                q &+= 8
            }
            while q < end {
                let d = b[q] &- 0x30
                if d > 9 { break }
                m = m &* 10 &+ UInt64(d)
                q &+= 1
            }
            e10 = fracStart &- q
            digits &+= q &- fracStart
        }
        if digits == 0 || digits > 19 { return nil }
        if q < end {
            var c = b[q]
            if c == 0x65 || c == 0x45 {
                q &+= 1
                var expNegative = false
                if q < end {
                    let s = b[q]
                    if s == 0x2D { expNegative = true; q &+= 1 } else if s == 0x2B { q &+= 1 }
                }
                let expStart = q
                var x = 0
                while q < end {
                    let d = b[q] &- 0x30
                    if d > 9 { break }
                    x = x &* 10 &+ Int(d)
                    q &+= 1
                }
                let expDigits = q &- expStart
                if expDigits == 0 || expDigits > 4 { return nil }
                e10 &+= expNegative ? -x : x
                if q >= end {
                    guard let v = EiselLemire.compute(m, e10, negative, pow5), v.isFinite else { return nil }
                    return (v, q)
                }
                c = b[q]
            }
            if c != 0x2C && c != 0x0A && c != 0x0D { return nil }
        }
        guard let v = EiselLemire.compute(m, e10, negative, pow5), v.isFinite else { return nil }
        return (v, q)
    }

    /// Whether all 8 bytes of a little-endian word are ASCII digits (SWAR test, as in fast_float).
    @inline(__always)
    static func isEightDigits(_ v: UInt64) -> Bool {
        ((v &+ 0x4646_4646_4646_4646) | (v &- 0x3030_3030_3030_3030)) & 0x8080_8080_8080_8080 == 0
    }

    /// The value of 8 ASCII digits held in a little-endian word (first digit in the low byte).
    @inline(__always)
    static func eightDigitsValue(_ word: UInt64) -> UInt64 {
        let mask: UInt64 = 0x0000_00FF_0000_00FF
        let mul1: UInt64 = 0x000F_4240_0000_0064  // 100 + (1_000_000 << 32)
        let mul2: UInt64 = 0x0000_2710_0000_0001  // 1 + (10_000 << 32)
        var v = word &- 0x3030_3030_3030_3030
        v = (v &* 10) &+ (v >> 8)
        return (((v & mask) &* mul1) &+ (((v >> 16) & mask) &* mul2)) >> 32
    }

    /// Reads a whole field as a number with the decimal subset of Python's `float()` grammar:
    /// surrounding whitespace allowed, optional sign, digits with optional point and exponent,
    /// `nan` (missing) and `inf`/`infinity` (non-finite), case-insensitive. No hex, no `_`.
    static func parse(_ field: UnsafeBufferPointer<UInt8>) -> CSVNumber {
        guard let b = field.baseAddress else { return .invalid }
        var lo = 0
        var hi = field.count
        while lo < hi && isSpace(b[lo]) { lo += 1 }
        while hi > lo && isSpace(b[hi - 1]) { hi -= 1 }
        if lo == hi { return .invalid }

        var q = lo
        var negative = false
        if b[q] == 0x2D { negative = true; q += 1 } else if b[q] == 0x2B { q += 1 }
        if q < hi, b[q] | 0x20 == 0x6E || b[q] | 0x20 == 0x69 {  // 'n' or 'i'
            let word = UnsafeBufferPointer(start: b + q, count: hi - q)
            if equalsIgnoringCase(word, "nan") { return .missing }
            if equalsIgnoringCase(word, "inf") || equalsIgnoringCase(word, "infinity") { return .nonFinite }
            return .invalid
        }

        var m: UInt64 = 0
        var significant = 0   // digits counted from the first non-zero one
        var intDigits = 0
        var fracDigits = 0
        var fracInMantissa = 0
        while q < hi, b[q] &- 0x30 <= 9 {
            let d = UInt64(b[q] &- 0x30)
            if significant > 0 || d != 0 { significant += 1 }
            if significant <= 19 { m = m * 10 + d }
            intDigits += 1
            q += 1
        }
        if q < hi && b[q] == 0x2E {
            q += 1
            while q < hi, b[q] &- 0x30 <= 9 {
                let d = UInt64(b[q] &- 0x30)
                if significant > 0 || d != 0 { significant += 1 }
                if significant <= 19 { m = m * 10 + d; fracInMantissa += 1 }
                fracDigits += 1
                q += 1
            }
        }
        if intDigits + fracDigits == 0 { return .invalid }
        var exponent = 0
        if q < hi && (b[q] == 0x65 || b[q] == 0x45) {
            q += 1
            var expNegative = false
            if q < hi && b[q] == 0x2D { expNegative = true; q += 1 } else if q < hi && b[q] == 0x2B { q += 1 }
            let expStart = q
            while q < hi, b[q] &- 0x30 <= 9 {
                if exponent < 1_000_000 { exponent = exponent * 10 + Int(b[q] &- 0x30) }
                q += 1
            }
            if q == expStart { return .invalid }
            if expNegative { exponent = -exponent }
        }
        if q != hi { return .invalid }

        if significant <= 19 {
            let e10 = exponent - fracInMantissa
            let fast = PowersOfFive.table.withUnsafeBufferPointer { pow5 in
                EiselLemire.compute(m, e10, negative, pow5.baseAddress!)
            }
            if let fast { return fast.isFinite ? .number(fast) : .nonFinite }
        }
        let value = strtodCopy(UnsafeBufferPointer(start: b + lo, count: hi - lo))
        return value.isFinite ? .number(value) : .nonFinite
    }

    /// `strtod` on a NUL-terminated copy of already validated decimal text.
    static func strtodCopy(_ text: UnsafeBufferPointer<UInt8>) -> Double {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { tmp in
            let p = tmp.baseAddress!
            text.withMemoryRebound(to: CChar.self) { src in
                p.update(from: src.baseAddress!, count: src.count)
            }
            p[text.count] = 0
            return strtod(p, nil)
        }
    }

    /// ASCII whitespace as Python's `float()` strips it.
    @inline(__always)
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }

    /// Case-insensitive ASCII comparison against a lowercase word.
    static func equalsIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for i in 0..<bytes.count where bytes[i] | 0x20 != w[i] { return false }
        return true
    }
}
