/// A way of personalizing the model with the group attributes (spec key `techniques`).
///
/// Default: all three, in this order. Suriyakumar, Ghassemi & Ustun (ICML 2023) §4.
public enum Technique: String, Sendable, Codable, CaseIterable, Hashable {
    /// One-hot encode each group attribute and add the indicators as features (`onehot`).
    case onehot
    /// One-hot encode the intersectional group (every combination of levels) (`intersectional`).
    case intersectional
    /// Train one model per intersectional group (`decoupled`); see ``DecoupledSpec`` for the fallback.
    case decoupled
}
