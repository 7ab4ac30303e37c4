import AuditCore

/// Multiple-testing adjustments of a family of p-values (spec §2.6).
///
/// A family is one metric × one test × one direction: the m rationality tests and the m(m−1)
/// envy-freeness tests. NaN p-values (tests that are undefined, e.g. AUC of a one-class group)
/// are left out of the family and stay NaN.
public enum MultipleTesting {
    /// Adjusted p-values in the input order. Ties are ordered stably by input position.
    public static func adjust(_ p: [Double], method: Correction) -> [Double] {
        let indices = p.indices.filter { !p[$0].isNaN }
        var out = [Double](repeating: .nan, count: p.count)
        let m = indices.count
        guard m > 0 else { return out }
        let order = indices.sorted { p[$0] < p[$1] || (p[$0] == p[$1] && $0 < $1) }
        let mm = Double(m)
        switch method {
        case .bonferroni:
            for i in indices { out[i] = min(1, mm * p[i]) }
        case .holm:
            var running = 0.0
            for (rank, i) in order.enumerated() {
                running = max(running, min(1, Double(m - rank) * p[i]))
                out[i] = running
            }
        case .bh, .by:
            var c = 1.0
            if method == .by { c = (1...m).reduce(0.0) { $0 + 1 / Double($1) } }
            var running = Double.infinity
            for rank in stride(from: m - 1, through: 0, by: -1) {
                let i = order[rank]
                running = min(running, mm * p[i] * c / Double(rank + 1))
                out[i] = min(1, running)
            }
        }
        return out
    }
}
