import Foundation

extension LogisticRegression {
    /// The penalized objective f(θ) = C · Σ_i w_i · logloss(y_i, σ(b + x_i·β)) + ‖β‖²/2 over a fixed
    /// design, with θ = (β, b) stored as `theta[0..<d]` = β and `theta[d]` = b.
    ///
    /// The design's row i is row i of the row-major matrix `x` (d − e columns) followed by row i of
    /// `extra` (e columns, usually few, e.g. group indicators): columns appended without forming
    /// the wider matrix. Holds raw pointers into the caller's arrays:
    /// valid only inside the `withUnsafeBufferPointer` scopes that created it. Parallel workers
    /// write disjoint chunk slots of `scratch`.
    struct Objective: @unchecked Sendable {
        /// Rows of a design in their stored precision.
        enum Rows {
            case double(UnsafePointer<Double>)
            case single(UnsafePointer<Float>)
        }

        /// The design's rows in their stored precision (`DesignMatrix.Precision`).
        let x: Rows
        let labels: UnsafePointer<UInt8>
        let weights: UnsafePointer<Double>
        let rowCount: Int
        /// d, all columns (those of `x` and the appended ones).
        let columnCount: Int
        /// The appended columns, row-major (rowCount × extraColumns), or nil.
        let extra: UnsafePointer<Double>?
        /// e, the number of appended columns (0 without `extra`).
        let extraColumns: Int
        /// sklearn's C, the weight of the summed loss against the ridge penalty.
        let c: Double
        /// Σ w_i, the scale of the stopping rule.
        let weightSum: Double
        let chunks: [Range<Int>]
        /// `chunks.count` cache-line-aligned slots of ``slotStride`` doubles: a partial gradient
        /// (d + 1 doubles) and a partial loss (at index d + 1).
        let scratch: UnsafeMutablePointer<Double>
        /// Doubles per scratch slot: d + 2 rounded up to whole cache lines.
        let slotStride: Int
        /// With appended columns: their part of each row's score, then each row's residual (2n).
        let rowScratch: UnsafeMutablePointer<Double>?
        /// A single-precision copy of `x` (n × (d − e) floats) for ``Precision/single`` passes, or
        /// nil; filled by the first anchoring pass
        /// (see ``evaluate(_:gradient:curvature:precision:anchoring:fillingSingle:)``).
        let single: UnsafeMutablePointer<Float>?
        /// Whether ``single`` is a copy this objective allocated (false when it is the design itself).
        let ownsSingle: Bool
        /// Single-precision scratch: Δβ in floats (d, padded), then one d-float partial gradient per chunk.
        let singleScratch: UnsafeMutablePointer<Float>?
        /// Floats per single-precision scratch slot: d rounded up to whole cache lines.
        let singleStride: Int
        /// The anchor of ``Precision/single`` passes, the point of the last anchoring pass: its
        /// scores (n), weighted residuals (n), θ (d + 1) and unpenalized, unscaled gradient sums
        /// Σ residual·x̃ (d + 1), in that order; nil without ``single``.
        let anchor: UnsafeMutablePointer<Double>?

        /// The arithmetic of a pass.
        enum Precision {
            /// The exact objective: the design in double, double arithmetic throughout.
            case double
            /// The objective from the last anchoring pass and the single-precision copy of the
            /// design (see `Kernels.lossAndGradientSingle`): about twice as fast, with a rounding
            /// error of about 1e-6 of the change since the anchor. For the bulk of the iterations.
            case single
        }

        /// The number of parameters, d + 1 (the intercept is last).
        var parameterCount: Int { columnCount + 1 }
        /// The columns read from `x`, d − e.
        var baseColumns: Int { columnCount - extraColumns }

        /// Allocates the chunk scratch space (and, with `singlePrecision`, the single-precision copy
        /// of the design and the anchor); call ``deallocate()`` when done. `columnCount` counts the
        /// appended columns too.
        init(x: UnsafePointer<Double>, labels: UnsafePointer<UInt8>, weights: UnsafePointer<Double>,
             rowCount: Int, columnCount: Int, c: Double, weightSum: Double, singlePrecision: Bool = false,
             extra: UnsafePointer<Double>? = nil, extraColumns: Int = 0) {
            self.init(rows: .double(x), labels: labels, weights: weights, rowCount: rowCount, columnCount: columnCount,
                      c: c, weightSum: weightSum, singlePrecision: singlePrecision, extra: extra, extraColumns: extraColumns)
        }

        /// The same over rows stored in either precision. A single-precision design is its own
        /// copy for ``Precision/single`` passes: nothing is copied or converted.
        init(rows: Rows, labels: UnsafePointer<UInt8>, weights: UnsafePointer<Double>,
             rowCount: Int, columnCount: Int, c: Double, weightSum: Double, singlePrecision: Bool = false,
             extra: UnsafePointer<Double>? = nil, extraColumns: Int = 0) {
            precondition(extraColumns >= 0 && extraColumns <= columnCount && (extra != nil || extraColumns == 0))
            self.x = rows
            self.labels = labels
            self.weights = weights
            self.rowCount = rowCount
            self.columnCount = columnCount
            self.extra = extraColumns > 0 ? extra : nil
            self.extraColumns = extraColumns
            self.c = c
            self.weightSum = weightSum
            chunks = Kernels.chunkRanges(rowCount: rowCount, columnCount: columnCount)
            slotStride = Kernels.paddedStride(columnCount + 2)
            scratch = Kernels.allocateAligned(chunks.count * slotStride)
            rowScratch = extraColumns > 0 ? Kernels.allocateAligned(2 * rowCount) : nil
            let base = columnCount - extraColumns
            singleStride = (max(columnCount, 1) + 15) / 16 * 16
            if singlePrecision && rowCount > 0 && base > 0 {
                if case .single(let stored) = rows {
                    single = UnsafeMutablePointer(mutating: stored)
                    ownsSingle = false
                } else {
                    // Uninitialized: the first anchoring pass writes it.
                    let bytes = rowCount * base * MemoryLayout<Float>.stride
                    let copy = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
                    MemoryAdvice.hugePages(copy, byteCount: bytes)
                    single = copy.bindMemory(to: Float.self, capacity: rowCount * base)
                    ownsSingle = true
                }
                let floats = (chunks.count + 1) * singleStride
                singleScratch = UnsafeMutableRawPointer.allocate(byteCount: floats * MemoryLayout<Float>.stride, alignment: 64)
                    .bindMemory(to: Float.self, capacity: floats)
                anchor = Kernels.allocateAligned(2 * rowCount + 2 * (columnCount + 1))
            } else {
                single = nil
                ownsSingle = false
                singleScratch = nil
                anchor = nil
            }
        }

        /// Frees the scratch space (and the single-precision copy and anchor).
        func deallocate() {
            Kernels.deallocateAligned(scratch)
            if let rowScratch { Kernels.deallocateAligned(rowScratch) }
            if let single, ownsSingle { UnsafeMutableRawPointer(single).deallocate() }
            if let singleScratch { UnsafeMutableRawPointer(singleScratch).deallocate() }
            if let anchor { Kernels.deallocateAligned(anchor) }
        }

        /// f(θ), writing ∇f into `gradient` (d + 1 doubles) and, when given, each row's weighted
        /// curvature w_i σ_i (1 − σ_i) into `curvature` (n doubles). One parallel pass over the rows.
        ///
        /// An exact pass with `anchoring` (only with ``single``) also makes θ the anchor of later
        /// `.single` passes, and the first one (`fillingSingle`) fills ``single`` (the rows are
        /// converted while they are in cache for the pass). A `.single` pass approximates f and ∇f
        /// from the anchor and the single-precision copy; only exact passes can confirm convergence.
        func evaluate(_ theta: UnsafePointer<Double>, gradient g: UnsafeMutablePointer<Double>,
                      curvature: UnsafeMutablePointer<Double>?, precision: Precision = .double,
                      anchoring: Bool = false, fillingSingle: Bool = false) -> Double {
            let d = columnCount, n = rowCount, e = extraColumns, base = d - e
            let stride = slotStride
            let me = self
            let thetaP = Shared(value: theta)
            let single = Shared(value: single), anchor = Shared(value: anchor)
            // With appended columns, their part of each row's score (or of its change since the
            // anchor), in double: offsets[i] = extra_i · θ[base..<d] (− the anchor's).
            let offsets = rowScratch, rowResiduals = rowScratch.map { $0 + n }
            let singlePass = precision == .single && single.value != nil
            if let extra, let offsets {
                let coefficients = theta + base
                if singlePass {
                    let anchorTheta = anchor.value! + 2 * n + base
                    withUnsafeTemporaryAllocation(of: Double.self, capacity: e) { step in
                        for k in 0..<e { step[k] = coefficients[k] - anchorTheta[k] }
                        for i in 0..<n { offsets[i] = Kernels.dot(extra + i * e, step.baseAddress!, e) }
                    }
                } else {
                    for i in 0..<n { offsets[i] = Kernels.dot(extra + i * e, coefficients, e) }
                }
            }
            let offsetsP = Shared(value: offsets), residualsP = Shared(value: rowResiduals)
            if singlePass, let copy = single.value, let anchor = anchor.value, let singleScratch {
                precondition(!anchoring && !fillingSingle, "single-precision passes cannot anchor")
                let anchorTheta = anchor + 2 * n
                for j in 0..<base { singleScratch[j] = Float(theta[j] - anchorTheta[j]) }
                let interceptStep = theta[d] - anchorTheta[d]
                let copyP = Shared(value: copy), anchorP = Shared(value: anchor), scratchP = Shared(value: singleScratch)
                let singleStride = singleStride
                Kernels.forEachChunk(chunks.count) { k in
                    let slot = me.scratch + k * stride
                    slot[base + 1] = Kernels.lossAndGradientSingle(
                        x: copyP.value, d: base, rows: me.chunks[k], labels: me.labels, weights: me.weights,
                        step: scratchP.value, interceptStep: interceptStep, offsetSteps: offsetsP.value,
                        anchorScores: anchorP.value, anchorResiduals: anchorP.value + n, residuals: residualsP.value,
                        g: slot, partial: scratchP.value + (k + 1) * singleStride)
                }
            } else {
                precondition(!anchoring || anchor.value != nil, "anchoring needs a single-precision copy")
                var options = Kernels.PassOptions(offsets: offsets, curvature: curvature,
                                                  single: fillingSingle && ownsSingle ? single.value : nil)
                if anchoring {
                    options.scores = anchor.value
                    options.residuals = anchor.value.map { $0 + n }
                } else {
                    options.residuals = rowResiduals
                }
                let optionsP = Shared(value: options)
                Kernels.forEachChunk(chunks.count) { k in
                    let slot = me.scratch + k * stride
                    switch me.x {
                    case .double(let x):
                        slot[base + 1] = Kernels.lossAndGradient(
                            x: x, d: base, rows: me.chunks[k], labels: me.labels, weights: me.weights,
                            beta: thetaP.value, intercept: thetaP.value[d], g: slot, options: optionsP.value)
                    case .single(let x):
                        slot[base + 1] = Kernels.lossAndGradient(
                            x: x, d: base, rows: me.chunks[k], labels: me.labels, weights: me.weights,
                            beta: thetaP.value, intercept: thetaP.value[d], g: slot, options: optionsP.value)
                    }
                }
            }
            // Chunk sums in chunk order: Σ residual·x over the columns of x, then Σ residual.
            var loss = scratch[base + 1]
            g.update(from: scratch, count: base + 1)
            for k in 1..<max(chunks.count, 1) {
                let slot = scratch + k * stride
                loss += slot[base + 1]
                for j in 0...base { g[j] += slot[j] }
            }
            g[d] = g[base]
            if let extra {
                // Σ residual·extra, exact in every pass (the residuals are computed in double).
                let residuals = anchoring ? anchor.value! + n : rowResiduals!
                for k in 0..<e { g[base + k] = 0 }
                for i in 0..<n { Kernels.axpy(residuals[i], extra + i * e, g + base, e) }
            }
            if let anchor = anchor.value {
                let anchorTheta = anchor + 2 * n, anchorGradient = anchorTheta + d + 1
                if singlePass {
                    // Σ (residual − residualₐ)·x + Σ residualₐ·x over the columns of x.
                    for j in 0..<base { g[j] += anchorGradient[j] }
                } else if anchoring {
                    anchorTheta.update(from: theta, count: d + 1)
                    anchorGradient.update(from: g, count: d + 1)
                }
            }
            var penalty = 0.0
            for j in 0..<d {
                penalty += theta[j] * theta[j]
                g[j] = c * g[j] + theta[j]
            }
            g[d] = c * g[d]
            return c * loss + 0.5 * penalty
        }

        /// The stopping measure max_j |∂f/∂θ_j| / Σw, i.e. the gradient of f / Σw.
        func gradientMeasure(_ g: UnsafePointer<Double>) -> Double {
            var m = 0.0
            for j in 0...columnCount {
                let a = abs(g[j])
                if a.isNaN { return .nan }
                m = max(m, a)
            }
            return m / weightSum
        }

        /// The Hessian ∇²f = C · Σ_i s_i x̃_i x̃_iᵀ + diag(1, …, 1, 0) with x̃_i = (x_i, extra_i, 1),
        /// written row-major into `h` ((d + 1)² doubles), from the curvatures `s` of an ``evaluate`` call.
        ///
        /// Rank-4 updates of the upper triangle, in up to 4 fixed row chunks summed in order. Appended
        /// columns are read in place (their blocks are summed from `extra`), so a model with group
        /// indicators needs no wider copy of the design.
        func hessian(curvature s: UnsafePointer<Double>, into h: UnsafeMutablePointer<Double>) {
            let d = columnCount, m = d + 1, size = m * m, base = baseColumns, e = extraColumns
            let work = rowCount * max(d * d, 1)
            let count = max(1, min(4, work / (8 * Kernels.entriesPerChunk), rowCount))
            let partStride = Kernels.paddedStride(size)
            let parts = Kernels.allocateAligned(count * partStride)
            defer { Kernels.deallocateAligned(parts) }
            parts.initialize(repeating: 0, count: count * partStride)
            let me = self
            let partsP = Shared(value: parts), sP = Shared(value: s), extraP = Shared(value: extra)
            Kernels.forEachChunk(count) { k in
                let rows = (k * me.rowCount / count)..<((k + 1) * me.rowCount / count)
                switch me.x {
                case .double(let x):
                    Self.hessianRows(x: x, d: base, stride: m, rows: rows, s: sP.value, h: partsP.value + k * partStride)
                    if let extra = extraP.value {
                        Self.hessianExtraRows(x: x, base: base, extra: extra, e: e, stride: m, rows: rows,
                                              s: sP.value, h: partsP.value + k * partStride)
                    }
                case .single(let x):
                    Self.hessianRows(x: x, d: base, stride: m, rows: rows, s: sP.value, h: partsP.value + k * partStride)
                    if let extra = extraP.value {
                        Self.hessianExtraRows(x: x, base: base, extra: extra, e: e, stride: m, rows: rows,
                                              s: sP.value, h: partsP.value + k * partStride)
                    }
                }
            }
            h.update(from: parts, count: size)
            for k in 1..<count {
                let part = parts + k * partStride
                for j in 0..<size { h[j] += part[j] }
            }
            for j in 0..<m {
                for k in j..<m {
                    var v = c * h[j * m + k]
                    if j == k && j < d { v += 1 }
                    h[j * m + k] = v
                    h[k * m + j] = v
                }
            }
        }

        /// Adds Σ_{i ∈ rows} s_i x̃_i x̃_iᵀ to the upper triangle of `h` (row-major, `stride` = the
        /// parameter count, intercept last) for the first `d` columns and the intercept.
        static func hessianRows<E: DesignScalar>(x: UnsafePointer<E>, d: Int, stride m: Int, rows: Range<Int>,
                                s: UnsafePointer<Double>, h: UnsafeMutablePointer<Double>) {
            let b = m - 1
            var i = rows.lowerBound
            while i + 4 <= rows.upperBound {
                let x0 = x + i * d, x1 = x0 + d, x2 = x1 + d, x3 = x2 + d
                let s4 = SIMD4<Double>(s[i], s[i + 1], s[i + 2], s[i + 3])
                for j in 0..<d {
                    let a = s4 * SIMD4<Double>(x0[j].wide, x1[j].wide, x2[j].wide, x3[j].wide)
                    let row = h + j * m
                    Kernels.axpy4(a, x0 + j, x1 + j, x2 + j, x3 + j, row + j, d - j)
                    row[b] += Kernels.lanes(a)
                }
                h[b * m + b] += Kernels.lanes(s4)
                i += 4
            }
            while i < rows.upperBound {
                let xi = x + i * d, si = s[i]
                for j in 0..<d {
                    let a = si * xi[j].wide
                    let row = h + j * m
                    Kernels.axpy(a, xi + j, row + j, d - j)
                    row[b] += a
                }
                h[b * m + b] += si
                i += 1
            }
        }

        /// Adds the appended columns' blocks of Σ_{i ∈ rows} s_i x̃_i x̃_iᵀ to the upper triangle of `h`:
        /// their cross terms with the `base` columns of `x`, with each other and with the intercept.
        /// The cross terms are summed contiguously per appended column, then added to `h`.
        static func hessianExtraRows<E: DesignScalar>(x: UnsafePointer<E>, base: Int, extra: UnsafePointer<Double>, e: Int,
                                     stride m: Int, rows: Range<Int>, s: UnsafePointer<Double>,
                                     h: UnsafeMutablePointer<Double>) {
            let b = m - 1
            withUnsafeTemporaryAllocation(of: Double.self, capacity: max(1, e * base)) { cross in
                let t = cross.baseAddress!
                t.initialize(repeating: 0, count: e * base)
                for i in rows {
                    let xi = x + i * base, ei = extra + i * e, si = s[i]
                    for k in 0..<e {
                        let a = si * ei[k]
                        if base > 0 { Kernels.axpy(a, xi, t + k * base, base) }
                        let row = h + (base + k) * m
                        Kernels.axpy(a, ei + k, row + base + k, e - k)
                        row[b] += a
                    }
                }
                for k in 0..<e {
                    for j in 0..<base { h[j * m + base + k] += t[k * base + j] }
                }
            }
        }
    }
}
