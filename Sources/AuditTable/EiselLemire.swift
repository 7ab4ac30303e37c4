/// The Eisel-Lemire algorithm: the correctly rounded double nearest to `w * 10^q` for a decimal
/// significand `w` of at most 19 digits, from a 128-bit approximation of 5^q.
///
/// Follows fast_float's `compute_float` for binary64, plus the original paper's conservative
/// "cannot decide" exit (nil), after which the caller uses `strtod`.
enum EiselLemire {
    /// Mask of the low bits of the first product's high word that decide whether the second
    /// (more precise) product is needed: 64 - (52 explicit bits + 3) = 9 bits.
    private static let precisionMask: UInt64 = UInt64.max >> 55

    /// The double nearest to `w * 10^q` with the given sign, or nil when undecided.
    @inline(__always)
    static func compute(_ w: UInt64, _ q: Int, _ negative: Bool, _ table: UnsafePointer<UInt64>) -> Double? {
        let sign: UInt64 = negative ? 1 << 63 : 0
        if w == 0 || q < PowersOfFive.smallestPower { return Double(bitPattern: sign) }
        if q > PowersOfFive.largestPower { return Double(bitPattern: sign | 0x7FF0_0000_0000_0000) }

        let lz = w.leadingZeroBitCount
        let ws = w << UInt64(lz)
        let index = 2 * (q - PowersOfFive.smallestPower)
        var (high, low) = ws.multipliedFullWidth(by: table[index])
        if high & precisionMask == precisionMask {
            let second = ws.multipliedFullWidth(by: table[index + 1]).high
            let (sum, carry) = low.addingReportingOverflow(second)
            low = sum
            if carry { high &+= 1 }
            if high & precisionMask == precisionMask && low == UInt64.max && (q < -27 || q > 55) {
                return nil
            }
        }

        let upperBit = Int(high >> 63)
        let shift = upperBit + 64 - 52 - 3
        var mantissa = high >> UInt64(shift)
        var power2 = (((152_170 + 65_536) * q) >> 16) + 63 + upperBit - lz + 1023

        if power2 <= 0 {
            // Subnormal (or zero).
            if -power2 + 1 >= 64 { return Double(bitPattern: sign) }
            mantissa >>= UInt64(-power2 + 1)
            mantissa += mantissa & 1
            mantissa >>= 1
            power2 = mantissa < (1 << 52) ? 0 : 1
            return Double(bitPattern: sign | (UInt64(power2) << 52) | mantissa)
        }

        // Round half to even when the product is exact and lies exactly between two doubles.
        if low <= 1 && q >= -4 && q <= 23 && mantissa & 3 == 1 && (mantissa << UInt64(shift)) == high {
            mantissa &= ~1
        }
        mantissa += mantissa & 1
        mantissa >>= 1
        if mantissa >= (2 << 52) {
            mantissa = 1 << 52
            power2 += 1
        }
        mantissa &= ~(1 << 52)
        if power2 >= 0x7FF { return Double(bitPattern: sign | 0x7FF0_0000_0000_0000) }
        return Double(bitPattern: sign | (UInt64(power2) << 52) | mantissa)
    }
}
