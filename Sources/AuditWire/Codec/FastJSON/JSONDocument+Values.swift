import Foundation
import Synchronization

/// The scalar values of a ``JSONDocument``'s nodes, read exactly as Foundation's `JSONDecoder` reads
/// them — or refused (``FastJSONRefusal``), never read differently.
extension JSONDocument {
    /// Refuses: marks the document (see ``refused``) and throws.
    func refuse() -> FastJSONRefusal {
        refused = true
        return FastJSONRefusal()
    }

    /// The string of a string node.
    func string(_ index: Int) throws(FastJSONRefusal) -> String {
        let node = nodes[index]
        let start = Int(node.start), end = Int(node.end)
        switch node.kind {
        case .string:
            return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self) }
        case .escapedString:
            var unescaped: [UInt8] = []
            unescaped.reserveCapacity(end - start)
            var i = start
            while i < end {
                let c = bytes[i]
                guard c == UInt8(ascii: "\\") else {
                    unescaped.append(c)
                    i += 1
                    continue
                }
                switch bytes[i + 1] {
                case UInt8(ascii: "b"): unescaped.append(0x08)
                case UInt8(ascii: "f"): unescaped.append(0x0C)
                case UInt8(ascii: "n"): unescaped.append(0x0A)
                case UInt8(ascii: "r"): unescaped.append(0x0D)
                case UInt8(ascii: "t"): unescaped.append(0x09)
                case let other: unescaped.append(other)   // " \ / (the parser let no other through)
                }
                i += 2
            }
            return String(decoding: unescaped, as: UTF8.self)
        default:
            throw refuse()
        }
    }

    /// The Double of a number node: an integer of at most 15 digits converts exactly; anything
    /// else goes through `strtod`, correctly rounded, as Foundation's does. A result that is not
    /// finite, or that underflowed to zero or a subnormal, is refused (Foundation may call it an error).
    func double(_ index: Int) throws(FastJSONRefusal) -> Double {
        let node = nodes[index]
        guard node.kind == .number else { throw refuse() }
        let start = Int(node.start), end = Int(node.end)
        return try bytes.withUnsafeBufferPointer { (text) throws(FastJSONRefusal) -> Double in
            var i = start
            let negative = text[i] == UInt8(ascii: "-")
            if negative { i += 1 }
            var magnitude: UInt64 = 0, plain = true
            while i < end {
                let c = text[i]
                guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { plain = false; break }
                magnitude = magnitude &* 10 &+ UInt64(c - UInt8(ascii: "0"))
                i += 1
            }
            if plain && end - start - (negative ? 1 : 0) <= 15 {
                let value = Double(magnitude)
                return negative ? -value : value
            }
            guard end - start < 64 else { throw refuse() }
            var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
            let parsed = withUnsafeMutableBytes(of: &buffer) { raw -> (Double, Int) in
                let characters = raw.bindMemory(to: CChar.self)
                for k in start..<end { characters[k - start] = CChar(bitPattern: text[k]) }
                characters[end - start] = 0
                var stop: UnsafeMutablePointer<CChar>?
                let value = strtod(characters.baseAddress!, &stop)
                return (value, stop.map { $0 - characters.baseAddress! } ?? 0)
            }
            let (value, consumed) = parsed
            guard consumed == end - start, value.isFinite, value.isNormal || isZeroLiteral(text, start, end) else {
                throw refuse()
            }
            return value
        }
    }

    /// Whether a number token's digits before any exponent are all zeros (a literal zero).
    private func isZeroLiteral(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        for k in start..<end {
            let c = text[k]
            if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") { break }
            if c >= UInt8(ascii: "1") && c <= UInt8(ascii: "9") { return false }
        }
        return true
    }

    /// The integer of a number node written as a plain integer in range; anything else (a fraction,
    /// an exponent, out of range, a negative zero for an unsigned type) is refused.
    func integer<T: FixedWidthInteger>(_ index: Int, as _: T.Type) throws(FastJSONRefusal) -> T {
        let node = nodes[index]
        guard node.kind == .number else { throw refuse() }
        let start = Int(node.start), end = Int(node.end)
        var i = start
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative {
            guard T.isSigned else { throw refuse() }
            i += 1
        }
        var value: T = 0
        while i < end {
            let c = bytes[i]
            guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { throw refuse() }
            let digit = T(c - UInt8(ascii: "0"))
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            guard !overflow && !carry else { throw refuse() }
            value = sum
            i += 1
        }
        return value
    }

    /// The key of an object member as the decoder's types name it: Foundation's own
    /// `convertFromSnakeCase` of the JSON key (``SnakeCaseKeys``).
    func key(_ index: Int) throws(FastJSONRefusal) -> String {
        let raw = try string(index)
        if !raw.utf8.contains(UInt8(ascii: "_")) { return raw }   // unchanged by the conversion
        if let known = convertedKeys[raw] { return known }
        guard let converted = SnakeCaseKeys.converted(raw) else { throw refuse() }
        convertedKeys[raw] = converted
        return converted
    }
}

/// Foundation's snake-case key conversion, asked of Foundation itself: a one-key object decoded
/// with the wire decoder's strategy reports the converted key (its `allKeys`), so the fast decoder
/// matches keys exactly as `JSONDecoder` would, whatever the spelling (digits, repeated or outer
/// underscores, capitals). Remembered per process for the first ``capacity`` distinct keys.
enum SnakeCaseKeys {
    /// Distinct keys remembered; the wire's messages have a few dozen.
    static let capacity = 4096
    private static let known = Mutex<[String: String]>([:])

    /// The converted key; nil if Foundation would not decode the probe.
    static func converted(_ key: String) -> String? {
        if let hit = known.withLock({ $0[key] }) { return hit }
        guard let encoded = try? JSONEncoder().encode(key) else { return nil }
        var probe = Data("{".utf8)
        probe.append(encoded)
        probe.append(contentsOf: Array(":0}".utf8))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard let keys = try? decoder.decode(KeyProbe.self, from: probe).keys, keys.count == 1 else { return nil }
        known.withLock { if $0.count < capacity { $0[key] = keys[0] } }
        return keys[0]
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private struct KeyProbe: Decodable {
        let keys: [String]
        init(from decoder: any Decoder) throws {
            keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        }
    }
}
