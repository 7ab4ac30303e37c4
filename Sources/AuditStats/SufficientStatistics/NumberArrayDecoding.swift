/// Arrays of numbers decoded element by element through the container's concrete
/// `decode(Double.self)` / `decode(Int.self)`: the same values, keys and coding paths as
/// `decode([Double].self, forKey:)`, without the generic per-element path of Foundation's
/// `JSONDecoder` (a dynamic cast and a metadata lookup per number). The coordinator decodes every
/// site's moments on each combine — 16 MB of mostly such arrays at 100 sites — and perf showed that
/// generic path as most of the decode time.
extension KeyedDecodingContainer {
    /// The `[Double]` at `key`.
    func decodeNumbers(_: Double.Type, forKey key: Key) throws -> [Double] {
        var container = try nestedUnkeyedContainer(forKey: key)
        var values: [Double] = []
        if let count = container.count { values.reserveCapacity(count) }
        while !container.isAtEnd { values.append(try container.decode(Double.self)) }
        return values
    }

    /// The `[Int]` at `key`.
    func decodeNumbers(_: Int.Type, forKey key: Key) throws -> [Int] {
        var container = try nestedUnkeyedContainer(forKey: key)
        var values: [Int] = []
        if let count = container.count { values.reserveCapacity(count) }
        while !container.isAtEnd { values.append(try container.decode(Int.self)) }
        return values
    }
}
