/// One fitted CART classification tree, stored as parallel arrays (node `k` is entry `k` of each).
///
/// An internal node sends a row left when `row[feature[k]] <= threshold[k]`; a leaf has
/// `feature[k] == -1` and predicts `value[k]`, the weighted share of positives among the
/// bootstrap rows that reached it (scikit-learn's `predict_proba` of one tree).
public struct DecisionTree: Sendable, Codable, Equatable {
    /// Split feature per node; -1 for a leaf.
    public var feature: [Int32]
    /// Split threshold per node (unused for leaves).
    public var threshold: [Double]
    /// Left child per node (-1 for a leaf).
    public var left: [Int32]
    /// Right child per node (-1 for a leaf).
    public var right: [Int32]
    /// Weighted share of positives among the training rows at each node.
    public var value: [Double]
    /// Distinct training rows that reached each node.
    public var rows: [Int32]
    /// Depth of the deepest leaf (the root has depth 0).
    public var depth: Int

    /// Number of nodes.
    public var nodeCount: Int { feature.count }
    /// Number of leaves.
    public var leafCount: Int { feature.reduce(0) { $0 + ($1 < 0 ? 1 : 0) } }

    /// P(y = 1) of one row (a pointer to its `featureCount` values).
    @inline(__always)
    func probability(_ row: UnsafePointer<Double>) -> Double {
        feature.withUnsafeBufferPointer { f in
            threshold.withUnsafeBufferPointer { t in
                left.withUnsafeBufferPointer { l in
                    right.withUnsafeBufferPointer { r in
                        var k = 0
                        while f[k] >= 0 {
                            k = Int(row[Int(f[k])] <= t[k] ? l[k] : r[k])
                        }
                        return value[k]
                    }
                }
            }
        }
    }

    /// Adds this tree's P(y = 1) of rows `rows` of a row-major design with `d` columns to
    /// `sums[i − rows.lowerBound]` (one pass per tree over a block of rows keeps the tree's arrays in cache).
    func accumulate(_ x: UnsafePointer<Double>, columns d: Int, rows: Range<Int>, into sums: UnsafeMutablePointer<Double>) {
        feature.withUnsafeBufferPointer { f in
            threshold.withUnsafeBufferPointer { t in
                left.withUnsafeBufferPointer { l in
                    right.withUnsafeBufferPointer { r in
                        value.withUnsafeBufferPointer { v in
                            for i in rows {
                                let row = x + i * d
                                var k = 0
                                while f[k] >= 0 {
                                    k = Int(row[Int(f[k])] <= t[k] ? l[k] : r[k])
                                }
                                sums[i - rows.lowerBound] += v[k]
                            }
                        }
                    }
                }
            }
        }
    }
}
