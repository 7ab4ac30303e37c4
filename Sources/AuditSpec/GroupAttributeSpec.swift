/// One group attribute (an entry of the spec's `groups` list), such as sex or an age band.
///
/// The intersectional groups of an audit are the combinations of the levels of all group
/// attributes, in list order. An attribute is either categorical (its values are used as they
/// appear in the data) or numeric with cut points (its values are binned into intervals).
///
/// ```yaml
/// groups:
///   - sex                 # categorical, written as just the column name
///   - column: age         # numeric with cut points
///     cuts: [60]          # levels "<60", "60+"; [50, 70] gives "<50", "[50,70)", "70+"
///     name: age_group     # optional display name (default: the column name)
/// ```
public struct GroupAttributeSpec: Sendable, Codable, Equatable, Hashable {
    /// The data column holding the attribute (`groups[i]` or `groups[i].column`).
    public var column: String
    /// The display name (`groups[i].name`); `nil` means the column name. See ``displayName``.
    public var name: String?
    /// Cut points for a numeric attribute (`groups[i].cuts`), finite and strictly increasing;
    /// `nil` for a categorical attribute. k cuts give k + 1 levels, see ``level(for:)``.
    public var cuts: [Double]?

    /// Creates a group attribute; with `cuts == nil` it is categorical.
    public init(column: String, name: String? = nil, cuts: [Double]? = nil) {
        self.column = column
        self.name = name
        self.cuts = cuts
    }

    /// Whether the attribute's values are binned by ``cuts`` (numeric) rather than used as they are.
    public var isNumeric: Bool { cuts != nil }
}
