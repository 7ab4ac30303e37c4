/// "Did you mean …" for misspelt keys and values.
enum Suggestion {
    /// The candidate nearest to `word`, if it is a plausible typo of it: compared case-insensitively
    /// with `-` read as `_`, at most max(1, ⌊length / 3⌋) edits away (a swap of two neighbouring
    /// letters is one edit), or one containing the other when the shorter has at least 4 letters.
    /// Ties go to the earlier candidate.
    static func nearest(to word: String, among candidates: [String]) -> String? {
        let target = normalized(word)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let other = normalized(candidate)
            let distance = editDistance(target, other)
            let shorter = min(target.count, other.count)
            let contains = shorter >= 4 && (String(target).contains(String(other)) || String(other).contains(String(target)))
            guard distance <= max(1, other.count / 3) || contains else { continue }
            let score = contains ? min(distance, 1) : distance
            if score < (best?.distance ?? .max) { best = (candidate, score) }
        }
        return best?.candidate
    }

    private static func normalized(_ text: String) -> [Character] {
        Array(text.lowercased().map { $0 == "-" ? "_" : $0 })
    }

    /// Optimal-string-alignment distance: insertions, deletions, substitutions and transpositions
    /// of adjacent characters each cost 1.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, table[i - 2][j - 2] + 1)
                }
                table[i][j] = value
            }
        }
        return table[a.count][b.count]
    }
}
