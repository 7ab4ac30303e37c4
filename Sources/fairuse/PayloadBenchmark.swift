import AuditAgent
import AuditCore
import AuditReport
import AuditSpec
import AuditStats
import AuditWire
import Foundation

/// `fairuse benchmark --payload`: the size of what a site sends, measured by running the site
/// agent's task runner on real data and compressing its result as the wire does. Two cases of
/// issue 9: the bundled demo (three sites, 4 groups) and one site holding all of flchain audited
/// over 24 intersectional groups (sex × age group × flc_grp cut at 3, 5, 7, 9, 10), each at two
/// bootstrap sizes to show that nothing grows with B.
struct PayloadBenchmark {
    let sitesFolder: String
    let flchain: String
    let json: Bool

    struct Row: Codable {
        var name: String, groups: Int, bootstrap: Int, site: String
        var jsonBytes: Int, compressedBytes: Int
    }

    func run() async throws {
        var rows: [Row] = []
        let demoSpec = try AuditSpec.load(path: "\(sitesFolder)/specs/flchain_5y_mortality.yaml")
        for b in [200, 2000] {
            var spec = demoSpec
            spec.tests.bootstrapReplicates = b
            for name in ["olmsted-central", "olmsted-north", "olmsted-south"] {
                let configuration = try AgentConfiguration.load(path: "\(sitesFolder)/\(name)/agent.yaml")
                let data = AgentConfiguration.DataSource.csv(path: "\(sitesFolder)/\(name)/data.csv")
                rows.append(try await measure(spec: spec, site: name, policy: configuration.policy, data: data,
                                        label: "demo (3 sites)"))
            }
        }
        var wide = demoSpec
        wide.name = "flchain-24-groups"
        wide.groups = [GroupAttributeSpec(column: "sex"), GroupAttributeSpec(column: "age_group"),
                       GroupAttributeSpec(column: "flc_grp", cuts: [3, 5, 7, 9, 10])]
        wide.features.numeric = wide.features.numeric.filter { $0 != "flc_grp" }
        // min_cell 5 as the bundled sites; min_cell 1 withholds nothing (the largest payload these data give).
        for (b, minCell) in [(200, 5), (2000, 5), (2000, 1)] {
            var spec = wide
            spec.tests.bootstrapReplicates = b
            let policy = SitePolicy(allowedModels: ["logistic_regression"], allowedMetrics: ["error", "auc", "ece"],
                                    allowedTechniques: ["onehot", "intersectional", "decoupled"], minCell: minCell,
                                    maxGroups: 32)
            rows.append(try await measure(spec: spec, site: "flchain-all", policy: policy, data: .csv(path: flchain),
                                    label: "flchain, one site, 24 groups, min_cell \(minCell)"))
        }
        if json {
            let data = try JSONEncoder().encode(rows)
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("What a site sends (the TaskResult the agent posts, zlib as on the wire):")
        var table = TextTable(header: ["case", "groups released", "B", "site", "JSON KiB", "zlib KiB"])
        for row in rows {
            table.append([row.name, String(row.groups), String(row.bootstrap), row.site,
                          String(format: "%.1f", Double(row.jsonBytes) / 1024), String(format: "%.1f", Double(row.compressedBytes) / 1024)])
        }
        print(table.render(), terminator: "")
    }

    private func measure(spec: AuditSpec, site: String, policy: SitePolicy, data: AgentConfiguration.DataSource,
                         label: String) async throws -> Row {
        FileHandle.standardError.write(Data("· \(label): \(site), B = \(spec.tests.bootstrapReplicates)\n".utf8))
        let task = SiteTask(id: TaskID.generate(), audit: AuditID.generate(), spec: spec, rootSeed: 1,
                            createdAt: Date(), deadline: nil)
        let runner = TaskRunner(site: try SiteID(validating: site), policy: policy, data: data)
        guard case .result(let result) = await runner.run(task) else {
            throw PayloadBenchmarkError(message: "\(site) refused the \(label) task")
        }
        let body = try PayloadCodec.encodeJSON(result)
        let compressed = PayloadCodec.compress(body)
        let groups = result.techniques.first?.statistics.groups.compactMap { $0 }.count ?? 0
        return Row(name: label, groups: groups, bootstrap: spec.tests.bootstrapReplicates, site: site,
                   jsonBytes: body.count, compressedBytes: compressed.count)
    }
}

struct PayloadBenchmarkError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
