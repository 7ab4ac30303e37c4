import NIOCore

/// The exact decimal text of a PostgreSQL `numeric` in binary form, as the server's own output
/// function (`numeric_out`) writes it: every digit kept, the display scale's trailing zeros too
/// (`1.50` stays `1.50`), so no value is rounded through a binary double on its way to the table.
///
/// Binary layout (PostgreSQL `numeric_send`): `ndigits` (int16), `weight` (int16, the power of
/// 10000 of the first digit), `sign` (uint16: 0x0000 positive, 0x4000 negative, 0xC000 NaN, 0xD000
/// +Infinity, 0xF000 −Infinity), `dscale` (uint16, digits after the point), then `ndigits`
/// base-10000 digits (int16 each).
enum PostgresNumericText {
    /// The text, or nil when the bytes are not a well-formed numeric.
    static func text(_ buffer: inout ByteBuffer) -> String? {
        guard let count = buffer.readInteger(as: Int16.self), let weight = buffer.readInteger(as: Int16.self),
              let sign = buffer.readInteger(as: UInt16.self), let scale = buffer.readInteger(as: UInt16.self),
              count >= 0 else { return nil }
        switch sign {
        case 0xC000: return "NaN"
        case 0xD000: return "Infinity"
        case 0xF000: return "-Infinity"
        case 0x0000, 0x4000: break
        default: return nil
        }
        var digits: [Int16] = []
        for _ in 0..<count {
            guard let d = buffer.readInteger(as: Int16.self), (0..<10000).contains(d) else { return nil }
            digits.append(d)
        }
        func digit(_ i: Int) -> Int16 { i >= 0 && i < digits.count ? digits[i] : 0 }
        func four(_ d: Int16) -> String {
            let s = String(d)
            return String(repeating: "0", count: 4 - s.count) + s
        }
        var text = sign == 0x4000 ? "-" : ""
        // Integer part: base-10000 groups 0...weight (none when weight < 0: "0").
        if weight < 0 {
            text += "0"
        } else {
            text += String(digit(0))
            if weight > 0 { for i in 1...Int(weight) { text += four(digit(i)) } }
        }
        if scale > 0 {
            // Fraction: the groups after the point, cut (or padded with zeros) to dscale digits.
            var fraction = ""
            var i = Int(weight) + 1
            while fraction.count < Int(scale) {
                fraction += four(digit(i))
                i += 1
            }
            text += "." + fraction.prefix(Int(scale))
        }
        return text
    }
}
