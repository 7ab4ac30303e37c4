/// The ECE test this project used before the calibration test (kept for the simulation harness
/// only, to measure the new test against it): the paired percentile bootstrap of the plug-in
/// ECE gain, rows resampled with replacement within each (site, label) stratum of the group,
/// p_violation = (1 + #{Δ* ≥ 0}) / (B + 1) (methods spec §2.1). Row-level; never used in an audit.
public enum PercentileBootstrapECE {
    /// p_violation of the gain ECE(comparator) − ECE(target) on rows with labels `labels`,
    /// `comparator`/`target` probabilities and `strata` (site index per row).
    public static func pViolation(labels: [UInt8], comparator: [Double], target: [Double], strata: [Int],
                                  bins: Int, replicates: Int, generator: inout Xoshiro256StarStar) -> Double {
        let n = labels.count
        var cells: [[Int]] = []
        var index: [Int: Int] = [:]
        for i in 0..<n {
            let key = strata[i] * 2 + Int(labels[i])
            if let c = index[key] { cells[c].append(i) } else { index[key] = cells.count; cells.append([i]) }
        }
        let binC = comparator.map { CalibrationBins.bin(of: $0, bins: bins) }
        let binT = target.map { CalibrationBins.bin(of: $0, bins: bins) }
        let rC = (0..<n).map { comparator[$0] - Double(labels[$0]) }
        let rT = (0..<n).map { target[$0] - Double(labels[$0]) }
        var atLeastZero = 0
        var sumsC = [Double](repeating: 0, count: bins), sumsT = [Double](repeating: 0, count: bins)
        for _ in 0..<replicates {
            for k in 0..<bins { sumsC[k] = 0; sumsT[k] = 0 }
            for cell in cells {
                for _ in cell.indices {
                    let i = cell[Int(generator.nextBounded(UInt64(cell.count)))]
                    sumsC[binC[i]] += rC[i]
                    sumsT[binT[i]] += rT[i]
                }
            }
            var gain = 0.0
            for k in 0..<bins { gain += abs(sumsC[k]) - abs(sumsT[k]) }
            if gain >= 0 { atLeastZero += 1 }
        }
        return Double(1 + atLeastZero) / Double(replicates + 1)
    }
}
