import ArgumentParser
import AuditAgent
import AuditCore
import AuditModels
import AuditReport
import AuditSpec
import AuditStats
import AuditTable
import Foundation

/// `fairuse plan`: what an audit can detect, from group counts alone, before any model is fitted
/// (methods spec §2.8–2.9).
struct Plan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Testability before compute: BoP limits, Proposition 4 sample sizes, detectable gains per group.",
        discussion: """
        Reads the spec and the data's group and outcome columns (no model is fitted) and prints, for \
        the pooled test rows and each site's: BoP k_max and d_max (Cornelis et al.); Proposition 4's \
        sample sizes (ICML 2023, corrected / as printed / Lemma 6); per group n_g, its expected test \
        rows under the spec's split and the smallest error-rate gain the exact McNemar test detects \
        after the audit's correction; and the groups that cannot be tested, with the reason. \
        Data: the spec's `data`, or --data FILE… (one file per site), or --sites DIR… (site folders \
        whose agent.yaml names the data and the site's min_cell).
        """)

    @Argument(help: "Audit spec (YAML).") var spec: String
    @Option(parsing: .upToNextOption, help: "Data file(s), one per site (default: the spec's `data`).") var data: [String] = []
    @Option(parsing: .upToNextOption, help: "Site folder(s) with agent.yaml (or agent.yaml paths).") var sites: [String] = []
    @Option(help: "Write the plan as JSON (format fairuse-plan/1) here.") var json: String?
    @Option(parsing: .upToNextOption, help: "BoP margin(s) ε for k_max / d_max.") var epsilon: [Double] = [0.05, 0.10]
    @Option(parsing: .upToNextOption, help: "Gap(s) ε̂ for Proposition 4.") var gap: [Double] = [0.05, 0.10]
    @Option(help: "Proposition 4's δ (confidence 1 − δ).") var delta: Double = 0.05
    @Option(help: "Target power of the minimum detectable gain.") var power: Double = 0.8
    @Option(help: "Assumed fraction ψ of discordant test rows per group.") var discordant: Double = 0.10
    @Option(help: "VC dimension D (default: design columns + groups, intersectional logistic model).") var vcDimension: Int?

    func validate() throws {
        if !data.isEmpty && !sites.isEmpty { throw ValidationError("give --data or --sites, not both") }
        if epsilon.isEmpty || epsilon.contains(where: { !($0 > 0 && $0 < 0.5) }) { throw ValidationError("--epsilon values must be in (0, 0.5)") }
        if gap.isEmpty || gap.contains(where: { !($0 > 0 && $0 <= 1) }) { throw ValidationError("--gap values must be in (0, 1]") }
        if !(delta > 0 && delta < 1) { throw ValidationError("--delta must be in (0, 1)") }
        if !(power > 0 && power < 1) { throw ValidationError("--power must be in (0, 1)") }
        if !(discordant > 0 && discordant <= 1) { throw ValidationError("--discordant must be in (0, 1]") }
        if let vcDimension, vcDimension < 1 { throw ValidationError("--vc-dimension must be at least 1") }
    }

    func run() async throws {
        try OutputPaths.check(files: [json])
        try await makePlan()
    }

    func makePlan() async throws {
        let auditSpec = try AuditSpec.load(path: spec)
        // Every figure of the plan (McNemar power, the BoP classification limits, Proposition 4) is
        // for a binary outcome; printing them for a continuous one would mislead.
        guard auditSpec.outcome.type == .binary else {
            throw CommandError("\(spec): outcome.type is \(auditSpec.outcome.type.rawValue); fairuse plan covers binary outcomes only (exact McNemar power, the BoP classification limits, Proposition 4). A continuous outcome's paired t-tests depend on the variance of the loss differences, which is known only after the audit")
        }
        var counts: [TestabilityPlan.SiteCounts] = []
        var firstDataset: AuditDataset?
        func add(name: String, dataset: AuditDataset, minCell: Int?) {
            if firstDataset == nil { firstDataset = dataset }
            counts.append(.init(name: name, minCell: minCell, groups: GroupCensus.counts(dataset, spec: auditSpec)))
        }
        if !sites.isEmpty {
            for site in sites {
                let file = site.hasSuffix(".yaml") || site.hasSuffix(".yml") ? site : URL(fileURLWithPath: site).appendingPathComponent("agent.yaml").path
                let configuration = try AgentConfiguration.load(path: file)
                add(name: configuration.site, dataset: try await SiteData(configuration.data).load(spec: auditSpec).dataset,
                    minCell: configuration.policy.minCell)
            }
        } else if !data.isEmpty {
            // Sites are named by file name, or by the path as given when two files share a name (site/data.csv).
            let names = data.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
            for (path, name) in zip(data, names) {
                add(name: names.filter { $0 == name }.count > 1 ? path : name,
                    dataset: try AuditDataset.load(path: path, spec: auditSpec), minCell: nil)
            }
        } else {
            guard let path = auditSpec.resolvedDataPath(specPath: spec) else { throw ValidationError("the spec names no `data`; give --data or --sites") }
            add(name: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent,
                dataset: try AuditDataset.load(path: path, spec: auditSpec), minCell: nil)
        }
        let groupCount = Set(counts.flatMap { $0.groups.map(\.key) }).count
        let dimension = vcDimension ?? firstDataset.map { GroupCensus.vcDimension($0, groups: groupCount) } ?? 1
        var settings = TestabilityPlan.Settings(
            alpha: auditSpec.tests.alpha, correction: auditSpec.tests.correction,
            power: power, discordantFraction: discordant, epsilons: epsilon, gaps: gap, delta: delta, vcDimension: dimension,
            decoupledMinRows: auditSpec.techniques.contains(.decoupled) && auditSpec.model.fixed == nil ? auditSpec.decoupled.minRows : nil)
        settings.bootstrapReplicates = auditSpec.metrics.contains(.ece) ? auditSpec.tests.bootstrapReplicates : nil
        let plan = TestabilityPlanner.plan(name: auditSpec.name, sites: counts, settings: settings)
        print(PlanReport.render(plan), terminator: "")
        if let json {
            try AtomicFile.write(try plan.jsonData(), to: json)
            print("\nJSON plan: \(json)")
        }
    }
}
