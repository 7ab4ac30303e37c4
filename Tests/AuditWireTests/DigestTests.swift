import AuditWire
import Foundation
import Testing

/// SHA-256 against the FIPS 180-4 example vectors (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf").
@Suite struct DigestTests {
    static let vectors: [(String, String)] = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ]

    @Test(arguments: vectors.map(\.0))
    func knownAnswers(message: String) throws {
        let expected = try #require(Self.vectors.first { $0.0 == message }).1
        #expect(WireDigest.sha256Hex(Data(message.utf8)) == expected)
        #expect(WireDigest.sha256Hex(Array(message.utf8)) == expected)
    }

    @Test func oneMillionAs() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(WireDigest.sha256Hex(message) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func everyLengthAroundBlockBoundaries() {
        // Lengths 0 … 130 cover 55/56/63/64-byte padding edges; compare against a chained identity:
        // the digest must change with every extra byte and be stable across calls.
        var seen: Set<String> = []
        for length in 0...130 {
            let bytes = [UInt8](repeating: 0x61, count: length)
            let digest = WireDigest.sha256Hex(bytes)
            #expect(digest == WireDigest.sha256Hex(Data(bytes)))
            #expect(WireDigest.isSHA256Hex(digest))
            seen.insert(digest)
        }
        #expect(seen.count == 131)
        // 'a' × 55, 56 and 64 (known values, computed with coreutils sha256sum).
        #expect(WireDigest.sha256Hex([UInt8](repeating: 0x61, count: 55))
                == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(WireDigest.sha256Hex([UInt8](repeating: 0x61, count: 56))
                == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        #expect(WireDigest.sha256Hex([UInt8](repeating: 0x61, count: 64))
                == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    @Test func specDigestIsTheCanonicalYAMLsHash() {
        let spec = Fixtures.spec
        #expect(SiteTask.specDigest(spec) == WireDigest.sha256Hex(Array(spec.yaml().utf8)))
        var changed = spec
        changed.tests.alpha = 0.05
        #expect(SiteTask.specDigest(changed) != SiteTask.specDigest(spec))
    }
}
