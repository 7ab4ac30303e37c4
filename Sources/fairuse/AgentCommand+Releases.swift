import ArgumentParser
import AuditAgent

extension AgentCommand {
    /// `fairuse agent releases`: the site's release register, for its operator. It shows only
    /// what already left (released groups and their counts) and the local names of what was
    /// withheld; nothing here is sent anywhere.
    struct Releases: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List what this site released: audit, task, when, group definition, cells released and withheld.")
        @Option(help: "The agent's configuration file (agent.yaml).") var config: String
        func run() throws {
            do {
                let configuration = try AgentConfiguration.load(path: config)
                let register = ReleaseRegister(stateDirectory: configuration.stateDirectory)
                let records = try register.releases()
                print("\(records.count) release\(records.count == 1 ? "" : "s") in \(register.path)")
                for record in records {
                    let groups = record.cells.filter { $0.group != "(all)" }
                    print("")
                    print("audit \(record.audit)  task \(record.task)  released \(record.releasedAt)")
                    print("  data sha256 \(record.datasetSHA256.prefix(16))… (\(record.cohort)) · min_cell \(record.minCell)")
                    print("  groups: " + record.groupDefinition.joined(separator: " × "))
                    print("  rows sent: total \(record.rowCounts.total), train \(record.rowCounts.train), test \(record.rowCounts.test)")
                    print("  released \(record.releasedGroups.count) group\(record.releasedGroups.count == 1 ? "" : "s"), "
                          + "withheld \(record.withheldGroups.count)")
                    for cell in groups + record.cells.filter({ $0.group == "(all)" }) {
                        print("    released  \(cell.group): \(cell.rows) test rows" + (cell.positives.map { ", \($0) positive" } ?? ""))
                    }
                    for key in record.withheldGroups { print("    withheld  \(key)") }
                    if !record.findingScopes.isEmpty { print("  findings: " + record.findingScopes.joined(separator: ", ")) }
                }
            } catch { throw fail(error) }
        }
    }
}
