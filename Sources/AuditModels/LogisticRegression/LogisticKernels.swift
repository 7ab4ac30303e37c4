import Foundation

extension LogisticRegression {
    /// A pointer or other unchecked value handed to `concurrentPerform` workers that write disjoint slots.
    struct Shared<Value>: @unchecked Sendable {
        /// The wrapped value.
        let value: Value
    }

    /// Allocation-free numeric kernels over row-major storage.
    ///
    /// Every row's linear score `b + x·β` is computed by ``dot(_:_:_:)`` then `+ b`, so scores are
    /// bit-identical across code paths (a fit with appended columns read in place adds their part
    /// before `b`; see `PassOptions`). Rows are split into fixed chunks that depend only on the
    /// shape, never on the number of cores, and partial sums are combined in chunk order: results
    /// are bit-for-bit deterministic regardless of scheduling. (The build targets baseline x86-64,
    /// i.e. SSE2, so each `SIMD4<Double>` is two 128-bit operations and there is no FMA; a pass over
    /// a large design is bound by memory bandwidth, not arithmetic.)
    enum Kernels {
        /// Target number of matrix entries per parallel chunk (about 1 MB of doubles).
        static let entriesPerChunk = 131_072
        /// The most chunks a pass is split into.
        static let maxChunks = 16
        /// Per-chunk scratch slots are padded to whole 64-byte cache lines so that two workers never
        /// write the same line (false sharing cost more than the second core gained).
        static let cacheLineDoubles = 8

        /// `count` rounded up to a whole number of cache lines, in doubles.
        static func paddedStride(_ count: Int) -> Int {
            (count + cacheLineDoubles - 1) / cacheLineDoubles * cacheLineDoubles
        }

        /// Uninitialized doubles aligned to a cache line; free with ``deallocateAligned(_:)``.
        static func allocateAligned(_ count: Int) -> UnsafeMutablePointer<Double> {
            UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Double>.stride, alignment: 64)
                .bindMemory(to: Double.self, capacity: max(count, 1))
        }

        /// Frees memory from ``allocateAligned(_:)``.
        static func deallocateAligned(_ pointer: UnsafeMutablePointer<Double>) {
            UnsafeMutableRawPointer(pointer).deallocate()
        }

        /// Fixed row ranges for a pass over an `n × d` matrix; depends only on the shape.
        static func chunkRanges(rowCount n: Int, columnCount d: Int) -> [Range<Int>] {
            let work = n * max(d, 1)
            let count = max(1, min(maxChunks, work / entriesPerChunk, n))
            return (0..<count).map { k in (k * n / count)..<((k + 1) * n / count) }
        }

        /// Runs `body(k)` for `k` in `0..<count`, in parallel when `count > 1`.
        static func forEachChunk(_ count: Int, _ body: @Sendable (Int) -> Void) {
            if count == 1 {
                body(0)
            } else {
                DispatchQueue.concurrentPerform(iterations: count, execute: body)
            }
        }

        /// Four doubles from a possibly unaligned address.
        @inline(__always)
        static func load4(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
            UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
        }

        /// Stores four doubles at a possibly unaligned address.
        @inline(__always)
        static func store4(_ v: SIMD4<Double>, _ p: UnsafeMutablePointer<Double>) {
            UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Double>.self)
        }

        /// The lane sum in a fixed order, `(v0 + v1) + (v2 + v3)`.
        @inline(__always)
        static func lanes(_ v: SIMD4<Double>) -> Double { (v[0] + v[1]) + (v[2] + v[3]) }

        /// `a·b` over `count` entries (`a` widened to double when stored in single precision): two `SIMD4` accumulators over blocks of 8, then one block of 4,
        /// then a scalar tail. Every row's score goes through this one function, so a row's score is
        /// bit-identical whichever code path (fit, `scores`, `probability`) computes it.
        @inline(__always)
        static func dot<E: DesignScalar>(_ a: UnsafePointer<E>, _ b: UnsafePointer<Double>, _ count: Int) -> Double {
            var acc0 = SIMD4<Double>(), acc1 = SIMD4<Double>()
            var j = 0
            while j + 8 <= count {
                acc0 += E.wide4(a + j) * load4(b + j)
                acc1 += E.wide4(a + j + 4) * load4(b + j + 4)
                j += 8
            }
            if j + 4 <= count {
                acc0 += E.wide4(a + j) * load4(b + j)
                j += 4
            }
            var s = lanes(acc0 + acc1)
            while j < count {
                s += a[j].wide * b[j]
                j += 1
            }
            return s
        }

        /// `g += r0·x0 + r1·x1 + r2·x2 + r3·x3`, loading and storing `g` once per step.
        @inline(__always)
        static func axpy4<E: DesignScalar>(_ r: SIMD4<Double>, _ x0: UnsafePointer<E>, _ x1: UnsafePointer<E>,
                                           _ x2: UnsafePointer<E>, _ x3: UnsafePointer<E>,
                                           _ g: UnsafeMutablePointer<Double>, _ count: Int) {
            let r0 = r[0], r1 = r[1], r2 = r[2], r3 = r[3]
            var j = 0
            while j + 4 <= count {
                let t = (r0 * E.wide4(x0 + j) + r1 * E.wide4(x1 + j)) + (r2 * E.wide4(x2 + j) + r3 * E.wide4(x3 + j))
                store4(load4(g + j) + t, g + j)
                j += 4
            }
            while j < count {
                g[j] += (r0 * x0[j].wide + r1 * x1[j].wide) + (r2 * x2[j].wide + r3 * x3[j].wide)
                j += 1
            }
        }

        /// `g += r·x`.
        @inline(__always)
        static func axpy<E: DesignScalar>(_ r: Double, _ x: UnsafePointer<E>, _ g: UnsafeMutablePointer<Double>, _ count: Int) {
            var j = 0
            while j + 4 <= count {
                store4(load4(g + j) + r * E.wide4(x + j), g + j)
                j += 4
            }
            while j < count {
                g[j] += r * x[j].wide
                j += 1
            }
        }

        /// σ(z) = 1/(1+e^−z), computed without overflow: for z ≥ 0 as 1/(1+e^−z), else e^z/(1+e^z).
        @inline(__always)
        static func sigmoid(_ z: Double) -> Double {
            if z >= 0 { return 1 / (1 + exp(-z)) }
            let e = exp(z)
            return e / (1 + e)
        }

        /// One row's weighted log-loss, residual ∂loss/∂z and curvature ∂²loss/∂z² at score `z`.
        ///
        /// With t = z for label 0 and t = −z for label 1, the loss is log(1+e^t) = max(t,0) + log1p(e^−|t|),
        /// the residual is σ(z) − y = ±σ(t), and the curvature is σ(z)(1−σ(z)) = e^−|t| / (1+e^−|t|)².
        @inline(__always)
        static func rowTerms(_ z: Double, _ label: UInt8, _ weight: Double) -> (loss: Double, residual: Double, curvature: Double) {
            let t = label == 0 ? z : -z
            let e = exp(-abs(t))
            let onePlus = 1 + e
            let loss = max(t, 0) + log1p(e)
            let sigmaT = t >= 0 ? 1 / onePlus : e / onePlus
            let residual = label == 0 ? sigmaT : -sigmaT
            return (weight * loss, weight * residual, weight * (e / (onePlus * onePlus)))
        }

        /// What a pass reads and writes besides the design, the labels, the weights and θ.
        struct PassOptions {
            /// Added to each row's score before the intercept (the appended columns' part), or nil.
            var offsets: UnsafePointer<Double>? = nil
            /// Receives each row's weighted curvature w_i σ_i (1 − σ_i).
            var curvature: UnsafeMutablePointer<Double>? = nil
            /// Receives the rows in single precision, row i at `single + i * d`.
            var single: UnsafeMutablePointer<Float>? = nil
            /// Receives each row's score.
            var scores: UnsafeMutablePointer<Double>? = nil
            /// Receives each row's weighted residual w_i (σ_i − y_i).
            var residuals: UnsafeMutablePointer<Double>? = nil
        }

        /// Unpenalized weighted loss over `rows`, writing Σ residual·x into `g[0..<d]` and Σ residual
        /// into `g[d]` (overwritten, not accumulated), with the per-row extras of `options`.
        ///
        /// A row's score is `dot(x_i, β) + b`, or `(dot(x_i, β) + offset_i) + b` with offsets. One pass
        /// over the rows: each block of four rows is read from memory once and reused from L1 for
        /// the gradient (and, when `options.single` is given, converted to single precision).
        static func lossAndGradient<E: DesignScalar>(x: UnsafePointer<E>, d: Int, rows: Range<Int>,
                                    labels: UnsafePointer<UInt8>, weights: UnsafePointer<Double>,
                                    beta: UnsafePointer<Double>, intercept b: Double,
                                    g: UnsafeMutablePointer<Double>, options: PassOptions = .init()) -> Double {
            g.update(repeating: 0, count: d + 1)
            let offsets = options.offsets
            var loss = 0.0
            var gb = 0.0
            var i = rows.lowerBound
            while i + 4 <= rows.upperBound {
                // Scores row by row (sequential memory, which the prefetcher follows), then one
                // rank-4 gradient update from L1.
                let x0 = x + i * d, x1 = x0 + d, x2 = x1 + d, x3 = x2 + d
                var z = SIMD4(dot(x0, beta, d), dot(x1, beta, d), dot(x2, beta, d), dot(x3, beta, d))
                if let offsets { z += UnsafeRawPointer(offsets + i).loadUnaligned(as: SIMD4<Double>.self) }
                z += b
                let t0 = rowTerms(z[0], labels[i], weights[i])
                let t1 = rowTerms(z[1], labels[i + 1], weights[i + 1])
                let t2 = rowTerms(z[2], labels[i + 2], weights[i + 2])
                let t3 = rowTerms(z[3], labels[i + 3], weights[i + 3])
                loss += (t0.loss + t1.loss) + (t2.loss + t3.loss)
                gb += (t0.residual + t1.residual) + (t2.residual + t3.residual)
                if let curvature = options.curvature {
                    store4(SIMD4(t0.curvature, t1.curvature, t2.curvature, t3.curvature), curvature + i)
                }
                let r = SIMD4(t0.residual, t1.residual, t2.residual, t3.residual)
                axpy4(r, x0, x1, x2, x3, g, d)
                if let single = options.single { convert(x0, count: 4 * d, into: single + i * d) }
                if let scores = options.scores { store4(z, scores + i) }
                if let residuals = options.residuals { store4(r, residuals + i) }
                i += 4
            }
            while i < rows.upperBound {
                let xi = x + i * d
                var z = dot(xi, beta, d)
                if let offsets { z += offsets[i] }
                z += b
                let t = rowTerms(z, labels[i], weights[i])
                loss += t.loss
                gb += t.residual
                options.curvature?[i] = t.curvature
                axpy(t.residual, xi, g, d)
                if let single = options.single { convert(xi, count: d, into: single + i * d) }
                options.scores?[i] = z
                options.residuals?[i] = t.residual
                i += 1
            }
            g[d] = gb
            return loss
        }

        /// Linear scores `b + x_i·β` for `rows`, written to `out[i]`.
        static func scores<E: DesignScalar>(x: UnsafePointer<E>, d: Int, rows: Range<Int>, beta: UnsafePointer<Double>,
                           intercept b: Double, out: UnsafeMutablePointer<Double>) {
            for i in rows {
                out[i] = dot(x + i * d, beta, d) + b
            }
        }
    }
}

/// An entry type a design may be stored in (`DesignMatrix.Precision`): the kernels read it widened
/// to double, so every product and sum is formed in double whichever the storage. For `Double`
/// the widening is the identity and the kernels perform exactly the operations they did before
/// storage was generic (same results to the bit).
protocol DesignScalar: BinaryFloatingPoint, Sendable {
    /// Four entries from a possibly unaligned address, widened to double.
    static func wide4(_ p: UnsafePointer<Self>) -> SIMD4<Double>
    /// The entry widened to double.
    var wide: Double { get }
}

extension Double: DesignScalar {
    @inline(__always)
    static func wide4(_ p: UnsafePointer<Double>) -> SIMD4<Double> { LogisticRegression.Kernels.load4(p) }
    @inline(__always)
    var wide: Double { self }
}

extension Float: DesignScalar {
    @inline(__always)
    static func wide4(_ p: UnsafePointer<Float>) -> SIMD4<Double> { SIMD4<Double>(LogisticRegression.Kernels.load4(p)) }
    @inline(__always)
    var wide: Double { Double(self) }
}
