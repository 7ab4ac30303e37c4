/// Whether to repair class imbalance across intersectional groups before training
/// (spec key `imbalance_repair`, default `none`).
///
/// Suriyakumar, Ghassemi & Ustun (ICML 2023) §4.1: reweighting equalizes the class balance of
/// every intersectional group in the training set.
public enum ImbalanceRepair: String, Sendable, Codable, CaseIterable, Hashable {
    /// Train on the rows as they are (`none`).
    case none
    /// Weight training rows so that every intersectional group has the same class balance (`reweight`).
    case reweight
}
