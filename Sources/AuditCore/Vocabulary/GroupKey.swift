/// Group keys: an intersectional group is named by its attribute levels joined in spec order
/// (e.g. `female|65+`); the population as a whole has a key of its own that no group can take,
/// because `(` and `)` never appear in a level the spec admits.
public enum GroupKey {
    /// The key of the whole population, `(all)`.
    public static let population = "(all)"

    /// Whether `key` names the whole population.
    public static func isPopulation(_ key: String) -> Bool { key == population }
}
