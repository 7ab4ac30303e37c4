/// Per-bin moments of one model's calibration residuals r = p − y over equal-width, right-closed
/// bins (spec §2.4): bin k (0-based) holds p with k/B < p ≤ (k+1)/B, and p = 0 falls in bin 0.
/// ECE = Σ_b |residualSums_b| / n; the square sums give the variance of the bin sums for the
/// calibration test (`CalibrationGainTest`).
public struct CalibrationBins: Sendable, Codable, Equatable {
    /// Rows per bin, n_b.
    public var counts: [Int]
    /// Σ (p − y) per bin.
    public var residualSums: [Double]
    /// Σ (p − y)² per bin.
    public var residualSquares: [Double]

    /// Empty bins.
    public init(bins: Int) {
        counts = Array(repeating: 0, count: bins)
        residualSums = Array(repeating: 0, count: bins)
        residualSquares = Array(repeating: 0, count: bins)
    }

    /// Number of bins.
    public var binCount: Int { counts.count }

    enum CodingKeys: String, CodingKey { case counts, residualSums, residualSquares }

    /// Decodes the synthesized form, its arrays through ``KeyedDecodingContainer/decodeNumbers(_:forKey:)``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        counts = try container.decodeNumbers(Int.self, forKey: .counts)
        residualSums = try container.decodeNumbers(Double.self, forKey: .residualSums)
        residualSquares = try container.decodeNumbers(Double.self, forKey: .residualSquares)
    }

    /// Adds another site's bins (same bin edges).
    public mutating func add(_ other: CalibrationBins) {
        precondition(other.counts.count == counts.count, "bin counts differ")
        for b in counts.indices {
            counts[b] += other.counts[b]
            residualSums[b] += other.residualSums[b]
            residualSquares[b] += other.residualSquares[b]
        }
    }
}

/// Σ r_c·r_t over the rows that fall in comparator bin a and target bin b, for one comparator c
/// against the group's own model h_t: the cross block of the covariance of the two models' bin
/// sums. Sparse: only cells with rows are listed, in increasing `cell` order (cell = a·K_t + b,
/// K_t the target model's number of bins in the stratum).
///
/// A joint cell is a set of patients like any other cell (Protocol/disclosure-model.md): the site
/// needs its row count to withhold the sums of cells below `min_cell`, but the count itself never
/// leaves the site. `counts` is therefore transient: it is not among the coding keys (so it is
/// never encoded, and is empty after decoding) and it takes no part in `==` (two values are equal
/// when they would put the same bytes on the wire).
public struct CalibrationCrossMoments: Sendable, Codable, Equatable {
    /// Joint cells a·bins + b, strictly increasing.
    public var cells: [Int]
    /// Σ r_c r_t per listed cell.
    public var sums: [Double]
    /// Rows per listed cell, known only where the moments were computed; empty after decoding.
    public var counts: [Int] = []

    /// Cells with their sums and, at the site, their row counts.
    public init(cells: [Int] = [], sums: [Double] = [], counts: [Int] = []) {
        self.cells = cells
        self.sums = sums
        self.counts = counts
    }

    /// Whether the row count of every listed cell is known (true at the site that computed them).
    public var hasCounts: Bool { counts.count == cells.count }

    /// The wire form: cells and sums only.
    enum CodingKeys: String, CodingKey { case cells, sums }

    /// Decodes the wire form, its arrays through ``KeyedDecodingContainer/decodeNumbers(_:forKey:)``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cells = try container.decodeNumbers(Int.self, forKey: .cells)
        sums = try container.decodeNumbers(Double.self, forKey: .sums)
    }

    /// Equal when the wire forms are equal; the transient counts are ignored.
    public static func == (a: CalibrationCrossMoments, b: CalibrationCrossMoments) -> Bool {
        a.cells == b.cells && a.sums == b.sums
    }
}

/// One site's calibration moments of one group (one stratum of the Gaussian multiplier law of
/// `CalibrationGainTest`): rows n_s, per model the bin moments, per comparator the cross moments
/// with the target model. Each model's bins may have been merged for disclosure control (`edges`):
/// merging is per model, so a model with well-spread predictions keeps its bins when another's
/// must be merged.
public struct CalibrationStratum: Sendable, Codable, Equatable {
    /// The group's rows at this site, n_s.
    public var count: Int
    /// When bins were merged (disclosure control): per model, for each of its merged bins the index
    /// of the last base bin it covers (strictly increasing, ending at baseBins − 1). nil: every model
    /// has the base bins.
    public var edges: [[Int]]?
    /// Per model r: bin moments.
    public var bins: [CalibrationBins]
    /// Per model r: cross moments with the target model (empty for the target itself).
    public var cross: [CalibrationCrossMoments]

    /// Creates a stratum.
    public init(count: Int, edges: [[Int]]?, bins: [CalibrationBins], cross: [CalibrationCrossMoments]) {
        self.count = count
        self.edges = edges
        self.bins = bins
        self.cross = cross
    }

    /// The base (equal-width) bins the edges refer to.
    public var baseBins: Int {
        if let last = edges?.first?.last { return last + 1 }
        return bins.first?.binCount ?? 0
    }

    /// Model r's edges, the base ones when its bins were not merged.
    public func edges(model r: Int) -> [Int] { edges?[r] ?? Array(0..<baseBins) }

    /// Moments of a group's rows at one site: `target` is the index of h_g among the models.
    public static func extract(rows: GroupRows, target: Int, bins: Int) -> CalibrationStratum {
        let n = rows.count, models = rows.modelCount
        var moments = [CalibrationBins](repeating: CalibrationBins(bins: bins), count: models)
        var joint = [[Double]](repeating: [], count: models)
        var jointRows = [[Int]](repeating: [], count: models)
        for r in 0..<models where r != target {
            joint[r] = [Double](repeating: 0, count: bins * bins)
            jointRows[r] = [Int](repeating: 0, count: bins * bins)
        }
        var binOf = [Int](repeating: 0, count: models)
        var residual = [Double](repeating: 0, count: models)
        for i in 0..<n {
            let y = Double(rows.labels[i])
            for r in 0..<models {
                let p = rows.probabilities[i * models + r]
                binOf[r] = CalibrationBins.bin(of: p, bins: bins)
                residual[r] = p - y
                moments[r].counts[binOf[r]] += 1
                moments[r].residualSums[binOf[r]] += residual[r]
                moments[r].residualSquares[binOf[r]] += residual[r] * residual[r]
            }
            for r in 0..<models where r != target {
                let cell = binOf[r] * bins + binOf[target]
                joint[r][cell] += residual[r] * residual[target]
                jointRows[r][cell] += 1
            }
        }
        let cross = (0..<models).map { r -> CalibrationCrossMoments in
            guard r != target else { return CalibrationCrossMoments() }
            let cells = jointRows[r].indices.filter { jointRows[r][$0] > 0 }
            return CalibrationCrossMoments(cells: cells, sums: cells.map { joint[r][$0] },
                                           counts: cells.map { jointRows[r][$0] })
        }
        return CalibrationStratum(count: n, edges: nil, bins: moments, cross: cross)
    }
}

extension CalibrationBins {
    /// 0-based right-closed bin of p among `bins` equal-width bins: the first k with
    /// p ≤ (k+1)/bins using float64 edges (k+1)/bins, as numpy `searchsorted(side="left")`.
    @inlinable
    public static func bin(of p: Double, bins: Int) -> Int {
        // Start from the arithmetic guess and correct against the exact float edges.
        var k = Int((p * Double(bins)).rounded(.up)) - 1
        k = max(0, min(bins - 1, k))
        while k > 0 && p <= Double(k) / Double(bins) { k -= 1 }
        while k < bins - 1 && p > Double(k + 1) / Double(bins) { k += 1 }
        return k
    }
}
