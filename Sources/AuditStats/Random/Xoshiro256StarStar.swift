/// xoshiro256** 1.0 (Blackman & Vigna 2018, "Scrambled linear pseudorandom number generators"),
/// seeded with SplitMix64 (Steele, Lea & Flood 2014) as its authors recommend.
///
/// Chosen for the bootstrap (spec §2.5, decision D3): 256 bits of state, period 2²⁵⁶ − 1, passes
/// BigCrush, and cheap to create one independent stream per stratum.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// Seeds the state with four SplitMix64 outputs from `seed`.
    public init(seed: UInt64) {
        var sm = seed
        s0 = SplitMix64.next(&sm)
        s1 = SplitMix64.next(&sm)
        s2 = SplitMix64.next(&sm)
        s3 = SplitMix64.next(&sm)
    }

    /// Next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotl(s3, 45)
        return result
    }

    /// Uniform integer in 0..<bound without modulo bias (Lemire 2019, "Fast random integer
    /// generation in an interval", ACM TOMACS 29(1)), so replicate draws are exactly uniform.
    @inlinable
    public mutating func nextBounded(_ bound: UInt64) -> UInt64 {
        precondition(bound > 0, "bound must be positive")
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    @inlinable
    static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a 64-bit mixer used for seeding and key derivation.
public enum SplitMix64 {
    /// Advances `state` by the golden-ratio increment and returns the mixed output.
    @inlinable
    public static func next(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return mix(state)
    }

    /// The SplitMix64 finalizer (a bijection on UInt64).
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
