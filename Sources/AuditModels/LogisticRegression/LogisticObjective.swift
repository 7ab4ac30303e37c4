import Foundation

extension LogisticRegression {
    /// The penalized objective f(θ) = C · Σ_i w_i · logloss(y_i, σ(b + x_i·β)) + ‖β‖²/2 over a fixed
    /// design, with θ = (β, b) stored as `theta[0..<d]` = β and `theta[d]` = b.
    ///
    /// Holds raw pointers into the caller's arrays: valid only inside the `withUnsafeBufferPointer`
    /// scopes that created it. Parallel workers write disjoint chunk slots of `scratch`.
    struct Objective: @unchecked Sendable {
        let x: UnsafePointer<Double>
        let labels: UnsafePointer<UInt8>
        let weights: UnsafePointer<Double>
        let rowCount: Int
        let columnCount: Int
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
        /// A single-precision copy of the design (n × d floats) for ``Precision/single`` passes, or
        /// nil; filled by the first `.double` pass asked to (see ``evaluate(_:gradient:curvature:precision:fillingSingle:)``).
        let single: UnsafeMutablePointer<Float>?
        /// Single-precision scratch: β in floats (d, padded), then one d-float partial gradient per chunk.
        let singleScratch: UnsafeMutablePointer<Float>?
        /// Floats per single-precision scratch slot: d rounded up to whole cache lines.
        let singleStride: Int

        /// The arithmetic of a pass.
        enum Precision {
            /// The exact objective: the design in double, double arithmetic throughout.
            case double
            /// The objective on the single-precision copy of the design, with single-precision
            /// products (relative error about 1e-6): about twice as fast, for the early iterations.
            case single
        }

        /// The number of parameters, d + 1 (the intercept is last).
        var parameterCount: Int { columnCount + 1 }

        /// Allocates the chunk scratch space; call ``deallocate()`` when done.
        init(x: UnsafePointer<Double>, labels: UnsafePointer<UInt8>, weights: UnsafePointer<Double>,
             rowCount: Int, columnCount: Int, c: Double, weightSum: Double, singlePrecision: Bool = false) {
            self.x = x
            self.labels = labels
            self.weights = weights
            self.rowCount = rowCount
            self.columnCount = columnCount
            self.c = c
            self.weightSum = weightSum
            chunks = Kernels.chunkRanges(rowCount: rowCount, columnCount: columnCount)
            slotStride = Kernels.paddedStride(columnCount + 2)
            scratch = Kernels.allocateAligned(chunks.count * slotStride)
            singleStride = (max(columnCount, 1) + 15) / 16 * 16
            if singlePrecision && rowCount > 0 && columnCount > 0 {
                // Uninitialized: the first `.double` pass with `fillingSingle` writes it.
                let bytes = rowCount * columnCount * MemoryLayout<Float>.stride
                let copy = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
                MemoryAdvice.hugePages(copy, byteCount: bytes)
                single = copy.bindMemory(to: Float.self, capacity: rowCount * columnCount)
                let floats = (chunks.count + 1) * singleStride
                singleScratch = UnsafeMutableRawPointer.allocate(byteCount: floats * MemoryLayout<Float>.stride, alignment: 64)
                    .bindMemory(to: Float.self, capacity: floats)
            } else {
                single = nil
                singleScratch = nil
            }
        }

        /// Frees the scratch space (and the single-precision copy).
        func deallocate() {
            Kernels.deallocateAligned(scratch)
            if let single { UnsafeMutableRawPointer(single).deallocate() }
            if let singleScratch { UnsafeMutableRawPointer(singleScratch).deallocate() }
        }

        /// f(θ), writing ∇f into `gradient` (d + 1 doubles) and, when given, each row's weighted
        /// curvature w_i σ_i (1 − σ_i) into `curvature` (n doubles). One parallel pass over the rows.
        ///
        /// With `precision: .single` (only once ``single`` is filled) the pass runs on the
        /// single-precision copy: an approximation of f and ∇f (relative error about 1e-6), which
        /// the exact objective must confirm. A `.double` pass with `fillingSingle` also writes
        /// ``single`` (the rows are converted while they are in cache for the pass).
        func evaluate(_ theta: UnsafePointer<Double>, gradient g: UnsafeMutablePointer<Double>,
                      curvature: UnsafeMutablePointer<Double>?, precision: Precision = .double,
                      fillingSingle: Bool = false) -> Double {
            let d = columnCount
            let stride = slotStride
            let me = self
            let thetaP = Shared(value: theta)
            let curvatureP = Shared(value: curvature)
            if precision == .single, let single, let singleScratch {
                precondition(!fillingSingle, "a single-precision pass cannot fill the single-precision copy")
                for j in 0..<d { singleScratch[j] = Float(theta[j]) }
                let singleP = Shared(value: single), scratchP = Shared(value: singleScratch)
                let singleStride = singleStride
                Kernels.forEachChunk(chunks.count) { k in
                    let slot = me.scratch + k * stride
                    slot[d + 1] = Kernels.lossAndGradientSingle(
                        x: singleP.value, d: d, rows: me.chunks[k], labels: me.labels, weights: me.weights,
                        theta: scratchP.value, intercept: thetaP.value[d], g: slot,
                        partial: scratchP.value + (k + 1) * singleStride)
                }
            } else {
                let singleOut = Shared(value: fillingSingle ? single : nil)
                Kernels.forEachChunk(chunks.count) { k in
                    let slot = me.scratch + k * stride
                    slot[d + 1] = Kernels.lossAndGradient(
                        x: me.x, d: d, rows: me.chunks[k], labels: me.labels, weights: me.weights,
                        theta: thetaP.value, g: slot, curvature: curvatureP.value, single: singleOut.value)
                }
            }
            var loss = scratch[d + 1]
            g.update(from: scratch, count: d + 1)
            for k in 1..<max(chunks.count, 1) {
                let slot = scratch + k * stride
                loss += slot[d + 1]
                for j in 0...d { g[j] += slot[j] }
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

        /// The Hessian ∇²f = C · Σ_i s_i x̃_i x̃_iᵀ + diag(1, …, 1, 0) with x̃_i = (x_i, 1), written
        /// row-major into `h` ((d + 1)² doubles), from the curvatures `s` of an ``evaluate`` call.
        ///
        /// Rank-4 updates of the upper triangle, in up to 4 fixed row chunks summed in order.
        func hessian(curvature s: UnsafePointer<Double>, into h: UnsafeMutablePointer<Double>) {
            let d = columnCount, m = d + 1, size = m * m
            let work = rowCount * max(d * d, 1)
            let count = max(1, min(4, work / (8 * Kernels.entriesPerChunk), rowCount))
            let partStride = Kernels.paddedStride(size)
            let parts = Kernels.allocateAligned(count * partStride)
            defer { Kernels.deallocateAligned(parts) }
            parts.initialize(repeating: 0, count: count * partStride)
            let me = self
            let partsP = Shared(value: parts), sP = Shared(value: s)
            Kernels.forEachChunk(count) { k in
                let rows = (k * me.rowCount / count)..<((k + 1) * me.rowCount / count)
                Self.hessianRows(x: me.x, d: d, rows: rows, s: sP.value, h: partsP.value + k * partStride)
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

        /// Adds Σ_{i ∈ rows} s_i x̃_i x̃_iᵀ to the upper triangle of `h` (row-major, (d + 1)²).
        static func hessianRows(x: UnsafePointer<Double>, d: Int, rows: Range<Int>,
                                s: UnsafePointer<Double>, h: UnsafeMutablePointer<Double>) {
            let m = d + 1
            var i = rows.lowerBound
            while i + 4 <= rows.upperBound {
                let x0 = x + i * d, x1 = x0 + d, x2 = x1 + d, x3 = x2 + d
                let s4 = SIMD4<Double>(s[i], s[i + 1], s[i + 2], s[i + 3])
                for j in 0..<d {
                    let a = s4 * SIMD4<Double>(x0[j], x1[j], x2[j], x3[j])
                    let row = h + j * m
                    Kernels.axpy4(a, x0 + j, x1 + j, x2 + j, x3 + j, row + j, d - j)
                    row[d] += Kernels.lanes(a)
                }
                h[d * m + d] += Kernels.lanes(s4)
                i += 4
            }
            while i < rows.upperBound {
                let xi = x + i * d, si = s[i]
                for j in 0..<d {
                    let a = si * xi[j]
                    let row = h + j * m
                    Kernels.axpy(a, xi + j, row + j, d - j)
                    row[d] += a
                }
                h[d * m + d] += si
                i += 1
            }
        }
    }
}
