import AuditModels
import AuditWire

/// Group levels that must never leave the site as keys: a level of a group attribute held by
/// fewer than min_cell rows of the site's data (its name alone, e.g. a rare language or
/// nationality, can identify a patient, and a key would carry it into every statistic and the
/// report). Their rows are withheld before anything is trained or counted, so no key, count or
/// model of the audit holds them; the finding names the attribute, never the level.
enum RareLevels {
    /// The rows to keep (ascending) and the attributes (display names) that had rare levels.
    static func find(_ dataset: AuditDataset, minCell: Int) -> (kept: [Int], attributes: [String]) {
        var rare: [Set<String>] = []
        for values in dataset.attributeValues {
            var counts: [String: Int] = [:]
            for value in values { counts[value, default: 0] += 1 }
            rare.append(Set(counts.filter { $0.value < minCell }.keys))
        }
        let kept = (0..<dataset.count).filter { row in
            !dataset.attributeValues.indices.contains { rare[$0].contains(dataset.attributeValues[$0][row]) }
        }
        return (kept, dataset.attributes.indices.filter { !rare[$0].isEmpty }.map { dataset.attributes[$0] })
    }

    /// The finding sent when rows were withheld: no group key (the level is never named), scope
    /// `group`, rule `below_min_cell`; the attributes stay in the site's own log.
    static func findings(_ attributes: [String], minCell: Int) -> [Suppression] {
        attributes.isEmpty ? [] : [Suppression(group: nil, scope: .group, rule: .belowMinCell, minCell: minCell)]
    }
}
