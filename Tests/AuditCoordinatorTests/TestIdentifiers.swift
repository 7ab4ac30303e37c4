import AuditCore

// Readable ids in the store and state-machine tests: `"a"` is a site, `"audit-1"` an audit, and
// `"audit-1-a"` a task. Site names are valid ids as written; audit and task names are mapped
// injectively to valid generated ids (base32 of the name, padded), so tests read as before while the
// store only ever sees well-formed ids.

extension SiteID: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self.init(rawValue: value)! }
}

extension AuditID: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self.init(rawValue: TestID.generated(value, prefix: Self.prefix))! }
}

extension TaskID: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self.init(rawValue: TestID.generated(value, prefix: Self.prefix))! }
}

enum TestID {
    /// `prefix` + base32 of `name` padded with `a` to 20 characters; a longer name is hashed (FNV-1a).
    static func generated(_ name: String, prefix: String) -> String {
        if name.hasPrefix(prefix) && name.count == prefix.count + 20 { return name }
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        var bits = 0, value = 0, out = ""
        for byte in name.utf8 {
            value = (value << 8) | Int(byte); bits += 8
            while bits >= 5 { out.append(alphabet[(value >> (bits - 5)) & 31]); bits -= 5 }
        }
        if bits > 0 { out.append(alphabet[(value << (5 - bits)) & 31]) }
        if out.count > 20 {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            out = ""
            for index in 0..<20 {
                let shift = UInt64((index * 5) % 60)
                let digit = Int((hash >> shift) & 31) ^ (index & 1)
                out.append(alphabet[digit])
            }
        }
        return prefix + out + String(repeating: "a", count: 20 - out.count)
    }
}
