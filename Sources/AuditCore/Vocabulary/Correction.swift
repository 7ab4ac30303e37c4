/// A multiple-testing correction (spec key `tests.correction`), applied within each (metric,
/// direction) family of one-sided p-values. The formulas are in `MultipleTesting.adjust`.
public enum Correction: String, Sendable, Codable, CaseIterable, Hashable {
    /// Holm 1979 step-down, controls the family-wise error rate (`holm`, the default):
    /// p̃_(i) = max_{j ≤ i} min(1, (M − j + 1)·p_(j)).
    case holm
    /// Bonferroni, controls the family-wise error rate (`bonferroni`): min(1, M·p).
    case bonferroni
    /// Benjamini & Hochberg 1995 step-up, controls the false discovery rate under independence or
    /// PRDS (`bh`): p̃_(i) = min_{j ≥ i} min(1, M·p_(j)/j).
    case bh
    /// Benjamini & Yekutieli 2001, controls the false discovery rate under any dependence (`by`):
    /// BH × c(M), c(M) = Σ_{j ≤ M} 1/j.
    case by

    /// The correction's short name in reports: `Holm`, `Bonferroni`, `BH`, `BY`.
    public var displayName: String {
        switch self {
        case .holm: "Holm"
        case .bonferroni: "Bonferroni"
        case .bh: "BH"
        case .by: "BY"
        }
    }
}
