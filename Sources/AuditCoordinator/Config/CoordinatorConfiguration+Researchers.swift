extension CoordinatorConfiguration.ResearcherToken {
    /// Whether `coordinator.yaml` accepts `name` as a researcher's name: 1–64 bytes of letters,
    /// digits, `.`, `_`, `-` or `@`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && name.allSatisfy { $0.isLetter || $0.isNumber || "._-@".contains($0) }
    }

    /// Whether `hash` is a SHA-256 in 64 lowercase hex digits.
    public static func isValidHash(_ hash: String) -> Bool {
        hash.utf8.count == 64 && hash.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// The `researchers:` block of `coordinator.yaml` for `entries`, exactly as the coordinator
    /// reads it back (`fairuse coordinator token` prints it). Names are double-quoted: a name may
    /// start with `@`, which YAML reserves, or look like a number.
    public static func yaml(_ entries: [Self]) -> String {
        (["researchers:"] + entries.map { "  - { name: \"\($0.name)\", token_sha256: \($0.sha256) }" })
            .joined(separator: "\n") + "\n"
    }
}
