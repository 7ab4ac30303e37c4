import AuditCoordinator
import AuditCore
import AuditSpec
import AuditTestSupport
import AuditWire
import Foundation

/// A site's CSV with known cells for the cross-audit attacks, and readers of everything the
/// coordinator stored, so the tests can compare what left with what the file holds.
struct CrossAuditSite {
    /// One row of the file.
    struct Row { var sex: String; var age: Int; var language: String; var x1: Double; var x2: Double; var death: Int }

    var rows: [Row]

    /// Cells (sex, age band, rows, deaths): (F, <65) is small — 3 deaths in 12 rows, so its test
    /// cell (round(0.2 · 3) = 1 death) is below min_cell 5 — the others are large.
    static let cells: [(sex: String, young: Bool, rows: Int, deaths: Int)] = [
        ("F", true, 12, 3), ("F", false, 150, 45), ("M", true, 150, 35), ("M", false, 150, 50),
    ]

    /// The rows, deterministically: a death raises x1, age varies within its band; every row
    /// speaks english or spanish except `rareLanguage` on one row when given.
    static func make(rareLanguage: String? = nil) -> CrossAuditSite {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        var rows: [Row] = []
        for cell in cells {
            for i in 0..<cell.rows {
                let death = i < cell.deaths ? 1 : 0
                let age = cell.young ? 40 + Int(uniform() * 24) : 65 + Int(uniform() * 25)
                rows.append(Row(sex: cell.sex, age: age, language: uniform() < 0.3 ? "spanish" : "english",
                                x1: Double(death) * 1.2 + uniform() * 2, x2: uniform(), death: death))
            }
        }
        if let rareLanguage { rows[200].language = rareLanguage }
        return CrossAuditSite(rows: rows)
    }

    /// Writes the CSV at `path` (creating its folder).
    func write(to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let lines = ["sex,age,language,x1,x2,death"] + rows.map { "\($0.sex),\($0.age),\($0.language),\($0.x1),\($0.x2),\($0.death)" }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// A spec over this file: groups as given, two techniques, no bootstrap.
    static func spec(_ name: String, groups: [GroupAttributeSpec]) -> AuditSpec {
        var spec = AuditSpec(name: name, outcome: OutcomeSpec(column: "death"), groups: groups)
        spec.features.exclude = ["language"]
        spec.techniques = [.onehot, .intersectional]
        spec.tests.bootstrapReplicates = 0
        return spec
    }
}

/// Everything the coordinator keeps about the federation's audits, read from its database.
enum CoordinatorRecords {
    /// Every result an audit stored, decoded.
    static func results(_ federation: FederationHarness, audit: AuditID) async throws -> [TaskResult] {
        let store = try await Store.open(path: federation.configuration.databasePath)
        return try await store.submissions(of: audit).map { try PayloadCodec.decodeJSON(TaskResult.self, from: $0.payload) }
    }

    /// All the text the coordinator stored: audits (spec, result), tasks (with refusal details),
    /// submissions, events, sites (policy), and the raw bytes of its database files.
    static func everything(_ federation: FederationHarness) async throws -> String {
        let store = try await Store.open(path: federation.configuration.databasePath)
        var text = ""
        for audit in try await store.audits() {
            text += "\(audit)\n"
            for task in try await store.tasks(of: audit.id) { text += "\(task)\n" }
            for submission in try await store.submissions(of: audit.id) { text += String(decoding: submission.payload, as: UTF8.self) }
            for event in try await store.events(of: audit.id) { text += "\(event)\n" }
        }
        for site in try await store.sites() {
            text += "\(site)\n"
            for event in try await store.events(ofSite: site.id) { text += "\(event)\n" }
        }
        for suffix in ["", "-wal", "-shm"] {
            if let data = FileManager.default.contents(atPath: federation.configuration.databasePath + suffix) {
                text += String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            }
        }
        return text
    }
}
