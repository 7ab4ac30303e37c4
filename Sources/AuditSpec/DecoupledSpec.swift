/// Settings of the decoupled technique (spec key `decoupled`, optional).
///
/// ```yaml
/// decoupled:
///   min_rows: 20   # default 20, ≥ 1
/// ```
public struct DecoupledSpec: Sendable, Codable, Equatable, Hashable {
    /// The fewest training rows a group needs for a model of its own (`decoupled.min_rows`, ≥ 1).
    /// A group with fewer rows, or with a single class, falls back to the generic model, and the
    /// report says so.
    public var minRows: Int

    /// Creates decoupled settings; default 20 rows.
    public init(minRows: Int = 20) {
        self.minRows = minRows
    }
}
