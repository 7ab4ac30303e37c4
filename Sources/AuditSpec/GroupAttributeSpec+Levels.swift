extension GroupAttributeSpec {
    /// The name shown in reports: ``name`` if set, otherwise ``column``.
    public var displayName: String { name ?? column }

    /// The level labels of a numeric attribute, lowest first; `nil` for a categorical attribute.
    ///
    /// Cuts `[c₁, …, c_k]` give `"<c₁"`, `"[c₁,c₂)"`, …, `"[c_{k−1},c_k)"`, `"c_k+"`.
    /// Intervals are closed on the left: a value equal to a cut belongs to the level above it.
    public var levels: [String]? {
        guard let cuts, let first = cuts.first, let last = cuts.last else { return nil }
        var labels = ["<" + Self.label(first)]
        for (lower, upper) in zip(cuts, cuts.dropFirst()) {
            labels.append("[\(Self.label(lower)),\(Self.label(upper)))")
        }
        labels.append(Self.label(last) + "+")
        return labels
    }

    /// The level label for a numeric value given the cuts: `"<60"`, `"[50,70)"`, `"60+"`.
    ///
    /// A value equal to a cut belongs to the level above it (`level(for: 60)` with cuts `[60]` is
    /// `"60+"`); −∞ and +∞ fall in the lowest and highest levels. Cut points are written without a
    /// trailing `.0` when they are whole numbers (`60`, `62.5`), matching the bundled datasets'
    /// `age_group` labels. For a categorical attribute (no cuts) the value's own text is returned.
    ///
    /// - Precondition: `value` is not NaN. Missing values have no level; callers handle them first.
    public func level(for value: Double) -> String {
        precondition(!value.isNaN, "a missing (NaN) value has no group level")
        guard let cuts, !cuts.isEmpty else { return Self.label(value) }
        let index = cuts.firstIndex(where: { value < $0 }) ?? cuts.count
        if index == 0 { return "<" + Self.label(cuts[0]) }
        if index == cuts.count { return Self.label(cuts[index - 1]) + "+" }
        return "[\(Self.label(cuts[index - 1])),\(Self.label(cuts[index])))"
    }

    /// A number as it appears in a level label: whole numbers without a fraction (`60`), others in
    /// Swift's shortest round-trip form (`62.5`).
    static func label(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return "\(value)"
    }
}
