/// The random stream of one bootstrap stratum (site, group, label), keyed as in spec §2.5:
/// the same (root seed, site, group, label) always gives the same draws, wherever they are
/// computed, so a federated audit and a pooled audit with sites as strata resample identically.
///
/// Key derivation: FNV-1a 64 of the site id and of the group key (UTF-8), then
/// `seed = mix(mix(mix(mix(root) ^ site) ^ group) ^ label)` with the SplitMix64 finalizer, and a
/// xoshiro256** generator seeded from it. Draws for replicate b come after those of b − 1.
public struct StratumStream: Sendable {
    private var generator: Xoshiro256StarStar

    /// The stream of stratum (site, group, label) under `rootSeed`.
    public init(rootSeed: UInt64, site: String, group: String, label: Int) {
        var key = SplitMix64.mix(rootSeed)
        key = SplitMix64.mix(key ^ StratumStream.fnv1a(site))
        key = SplitMix64.mix(key ^ StratumStream.fnv1a(group))
        key = SplitMix64.mix(key ^ UInt64(truncatingIfNeeded: label))
        generator = Xoshiro256StarStar(seed: key)
    }

    /// Fills `indices` with uniform draws from 0..<count (one replicate of a stratum of `count` rows).
    public mutating func draw(into indices: inout [Int32], count: Int) {
        let bound = UInt64(count)
        for i in indices.indices {
            indices[i] = Int32(truncatingIfNeeded: generator.nextBounded(bound))
        }
    }

    /// FNV-1a 64-bit hash of a string's UTF-8 bytes (Fowler, Noll & Vo).
    public static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}
