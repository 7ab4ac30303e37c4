import Foundation

extension LogisticRegression.Kernels {
    /// Four floats from a possibly unaligned address.
    @inline(__always)
    static func load4(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
    }

    /// Stores four floats at a possibly unaligned address.
    @inline(__always)
    static func store4(_ v: SIMD4<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Float>.self)
    }

    /// `a·b` in single precision (two `SIMD4<Float>` accumulators over blocks of 8), the lanes
    /// summed in double.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Double {
        var acc0 = SIMD4<Float>(), acc1 = SIMD4<Float>()
        var j = 0
        while j &+ 8 <= count {
            acc0 += load4(a + j) * load4(b + j)
            acc1 += load4(a + j + 4) * load4(b + j + 4)
            j &+= 8
        }
        if j &+ 4 <= count {
            acc0 += load4(a + j) * load4(b + j)
            j &+= 4
        }
        var s = lanes(SIMD4<Double>(acc0) + SIMD4<Double>(acc1))
        while j < count {
            s += Double(a[j] * b[j])
            j &+= 1
        }
        return s
    }

    /// `g += r0·x0 + r1·x1 + r2·x2 + r3·x3` in single precision.
    @inline(__always)
    static func axpy4(_ r: SIMD4<Float>, _ x0: UnsafePointer<Float>, _ x1: UnsafePointer<Float>,
                      _ x2: UnsafePointer<Float>, _ x3: UnsafePointer<Float>,
                      _ g: UnsafeMutablePointer<Float>, _ count: Int) {
        let r0 = r[0], r1 = r[1], r2 = r[2], r3 = r[3]
        var j = 0
        while j &+ 4 <= count {
            let t = (r0 * load4(x0 + j) + r1 * load4(x1 + j)) + (r2 * load4(x2 + j) + r3 * load4(x3 + j))
            store4(load4(g + j) + t, g + j)
            j &+= 4
        }
        while j < count {
            g[j] += (r0 * x0[j] + r1 * x1[j]) + (r2 * x2[j] + r3 * x3[j])
            j &+= 1
        }
    }

    /// Rows accumulated in a single-precision gradient partial before it is added to the double one.
    static let singleFlushRows = 32

    /// The unpenalized loss and gradient sums of
    /// ``lossAndGradient(x:d:rows:labels:weights:theta:g:curvature:single:scores:residuals:)`` at
    /// θ = θₐ + Δ, computed from an exact pass at the anchor θₐ and a single-precision copy of the
    /// design: each score is zₐ + x·Δ with x·Δ in single precision, each row's loss and residual
    /// then in double, and the gradient as Σ (residual − residualₐ)·x in single precision (flushed
    /// to double every ``singleFlushRows`` rows). So the rounding error is about 1e-6 of the
    /// *change* since the anchor, not of the values: small near the anchor however small the
    /// gradient is. About twice as fast as the exact pass (half the memory traffic, half the
    /// instructions).
    ///
    /// Writes Σ (residual − residualₐ)·x into `g[0..<d]` and Σ residual (exact) into `g[d]`;
    /// returns Σ loss. `step` holds Δβ in single precision (d floats), `interceptStep` Δb, and
    /// `offsetSteps` (when given) each row's change of score from appended columns, in double;
    /// `anchorScores` and `anchorResiduals` the anchor's per-row scores and weighted residuals;
    /// `residuals`, when given, receives each row's weighted residual; `partial` is d floats of scratch.
    static func lossAndGradientSingle(x: UnsafePointer<Float>, d: Int, rows: Range<Int>,
                                      labels: UnsafePointer<UInt8>, weights: UnsafePointer<Double>,
                                      step: UnsafePointer<Float>, interceptStep: Double,
                                      offsetSteps: UnsafePointer<Double>?,
                                      anchorScores: UnsafePointer<Double>, anchorResiduals: UnsafePointer<Double>,
                                      residuals: UnsafeMutablePointer<Double>?,
                                      g: UnsafeMutablePointer<Double>, partial: UnsafeMutablePointer<Float>) -> Double {
        g.update(repeating: 0, count: d + 1)
        partial.update(repeating: 0, count: d)
        var loss = 0.0
        var gb = 0.0
        var pending = 0
        var i = rows.lowerBound
        while i + 4 <= rows.upperBound {
            let x0 = x + i * d, x1 = x0 + d, x2 = x1 + d, x3 = x2 + d
            var dz = SIMD4(dot(x0, step, d), dot(x1, step, d), dot(x2, step, d), dot(x3, step, d))
            if let offsetSteps { dz += UnsafeRawPointer(offsetSteps + i).loadUnaligned(as: SIMD4<Double>.self) }
            let z = UnsafeRawPointer(anchorScores + i).loadUnaligned(as: SIMD4<Double>.self) + (dz + interceptStep)
            let t0 = rowTerms(z[0], labels[i], weights[i])
            let t1 = rowTerms(z[1], labels[i + 1], weights[i + 1])
            let t2 = rowTerms(z[2], labels[i + 2], weights[i + 2])
            let t3 = rowTerms(z[3], labels[i + 3], weights[i + 3])
            loss += (t0.loss + t1.loss) + (t2.loss + t3.loss)
            gb += (t0.residual + t1.residual) + (t2.residual + t3.residual)
            let r = SIMD4(t0.residual, t1.residual, t2.residual, t3.residual)
            if let residuals { store4(r, residuals + i) }
            let change = r - UnsafeRawPointer(anchorResiduals + i).loadUnaligned(as: SIMD4<Double>.self)
            axpy4(SIMD4<Float>(change), x0, x1, x2, x3, partial, d)
            i += 4
            pending += 4
            if pending >= singleFlushRows {
                flush(partial, into: g, d)
                pending = 0
            }
        }
        while i < rows.upperBound {
            let xi = x + i * d
            let dz = dot(xi, step, d) + (offsetSteps?[i] ?? 0)
            let t = rowTerms(anchorScores[i] + (dz + interceptStep), labels[i], weights[i])
            loss += t.loss
            gb += t.residual
            residuals?[i] = t.residual
            let r = Float(t.residual - anchorResiduals[i])
            for j in 0..<d { partial[j] += r * xi[j] }
            i += 1
        }
        flush(partial, into: g, d)
        g[d] = gb
        return loss
    }

    /// `g += partial` (widened to double) and `partial = 0`.
    @inline(__always)
    static func flush(_ partial: UnsafeMutablePointer<Float>, into g: UnsafeMutablePointer<Double>, _ d: Int) {
        var j = 0
        while j &+ 4 <= d {
            store4(load4(g + j) + SIMD4<Double>(load4(partial + j)), g + j)
            store4(SIMD4<Float>(), partial + j)
            j &+= 4
        }
        while j < d {
            g[j] += Double(partial[j])
            partial[j] = 0
            j &+= 1
        }
    }

    /// Writes `count` doubles from `x` to `out` rounded to single precision.
    @inline(__always)
    static func convert<E: DesignScalar>(_ x: UnsafePointer<E>, count: Int, into out: UnsafeMutablePointer<Float>) {
        var k = 0
        while k &+ 4 <= count {
            store4(SIMD4<Float>(E.wide4(x + k)), out + k)
            k &+= 4
        }
        while k < count {
            out[k] = Float(x[k].wide)
            k &+= 1
        }
    }
}
