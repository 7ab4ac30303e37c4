import AuditStats

/// The D2 cautions (few discordant rows, a small group, one class) and the reasons a test is
/// undefined, gathered per group so every rendering can print them beside the numbers they
/// qualify. Without them a violation found on four positives reads like any other.
public enum Cautions {
    /// One caution of a group: the comparisons it concerns and the text.
    public struct Entry: Sendable, Equatable {
        /// "rationality", or "envy-freeness vs (male, old), (male, young)" / "… vs every other group".
        public var scope: String
        /// The caution or the reason the test is undefined.
        public var text: String
    }

    /// The texts attached to one comparison: its caution, then why its primary test is undefined
    /// (falling back to the caution, or a plain "undefined", when no reason was recorded).
    public static func texts(_ c: Comparison) -> [String] {
        var out: [String] = []
        if let caution = c.caution { out.append(caution) }
        if c.primary.flag == .na {
            let reason = c.primary.unavailableReason ?? (c.caution == nil ? "the test is undefined" : nil)
            if let reason, !out.contains(reason) { out.append("not tested: \(reason)") }
        }
        return out
    }

    /// The rationality comparison's texts, joined ("" when none).
    public static func rationalityText(_ g: GroupEvaluation) -> String {
        g.rationality.map(texts)?.joined(separator: "; ") ?? ""
    }

    /// The envy-freeness cautions of a group, one entry per distinct text with the comparators it
    /// applies to, in key order ("every other group" when it applies to all of them).
    public static func envy(_ g: GroupEvaluation, label: (String) -> String = PlainLanguage.label) -> [Entry] {
        var order: [String] = [], comparators: [String: [String]] = [:]
        for e in g.envy {
            for text in texts(e) {
                if comparators[text] == nil { order.append(text) }
                comparators[text, default: []].append(e.reportedAs ?? "")
            }
        }
        return order.map { text in
            let list = comparators[text] ?? []
            let against = list.count == g.envy.count && list.count > 1 ? "every other group" : list.map(label).joined(separator: ", ")
            return Entry(scope: "envy-freeness vs \(against)", text: text)
        }
    }

    /// Every caution of a group: rationality first, then envy-freeness.
    public static func all(_ g: GroupEvaluation, label: (String) -> String = PlainLanguage.label) -> [Entry] {
        let r = g.rationality.map(texts) ?? []
        return r.map { Entry(scope: "rationality", text: $0) } + envy(g, label: label)
    }

    /// Numbered footnotes of a table: the marker of each group with cautions ("[1]") and the lines,
    /// one per caution, the group named on the first.
    /// When one text applies to every comparison of every group (e.g. no ECE test without a
    /// bootstrap), it is one line for the table rather than one per group.
    static func footnotes(_ groups: [GroupEvaluation], label: (String) -> String = PlainLanguage.label)
        -> (markers: [String: String], lines: [String]) {
        if let common = common(groups) { return ([:], ["every comparison: \(common)"]) }
        var markers: [String: String] = [:], lines: [String] = []
        for g in groups {
            let entries = all(g, label: label)
            guard !entries.isEmpty else { continue }
            let marker = "[\(markers.count + 1)]"
            markers[g.key] = marker
            let pad = String(repeating: " ", count: marker.count + 1)
            lines.append("\(marker) \(label(g.key)) — \(entries[0].scope): \(entries[0].text)")
            lines += entries.dropFirst().map { "\(pad)\($0.scope): \($0.text)" }
        }
        return (markers, lines)
    }

    /// The single text every comparison of every group carries, if there is one.
    static func common(_ groups: [GroupEvaluation]) -> String? {
        let comparisons = groups.flatMap { g in [g.rationality].compactMap { $0 } + g.envy }
        guard comparisons.count > 1, let first = comparisons.first.map(texts), first.count == 1,
              comparisons.allSatisfy({ texts($0) == first }) else { return nil }
        return first[0]
    }
}
