extension CrossAuditCheck {
    /// The site's rows merged into atoms — rows that every released set (earlier releases, and the
    /// candidate with all its groups released) and every label treat alike — with the earlier
    /// releases' vectors over the atoms and their span.
    struct Atoms {
        let earlier: [ReleasedPartition]
        let candidate: ReleasedPartition
        /// Rows per atom.
        let sizes: [Int]
        /// One row of each atom (every row of an atom is in the same released sets).
        let representative: [Int]
        /// Each row's atom.
        let atomOfRow: [Int]
        /// Rows per candidate key (the whole data), to withhold the smallest group first.
        let size: [String: Int]
        /// Per earlier release, its vectors over the atoms.
        let earlierVectors: [[[Int]]]
        /// The span of every earlier release's vectors.
        let earlierSpan: RowSpace

        init(earlier: [ReleasedPartition], candidate: ReleasedPartition) throws {
            self.earlier = earlier
            self.candidate = candidate
            let all = earlier + [candidate]
            let indices = all.map { release in
                Dictionary(uniqueKeysWithValues: release.released.sorted().enumerated().map { ($1, Int32($0)) })
            }
            var atomOf: [[Int32]: Int] = [:], sizes: [Int] = [], representative: [Int] = [], atomOfRow: [Int] = []
            atomOfRow.reserveCapacity(candidate.keys.count)
            for row in candidate.keys.indices {
                var signature: [Int32] = []
                for (r, release) in all.enumerated() {
                    signature.append(indices[r][release.keys[row]] ?? -1)
                    if let labels = release.labels { signature.append(Int32(labels[row])) }
                }
                if let atom = atomOf[signature] {
                    sizes[atom] += 1
                    atomOfRow.append(atom)
                } else {
                    atomOf[signature] = sizes.count
                    atomOfRow.append(sizes.count)
                    sizes.append(1)
                    representative.append(row)
                }
            }
            self.sizes = sizes
            self.representative = representative
            self.atomOfRow = atomOfRow
            var size: [String: Int] = [:]
            for key in candidate.keys { size[key, default: 0] += 1 }
            self.size = size
            earlierVectors = earlier.map { Self.vectors($0, removing: [], representative: representative) }
            var span = RowSpace(width: sizes.count)
            for vector in earlierVectors.joined() { try span.add(vector) }
            earlierSpan = span
        }

        /// The counts a release makes known, as vectors over atoms: per released key its rows and
        /// positives, and the released rows and positives in all (total, population).
        static func vectors(_ release: ReleasedPartition, removing: Set<String>, representative: [Int]) -> [[Int]] {
            let released = release.released.subtracting(removing)
            func vector(_ member: (Int) -> Bool) -> [Int] { representative.map { member($0) ? 1 : 0 } }
            var out: [[Int]] = []
            for key in released.sorted().map(Optional.some) + [nil] {
                let inSet: (Int) -> Bool = { row in key.map { release.keys[row] == $0 } ?? released.contains(release.keys[row]) }
                out.append(vector(inSet))
                if let labels = release.labels { out.append(vector { inSet($0) && labels[$0] == 1 }) }
            }
            return out
        }

        /// The sets a release withheld — every key with rows that did not leave — with their
        /// positives and negatives, as vectors over atoms; sets that split an atom are left out
        /// (no released combination can single them out).
        func withheldSets(_ release: ReleasedPartition, removing: Set<String>) -> [[Int]] {
            let released = release.released.subtracting(removing)
            let withheld = Set(release.keys).subtracting(released).sorted()
            var out: [[Int]] = []
            for key in withheld {
                var predicates: [(Int) -> Bool] = [{ release.keys[$0] == key }]
                if let labels = release.labels {
                    predicates.append { release.keys[$0] == key && labels[$0] == 1 }
                    predicates.append { release.keys[$0] == key && labels[$0] == 0 }
                }
                for predicate in predicates {
                    var inside = [Int](repeating: 0, count: sizes.count)
                    for row in release.keys.indices where predicate(row) { inside[atomOfRow[row]] += 1 }
                    guard inside.contains(where: { $0 > 0 }),
                          zip(inside, sizes).allSatisfy({ $0 == 0 || $0 == $1 }) else { continue }
                    out.append(inside.map { $0 > 0 ? 1 : 0 })
                }
            }
            return out
        }

        /// The span of the earlier releases and the candidate without the groups in `removing`.
        func span(removing: Set<String>, without earlierRelease: Int? = nil) throws -> RowSpace {
            var span: RowSpace
            if let skip = earlierRelease {
                span = RowSpace(width: sizes.count)
                for (r, vectors) in earlierVectors.enumerated() where r != skip { for v in vectors { try span.add(v) } }
            } else {
                span = earlierSpan
            }
            for vector in Self.vectors(candidate, removing: removing, representative: representative) { try span.add(vector) }
            return span
        }

        /// Whether `set` is derivable with the candidate (less `removing`) and was not before.
        func derivable(_ set: [Int], removing: Set<String>) throws -> Bool {
            try span(removing: removing).contains(set) && !earlierSpan.contains(set)
        }

        /// The first set the candidate (less `removing`) newly makes derivable: a withheld group's
        /// rows, positives or negatives, then any union of atoms of 1 … minCell − 1 rows.
        func firstDisclosure(removing: Set<String>, minCell: Int) throws -> Finding? {
            let span = try span(removing: removing)
            func newly(_ set: [Int]) throws -> Bool { try span.contains(set) && !earlierSpan.contains(set) }
            let targets = earlier.flatMap { withheldSets($0, removing: []) } + withheldSets(candidate, removing: removing)
            if let set = try targets.first(where: newly) {
                return try finding(.withheldGroup, set: set, removing: removing)
            }
            let small = sizes.indices.filter { sizes[$0] < minCell }.sorted { sizes[$0] < sizes[$1] }
            var tested = 0
            var chosen: [Int] = []
            // Depth-first over unions of small atoms whose rows total 1 … minCell − 1.
            func search(from start: Int, total: Int) throws -> [Int]? {
                for i in start..<small.count {
                    let atom = small[i]
                    guard total + sizes[atom] < minCell else { break }   // sorted by size: the rest are larger
                    chosen.append(atom)
                    defer { chosen.removeLast() }
                    tested += 1
                    if tested > CrossAuditCheck.searchLimit { throw RowSpace.Overflow() }
                    var set = [Int](repeating: 0, count: sizes.count)
                    for a in chosen { set[a] = 1 }
                    if try newly(set) { return set }
                    if let found = try search(from: i + 1, total: total + sizes[atom]) { return found }
                }
                return nil
            }
            if let set = try search(from: 0, total: 0) {
                return try finding(.smallCell, set: set, removing: removing)
            }
            return nil
        }

        /// A finding naming the earlier releases the set needs.
        func finding(_ kind: Finding.Kind, set: [Int], removing: Set<String>) throws -> Finding {
            var needed: [String] = []
            for r in earlier.indices where try !span(removing: removing, without: r).contains(set) {
                needed.append(earlier[r].name)
            }
            return Finding(kind: kind, combinesWith: needed, set: set)
        }
    }
}
